"""Starting a return and reporting where a return and its refund are."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any, Dict, List, Tuple
from zoneinfo import ZoneInfo

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
    shop_today,
    stored_time,
)
from actions.orders import cancelled_day
from actions.satisfaction import ask_csat_once
from actions.verification import (
    VerifiedOrderForm,
    not_found_events,
    say_when_locked,
    verified_customer,
    verified_order,
)
from bot.settings import get_settings
from bot.shop.types import (
    RETURN_REASONS,
    OrderDetails,
    OrderStatus,
    ReturnBlock,
    ReturnOptions,
    ReturnStatus,
    ReturnView,
)
from bot.text.contacts import parse_order_number
from bot.text.formatting import day, local_day, money
from bot.text.vocabulary import first_match, shopping_words

logger = logging.getLogger(__name__)

ALL_ITEMS = "all"
MAX_REPORTED_RETURNS = 3
APOLOGIES = ("utter_refund_overdue", "utter_return_status_rejected")
BLOCK_RESPONSES = {
    ReturnBlock.NOT_DELIVERED: "utter_return_blocked_not_delivered",
    ReturnBlock.WINDOW_CLOSED: "utter_return_blocked_window_closed",
    ReturnBlock.ALREADY_RETURNED: "utter_return_blocked_already_returned",
    ReturnBlock.NOT_RETURNABLE: "utter_return_blocked_not_returnable",
}


async def _options(dispatcher: CollectingDispatcher, customer_id: str,
                   order_id: str) -> ReturnOptions | None:
    try:
        with answered_if_down(dispatcher):
            return await shop().return_options(order_id, customer_id, shop_today())
    except StoreUnavailable:
        return None


def parse_items(value: Any, options: ReturnOptions) -> List[str] | None:
    """Line ids from a button payload ("all", "12", "12,13"); None if any is not eligible."""
    eligible = [line.line_id for line in options.eligible]
    text = str(value or "").strip().lower()
    if text == ALL_ITEMS:
        return eligible
    chosen = [part.strip() for part in text.split(",") if part.strip()]
    return chosen if chosen and all(line_id in eligible for line_id in chosen) else None


class ValidateReturnForm(VerifiedOrderForm):
    """After verification: which items, and why. An ineligible order ends the form."""

    def name(self) -> str:
        return "validate_return_form"

    async def task_slots(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                         customer_id: str, order_id: str) -> List[str]:
        options = await _options(dispatcher, customer_id, order_id)
        return ["return_items", "return_reason"] if options and options.eligible else []

    async def on_order_known(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                             customer_id: str, order_id: str) -> Dict[str, Any]:
        options = await _options(dispatcher, customer_id, order_id)
        if options is not None and len(options.eligible) == 1:
            return {"return_items": options.eligible[0].line_id}
        return {}

    async def validate_return_items(self, value: Any, dispatcher: CollectingDispatcher,
                                    tracker: Tracker, domain: DomainDict) -> Dict[str, Any]:
        customer_id = verified_customer(tracker)
        order_id = parse_order_number(tracker.get_slot("order_id"))
        options = (await _options(dispatcher, customer_id, order_id)
                   if customer_id is not None and order_id is not None else None)
        chosen = parse_items(value, options) if options is not None else None
        if chosen is None:
            dispatcher.utter_message(response="utter_invalid_return_items")
            return {"return_items": None}
        return {"return_items": ",".join(chosen)}

    def validate_return_reason(self, value: Any, dispatcher: CollectingDispatcher,
                               tracker: Tracker, domain: DomainDict) -> Dict[str, Any]:
        reason = str(value or "").strip()
        if reason not in RETURN_REASONS:
            reason = first_match(reason, "return_reasons") or ""
        if not reason:
            dispatcher.utter_message(response="utter_invalid_return_reason")
            return {"return_reason": None}
        return {"return_reason": reason}


class ActionAskReturnItems(Action):
    """Shows the order's returnable items as buttons."""

    def name(self) -> str:
        return "action_ask_return_items"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        customer_id = verified_customer(tracker)
        order_id = parse_order_number(tracker.get_slot("order_id"))
        options = (await _options(dispatcher, customer_id, order_id)
                   if customer_id is not None and order_id is not None else None)
        if options is None:
            return []
        buttons = [
            {"title": f"{line.product_name} ({money(line.amount)} TL)",
             "payload": f'/inform{{"return_items":"{line.line_id}"}}'}
            for line in options.eligible
        ]
        # The response itself carries the "all of them" button; these are appended to it.
        dispatcher.utter_message(response="utter_ask_return_items", buttons=buttons)
        return []


async def _tell_open_return(dispatcher: CollectingDispatcher, customer_id: str, order_id: str,
                            variables: Dict[str, Any]) -> bool:
    """Asked again for a return already open: its code and drop-off steps once more."""
    try:
        with answered_if_down(dispatcher):
            views = await shop().returns(customer_id, order_id)
    except StoreUnavailable:
        return True
    waiting = [v for v in views if v.status == ReturnStatus.AWAITING_DROPOFF.value]
    if not waiting:
        return False
    dispatcher.utter_message(response="utter_return_exists_order", order_id=order_id,
                             code=waiting[0].code, **variables)
    return True


class ActionOpenReturn(Action):
    """Opens the return (once), or explains why the order cannot be returned."""

    def name(self) -> str:
        return "action_open_return"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        reset: List[EventType] = [SlotSet(slot, None) for slot in
                                  ("order_id", "contact", "return_items", "return_reason")]
        verified = verified_order(dispatcher, tracker)
        if verified is None:
            return reset
        customer_id, order_id = verified
        try:
            with answered_if_down(dispatcher):
                variables = await policy_variables()
                options = await shop().return_options(order_id, customer_id, shop_today())
                opened = None
                items = parse_items(tracker.get_slot("return_items"), options)
                reason = tracker.get_slot("return_reason")
                if options.eligible and items and reason in RETURN_REASONS:
                    opened = await shop().open_return(order_id, customer_id, items, reason,
                                                      stored_time(shop_now()), shop_today())
        except StoreUnavailable:
            return reset
        if options.reason is ReturnBlock.NOT_FOUND:
            return await not_found_events(dispatcher, tracker)
        if (opened is None and options.reason is ReturnBlock.ALREADY_RETURNED
                and await _tell_open_return(dispatcher, customer_id, order_id, variables)):
            return reset
        if opened is None:
            if options.reason in BLOCK_RESPONSES:
                window_end = day(options.window_ends) if options.window_ends else ""
                dispatcher.utter_message(response=BLOCK_RESPONSES[options.reason],
                                         order_id=order_id, window_end=window_end, **variables)
            return reset
        found = {"code": opened.code, "refund_amount": money(opened.refund_amount), **variables}
        if not opened.created:
            dispatcher.utter_message(response="utter_return_exists", **found)
            return reset
        logger.info("return %s opened for order %s", opened.code, order_id)
        dispatcher.utter_message(response="utter_return_opened", **found)
        if opened.priority:
            dispatcher.utter_message(response="utter_return_priority")
        return (reset + [SlotSet("last_order_id", order_id)]
                + ask_csat_once(dispatcher, tracker, "return_request",
                                ended_well=not opened.priority))


class ValidateReturnStatusForm(VerifiedOrderForm):
    """A verified shopper needs no order number: all of their returns are listed."""

    def name(self) -> str:
        return "validate_return_status_form"

    async def required_slots(self, domain_slots: List[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[str]:
        if verified_customer(tracker) is not None:
            return []
        return await super().required_slots(domain_slots, dispatcher, tracker, domain)


def return_replies(view: ReturnView, policy_texts: Dict[str, Any], today: date,
                   tz: ZoneInfo) -> List[Tuple[str, Dict[str, Any]]]:
    """The responses that describe one return and its refund, with the data's own dates."""
    variables = {
        **policy_texts,
        "code": view.code,
        "items": ", ".join(view.items),
        "refund_amount": money(view.refund_amount) if view.refund_amount is not None else "",
        "promised_day": day(view.refund_promised) if view.refund_promised else "",
        "paid_day": day(local_day(view.refund_paid_at, tz)) if view.refund_paid_at else "",
    }
    if view.refund_overdue(today):
        return [("utter_refund_overdue", variables)]
    return [(f"utter_return_status_{view.status}", variables)]


class ActionReturnStatus(Action):
    """Where the shopper's returns are, and when their money was or will be paid."""

    def name(self) -> str:
        return "action_return_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        reset: List[EventType] = [SlotSet("order_id", None), SlotSet("contact", None)]
        if say_when_locked(dispatcher, tracker):
            return reset
        customer_id = verified_customer(tracker)
        if customer_id is None:
            return reset
        order_id = parse_order_number(tracker.get_slot("order_id"))
        try:
            with answered_if_down(dispatcher):
                variables = await policy_variables()
                views = await shop().returns(customer_id, order_id)
                order = (await shop().order_for_customer(order_id, customer_id)
                         if order_id is not None and not views else None)
        except StoreUnavailable:
            return reset
        if order_id is not None and not views and order is None:
            # Not this shopper's order (another customer's, or none): the same answer as
            # any order look-up, counted as a failed check, and never kept as the order
            # discussed.
            return reset + await not_found_events(dispatcher, tracker)
        if order_id is not None:
            reset.append(SlotSet("last_order_id", order_id))
        if not views:
            # Asked about one order: that order's answer, never another order's return.
            self._no_returns(dispatcher, order, variables)
            return reset
        today = shop_today()
        replies = [reply for view in views[:MAX_REPORTED_RETURNS]
                   for reply in return_replies(view, variables, today, get_settings().timezone)]
        for response, values in replies:
            dispatcher.utter_message(response=response, **values)
        logger.info("reported %d returns to %s", len(views), tracker.sender_id)
        # An overdue or rejected refund is an apology, not a moment to ask for a rating.
        ended_well = not any(response in APOLOGIES for response, _ in replies)
        # What the shopper asks next about it ("peki hesabıma ne zaman geçer?") follows up
        # the refund just told: that fact, not the same paragraph again.
        told = SlotSet("faq_topic", shopping_words()["form_topics"]["return_status_form"])
        return reset + [told] + ask_csat_once(dispatcher, tracker, "return_status", ended_well)

    @staticmethod
    def _no_returns(dispatcher: CollectingDispatcher, order: OrderDetails | None,
                    variables: Dict[str, Any]) -> None:
        if order is None:
            dispatcher.utter_message(response="utter_no_returns")
        elif order.status == OrderStatus.CANCELLED.value:
            dispatcher.utter_message(
                response="utter_refund_cancelled_order", order_id=order.order_id,
                cancelled_day=cancelled_day(order, get_settings().timezone), **variables)
        else:
            dispatcher.utter_message(response="utter_no_returns_order",
                                     order_id=order.order_id, **variables)

