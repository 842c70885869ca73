"""Order tracking: the ownership check (a form) and the status report.

The form asks for the order number, then for the order's e-mail or phone, and checks them
together against the store, so an unknown order and a wrong contact get the same answer.
A shopper verified once in a conversation is not asked again; after too many failed
checks the bot stops trying and points to a human.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any, Dict, List, Tuple
from zoneinfo import ZoneInfo

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import StoreUnavailable, policy_variables, shop_today, store_session
from bot.formatting import day, moment, money, short_day
from bot.identity import Contact, parse_contact, parse_order_number
from bot.privacy import mask_email, mask_phone
from bot.settings import get_settings
from bot.store import orders
from bot.store.models import OrderStatus
from bot.store.orders import OrderDetails

logger = logging.getLogger(__name__)

MAX_ITEMS_NAMED = 3
Reply = Tuple[str, Dict[str, Any]]


def _masked(contact: Contact) -> str:
    return mask_email(contact.value) if contact.kind == "email" else mask_phone(contact.value)


def _items(details: OrderDetails) -> str:
    named = ", ".join(details.items[:MAX_ITEMS_NAMED])
    rest = len(details.items) - MAX_ITEMS_NAMED
    return f"{named} +{rest}" if rest > 0 else named


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
        cancelled = details.cancelled_at or details.placed_at
        return [("utter_order_cancelled", {**base, "cancelled_day": short_day(cancelled.date())})]
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


def _failure_events(
    dispatcher: CollectingDispatcher, tracker: Tracker, response: str
) -> Dict[str, Any]:
    """Count one failed check; past the limit, lock verification for this conversation."""
    failures = int(tracker.get_slot("verification_failures") or 0) + 1
    slots: Dict[str, Any] = {"order_id": None, "contact": None,
                              "verification_failures": float(failures)}
    if failures >= get_settings().max_verification_failures:
        slots["verification_locked"] = True
    else:
        dispatcher.utter_message(response=response)
    logger.info("verification failed (%d) in %s", failures, tracker.sender_id)
    return slots


class ValidateOrderForm(FormValidationAction):
    """Validates the order number and checks it together with the shopper's contact."""

    def name(self) -> str:
        return "validate_order_form"

    async def required_slots(
        self,
        domain_slots: List[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[str]:
        if tracker.get_slot("verification_locked"):
            return []
        if tracker.get_slot("verified_customer_id") is not None:
            return ["order_id"]
        return domain_slots

    def _verify(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, number: int, contact: Contact
    ) -> Dict[str, Any]:
        try:
            with store_session(dispatcher) as session:
                found = orders.find_order_for_contact(session, number, contact)
        except StoreUnavailable:
            return {"order_id": None, "contact": None}
        if found is None:
            return _failure_events(dispatcher, tracker, "utter_verification_failed")
        logger.info("order %s verified by %s", number, _masked(contact))
        return {
            "order_id": str(number),
            "contact": contact.value,
            "verified_customer_id": found.customer_id,
            "verification_failures": 0.0,
        }

    def validate_order_id(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        number = parse_order_number(value)
        if number is None:
            dispatcher.utter_message(response="utter_invalid_order_id")
            return {"order_id": None}
        contact = parse_contact(tracker.get_slot("contact"))
        if tracker.get_slot("verified_customer_id") is None and contact is not None:
            return self._verify(dispatcher, tracker, number, contact)
        return {"order_id": str(number)}

    def validate_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        contact = parse_contact(value)
        if contact is None:
            dispatcher.utter_message(response="utter_invalid_contact")
            return {"contact": None}
        number = parse_order_number(tracker.get_slot("order_id"))
        if number is None:
            # Given before the order number: keep it, check it once the number comes.
            return {"contact": contact.value}
        return self._verify(dispatcher, tracker, number, contact)


class ActionAskOrderId(Action):
    """Asks for the order number; a verified shopper picks from their recent orders."""

    def name(self) -> str:
        return "action_ask_order_id"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        customer_id = tracker.get_slot("verified_customer_id")
        if customer_id is None:
            dispatcher.utter_message(response="utter_ask_order_id")
            return []
        try:
            with store_session(dispatcher) as session:
                recent = orders.recent_orders(session, int(customer_id))
        except StoreUnavailable:
            return []
        if not recent:
            dispatcher.utter_message(response="utter_orders_none")
            return []
        buttons = [
            {
                "title": f"{o.order_id} · {short_day(o.placed_at.date())} · {money(o.total)} TL",
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
        done = [SlotSet("order_id", None), SlotSet("contact", None)]
        customer_id = tracker.get_slot("verified_customer_id")
        number = parse_order_number(tracker.get_slot("order_id"))
        try:
            with store_session(dispatcher) as session:
                policies = policy_variables(session)
                details: OrderDetails | None = None
                if customer_id is not None and number is not None:
                    details = orders.find_order_for_customer(session, number, int(customer_id))
        except StoreUnavailable:
            return done
        if tracker.get_slot("verification_locked"):
            dispatcher.utter_message(response="utter_verification_locked")
            dispatcher.utter_message(response="utter_contact_human", **policies)
            return done
        if details is None:
            slots = _failure_events(dispatcher, tracker, "utter_order_not_found")
            if slots.get("verification_locked"):
                dispatcher.utter_message(response="utter_verification_locked")
                dispatcher.utter_message(response="utter_contact_human", **policies)
            return [SlotSet(key, value) for key, value in slots.items()]
        settings = get_settings()
        for response, variables in order_replies(
            details, policies, settings.timezone, shop_today()
        ):
            dispatcher.utter_message(response=response, **variables)
        return done
