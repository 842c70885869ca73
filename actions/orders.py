"""Order tracking: the status report of a verified order (see :mod:`actions.verification`)."""

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
    shop_today,
)
from actions.dialogue import ask
from actions.satisfaction import ask_csat_once
from actions.verification import (
    VerifiedOrderForm,
    not_found_events,
    verified_customer,
    verified_order,
)
from bot.settings import get_settings
from bot.shop.types import OrderDetails, OrderStatus
from bot.text.contacts import parse_contact
from bot.text.formatting import day, local_day, moment, money, short_day

logger = logging.getLogger(__name__)

MAX_ITEMS_NAMED = 3
Reply = Tuple[str, Dict[str, Any]]


def _items(details: OrderDetails) -> str:
    named = ", ".join(details.items[:MAX_ITEMS_NAMED])
    rest = len(details.items) - MAX_ITEMS_NAMED
    return f"{named} +{rest}" if rest > 0 else named


def cancelled_day(details: OrderDetails, tz: ZoneInfo) -> str:
    """The shop's calendar day an order was cancelled, as replies write it."""
    return short_day(local_day(details.cancelled_at or details.placed_at, tz))


def order_replies(
    details: OrderDetails, policies: Dict[str, str], tz: ZoneInfo, today: date
) -> List[Reply]:
    """The responses (name and variables) that tell a verified shopper about an order.

    Only dates the data holds are spoken: no estimate in the data means no promised day.
    """
    base: Dict[str, Any] = {
        "order_id": details.order_id,
        "items": _items(details),
        "carrier": details.carrier,
        "tracking_number": details.tracking_number,
    }
    event = details.last_event
    if event is not None:
        base.update(
            last_event=event.description,
            last_event_location=event.location or "-",
            last_event_time=moment(event.occurred_at, tz),
        )
    status = details.status
    if status == OrderStatus.PREPARING.value:
        return [("utter_order_preparing", {**base, **policies})]
    if status == OrderStatus.CANCELLED.value:
        return [("utter_order_cancelled", {**base,
                                          "cancelled_day": cancelled_day(details, tz)})]
    if status == OrderStatus.RETURNED.value:
        return [("utter_order_returned", base)]
    if status == OrderStatus.DELIVERED.value and details.delivered_at is not None:
        delivered = moment(details.delivered_at, tz)
        return [("utter_order_delivered", {**base, "delivered_day": delivered})]
    main = (
        "utter_order_out_for_delivery"
        if status == OrderStatus.OUT_FOR_DELIVERY.value
        else "utter_order_in_transit"
    )
    replies: List[Reply] = [(main, base)]
    if details.estimated_delivery is None:
        replies.append(("utter_order_eta_unknown", base))
    elif details.is_late(today):
        replies.append(("utter_order_late", {**base, "eta": day(details.estimated_delivery)}))
    elif status != OrderStatus.OUT_FOR_DELIVERY.value:
        replies.append(("utter_order_eta", {**base, "eta": day(details.estimated_delivery)}))
    return replies


class ValidateOrderForm(VerifiedOrderForm):
    """Order tracking needs nothing beyond the verified order."""

    def name(self) -> str:
        return "validate_order_form"


class ActionAskOrderId(Action):
    """Asks for the order number; a verified shopper picks from their recent orders."""

    def name(self) -> str:
        return "action_ask_order_id"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        customer_id = verified_customer(tracker)
        if customer_id is None:
            # An e-mail or phone given first is acknowledged, not met with the same prompt.
            ask(dispatcher, tracker, domain, "order_id",
                "utter_ask_order_id_after_contact" if parse_contact(tracker.get_slot("contact"))
                else "utter_ask_order_id")
            return []
        try:
            with answered_if_down(dispatcher):
                recent = await shop().recent_orders(customer_id)
        except StoreUnavailable:
            return []
        if not recent:
            dispatcher.utter_message(response="utter_orders_none")
            return []
        tz = get_settings().timezone
        buttons = [
            {
                "title": (f"{o.order_id} · {short_day(local_day(o.placed_at, tz))}"
                          f" · {money(o.total)} TL"),
                "payload": f'/inform{{"order_id":"{o.order_id}"}}',
            }
            for o in recent
        ]
        dispatcher.utter_message(response="utter_ask_order_id_known_customer", buttons=buttons)
        return []


class ActionOrderStatus(Action):
    """Reports the verified order's status, or explains why it cannot."""

    def name(self) -> str:
        return "action_order_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        done: List[EventType] = [SlotSet("order_id", None), SlotSet("contact", None)]
        verified = verified_order(dispatcher, tracker)
        if verified is None:
            return done
        customer_id, number = verified
        try:
            with answered_if_down(dispatcher):
                policies = await policy_variables()
                details = await shop().order_for_customer(number, customer_id)
        except StoreUnavailable:
            return done
        if details is None:
            return await not_found_events(dispatcher, tracker)
        settings = get_settings()
        replies = order_replies(details, policies, settings.timezone, shop_today())
        for response, variables in replies:
            dispatcher.utter_message(response=response, **variables)
        late = any(response == "utter_order_late" for response, _ in replies)
        return (done + [SlotSet("last_order_id", number)]
                + ask_csat_once(dispatcher, tracker, "order_status", ended_well=not late))
