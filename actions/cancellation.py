"""Cancelling an order that has not shipped, after verification and an explicit yes."""

from __future__ import annotations

from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    StoreUnavailable,
    answered_if_down,
    policy_variables,
    shop,
    shop_now,
    stored_time,
)
from actions.satisfaction import ask_csat_once
from actions.verification import VerifiedOrderForm, not_found_events, verified_order
from bot.shop.types import CancelOutcome

OUTCOME_RESPONSES = {
    CancelOutcome.CANCELLED: "utter_cancel_done",
    CancelOutcome.ALREADY_CANCELLED: "utter_cancel_already",
    CancelOutcome.ALREADY_SHIPPED: "utter_cancel_shipped",
}


class ValidateCancelForm(VerifiedOrderForm):
    """Asks for confirmation only when the verified order can still be cancelled."""

    def name(self) -> str:
        return "validate_cancel_form"

    async def task_slots(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                         customer_id: str, order_id: str) -> List[str]:
        try:
            with answered_if_down(dispatcher):
                order = await shop().order_for_customer(order_id, customer_id)
        except StoreUnavailable:
            return []
        return ["confirm_cancel"] if order is not None and order.cancellable else []


class ActionCancelOrder(Action):
    """Cancels (idempotently) or explains why not, offering a return instead."""

    def name(self) -> str:
        return "action_cancel_order"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        reset: List[EventType] = [SlotSet("order_id", None), SlotSet("contact", None),
                                  SlotSet("confirm_cancel", None)]
        verified = verified_order(dispatcher, tracker)
        if verified is None:
            return reset
        customer_id, order_id = verified
        try:
            with answered_if_down(dispatcher):
                variables = await policy_variables()
                order = await shop().order_for_customer(order_id, customer_id)
                outcome = CancelOutcome.NOT_FOUND
                if order is not None and (
                    not order.cancellable or tracker.get_slot("confirm_cancel")
                ):
                    outcome = await shop().cancel_order(order_id, customer_id,
                                                        stored_time(shop_now()))
        except StoreUnavailable:
            return reset
        if order is not None and outcome is CancelOutcome.NOT_FOUND:
            return reset  # asked but not confirmed: nothing changed
        if outcome is CancelOutcome.NOT_FOUND:
            return await not_found_events(dispatcher, tracker)
        dispatcher.utter_message(response=OUTCOME_RESPONSES[outcome], order_id=order_id,
                                 **variables)
        events = reset + [SlotSet("last_order_id", order_id)]
        if outcome is CancelOutcome.CANCELLED:
            events += ask_csat_once(dispatcher, tracker, "cancel_order")
        return events
