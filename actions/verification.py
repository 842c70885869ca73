"""Proof of ownership, shared by every form that touches an order.

Each such form asks for the order number and, unless the shopper was verified earlier in the
conversation, for the order's e-mail or phone; the two are checked together, so an unknown
order and a wrong contact get the same answer. Failed checks are counted per order and per
contact in Asistan's own database (``bot.records.ownership``), not in the conversation: an
order or contact with too many failures in the window is locked for every conversation,
whatever sender id or ``/restart`` it tries, and the forms stop asking. Task forms
(cancel, return...) add their own questions once the order is known.
"""

from __future__ import annotations

import logging
import re
from abc import abstractmethod
from typing import Any, Dict, List

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    StoreUnavailable,
    answered_if_down,
    own_database,
    shop,
    shop_now,
    stored_time,
)
from bot.database import attempts
from bot.records import ownership
from bot.settings import get_settings
from bot.text.contacts import (
    IBAN,
    Contact,
    parse_contact,
    parse_order_number,
    set_aside_numbers,
    whatsapp_phone,
)
from bot.text.masking import mask_email, mask_phone

logger = logging.getLogger(__name__)

VERIFICATION_SLOTS = ["order_id", "contact"]
# A number long enough to be meant as an order number.
LONG_NUMBER = re.compile(r"\d{8,}")


def _masked(contact: Contact) -> str:
    return mask_email(contact.value) if contact.kind == "email" else mask_phone(contact.value)


def vouched_contact(tracker: Tracker) -> Contact | None:
    """The phone number the channel itself vouches for: on WhatsApp, Meta delivers the
    sender's number, so an order placed with it needs no further proof. Only a Turkish
    mobile in E.164 is read as one (``bot.text.contacts.whatsapp_phone``)."""
    metadata = tracker.latest_message.get("metadata") or {}
    phone = whatsapp_phone(metadata.get("whatsapp_phone"))
    return Contact("phone", phone) if phone else None


def verified_customer(tracker: Tracker) -> str | None:
    value = tracker.get_slot("verified_customer_id")
    return str(value) if value is not None else None


def _tried(number: str | None, contact: Contact | None) -> List[str]:
    return ownership.subjects(number, contact.kind if contact else None,
                              contact.value if contact else None)


def _locked_slots(failures: int) -> Dict[str, Any]:
    return {"order_id": None, "contact": None, "verification_failures": float(failures),
            "verification_locked": True}


async def locked_failures(tried: List[str]) -> int | None:
    """The failures counted against ``tried`` when they lock it, else None."""
    settings = get_settings()
    count = await own_database().run(attempts.failures, tried, stored_time(shop_now()),
                                     settings.verification_window)
    failures = count.failures
    return failures if failures >= settings.max_verification_failures else None


async def failure_slots(
    dispatcher: CollectingDispatcher, tried: List[str], response: str
) -> Dict[str, Any]:
    """Count one failed check of the order and contact ``tried`` (for every conversation);
    past the limit, lock verification. Raises ``StoreUnavailable`` (the shopper was told)
    when the count cannot be kept: a check that cannot be counted is not answered."""
    settings = get_settings()
    with answered_if_down(dispatcher):
        count = await own_database().run(attempts.record_failure, tried,
                                         stored_time(shop_now()),
                                         settings.verification_window)
    failures = count.failures
    logger.info("verification failed (%d in the window)", failures)
    if failures >= settings.max_verification_failures:
        return _locked_slots(failures)
    dispatcher.utter_message(response=response)
    return {"order_id": None, "contact": None, "verification_failures": float(failures)}


def complain_unless_other_detail(dispatcher: CollectingDispatcher, tracker: Tracker,
                                 value: Any, slot: str) -> None:
    """Say that ``value`` is not the ``slot`` asked for, unless the message carried another
    detail (a corrected order number, an e-mail given first): that one is taken silently."""
    if value is None:
        return  # emptied by the dialogue actions: nothing was offered as the detail
    entities = {e.get("entity") for e in tracker.latest_message.get("entities") or []}
    others = {"order_id": {"email", "phone"}, "contact": {"order_id"}}[slot]
    if entities & others:
        return
    text = str(value)
    if IBAN.search(text):
        # Refunds go back to the way the order was paid: no account number is needed.
        dispatcher.utter_message(response="utter_iban_not_needed")
    elif slot == "contact":
        dispatcher.utter_message(response="utter_invalid_contact")
    elif set_aside_numbers(text):
        # A date, an amount or a tracking number: no "your order number has 8 digits".
        dispatcher.utter_message(response="utter_not_an_order_number")
    elif LONG_NUMBER.search(text):
        # A long number that is not an order number: never "your number has 8 digits".
        dispatcher.utter_message(response="utter_invalid_order_id_shape")
    else:
        dispatcher.utter_message(response="utter_invalid_order_id")


class VerifiedOrderForm(FormValidationAction):
    """Base of the forms that need a verified order; subclasses add task questions."""

    @abstractmethod
    def name(self) -> str:
        """Abstract, so that the action server does not register the base class itself."""

    async def task_slots(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, customer_id: str, order_id: str
    ) -> List[str]:
        """Questions to ask once the order is verified; none by default."""
        return []

    async def on_order_known(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, customer_id: str, order_id: str
    ) -> Dict[str, Any]:
        """Slots to set as soon as the verified order is known (e.g. a single item)."""
        return {}

    async def required_slots(
        self,
        domain_slots: List[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[str]:
        if tracker.get_slot("verification_locked"):
            return []
        customer_id = verified_customer(tracker)
        if customer_id is None:
            return list(VERIFICATION_SLOTS)
        order_id = parse_order_number(tracker.get_slot("order_id"))
        if order_id is None:
            return ["order_id"]
        return ["order_id", *await self.task_slots(dispatcher, tracker, customer_id, order_id)]

    async def _verify(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, number: str, contact: Contact,
        vouched: bool = False,
    ) -> Dict[str, Any]:
        tried = _tried(number, contact)
        try:
            with answered_if_down(dispatcher):
                locked = await locked_failures(tried)
                found = None if locked else await shop().order_for_contact(number, contact)
            if locked:  # the same answer, however right the contact is this time
                logger.info("verification refused: locked in the window")
                return _locked_slots(locked)
            if found is None and vouched:
                # Placed with another number (a relative's order): ask as on any channel.
                return {"order_id": number}
            if found is None:
                return await failure_slots(dispatcher, tried, "utter_verification_failed")
        except StoreUnavailable:
            # The shopper was told to try again in a few minutes: the form ends rather than
            # ask again at once, and "siparişim nerede" later starts it afresh.
            return {"order_id": None, "contact": None, "requested_slot": None}
        logger.info("order %s verified by %s", number, _masked(contact))
        return {
            "order_id": number,
            "contact": contact.value,
            "verified_customer_id": found.customer_id,
            "verification_failures": 0.0,
            **await self.on_order_known(dispatcher, tracker, found.customer_id, number),
        }

    async def validate_order_id(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        number = parse_order_number(value)
        if number is None:
            complain_unless_other_detail(dispatcher, tracker, value, "order_id")
            return {"order_id": None}
        customer_id = verified_customer(tracker)
        if customer_id is not None:
            return {"order_id": number,
                    **await self.on_order_known(dispatcher, tracker, customer_id, number)}
        contact = parse_contact(tracker.get_slot("contact"))
        if contact is not None:
            return await self._verify(dispatcher, tracker, number, contact)
        vouched = vouched_contact(tracker)
        if vouched is not None:
            return await self._verify(dispatcher, tracker, number, vouched, vouched=True)
        return {"order_id": number}

    async def validate_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        contact = parse_contact(value)
        if contact is None:
            complain_unless_other_detail(dispatcher, tracker, value, "contact")
            return {"contact": None}
        number = parse_order_number(tracker.get_slot("order_id"))
        if number is None:
            # Given before the order number: keep it, check it once the number comes.
            return {"contact": contact.value}
        return await self._verify(dispatcher, tracker, number, contact)


def say_when_locked(
    dispatcher: CollectingDispatcher, tracker: Tracker, slots: Dict[str, Any] | None = None
) -> bool:
    """If verification is locked (now or by ``slots`` about to be set), say so; the
    escalation policy then hands the conversation to a person. Returns whether locked."""
    if not ((slots or {}).get("verification_locked") or tracker.get_slot("verification_locked")):
        return False
    dispatcher.utter_message(response="utter_verification_locked")
    return True


def verified_order(dispatcher: CollectingDispatcher, tracker: Tracker) -> tuple[str, str] | None:
    """(customer id, order number) once an ownership form has finished; None when it did
    not verify one (saying so if verification is locked)."""
    if say_when_locked(dispatcher, tracker):
        return None
    customer_id = verified_customer(tracker)
    order_id = parse_order_number(tracker.get_slot("order_id"))
    return (customer_id, order_id) if customer_id is not None and order_id is not None else None


async def not_found_events(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> List[EventType]:
    """A verified shopper named an order that is not theirs: one more failed check of that
    order and of the contact they proved themselves with."""
    tried = _tried(parse_order_number(tracker.get_slot("order_id")),
                   parse_contact(tracker.get_slot("contact")))
    try:
        slots = await failure_slots(dispatcher, tried, "utter_order_not_found")
    except StoreUnavailable:
        return [SlotSet("order_id", None)]
    say_when_locked(dispatcher, tracker, slots)
    return [SlotSet(key, value) for key, value in slots.items()]
