"""The small turns of a dialogue around a form: a shopper who lost their thread, who does
not have the detail asked for, or who asks what it is; and prompts never sent three times.

The escalation and dialogue policies (bot/policies/) decide when these run; these actions
only speak and tidy the slots the shopper's message filled with something that is not the
detail (so a form never takes "ne diyecektim" for an order number).
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.text.contacts import parse_contact, parse_order_number

# How each detail a form asks for is read; text that does not read is not the detail.
READERS: Dict[str, Callable[[Any], Any]] = {"order_id": parse_order_number,
                                            "contact": parse_contact}
# After this many identical prompts the next one offers choices and a person instead.
SAME_PROMPT_LIMIT = 2
AGAIN = {"utter_ask_order_id": "utter_ask_order_id_again",
         "utter_ask_order_id_after_contact": "utter_ask_order_id_again",
         "utter_ask_contact": "utter_ask_contact_again"}


def not_details(tracker: Tracker) -> List[EventType]:
    """Empty the detail slots that hold text which is not a detail."""
    return [SlotSet(slot, None) for slot, read in READERS.items()
            if tracker.get_slot(slot) is not None and read(tracker.get_slot(slot)) is None]


def times_prompted(tracker: Tracker, domain: DomainDict, slot: str, response: str) -> int:
    """How many times the prompt for ``slot`` was sent since the form started or a detail
    slot last got a detail that reads: a shopper who gives the e-mail before the order
    number is getting somewhere, not stuck."""
    texts = {variant.get("text") for variant in domain.get("responses", {}).get(response, [])}
    count = 0
    for event in reversed(tracker.events):
        kind = event.get("event")
        name = event.get("name")
        if kind == "slot" and name in READERS and READERS[name](event.get("value")):
            break
        if kind == "active_loop" and event.get("name"):
            break
        if kind == "bot" and event.get("text") in texts:
            count += 1
    return count


def ask(dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict, slot: str,
        response: str) -> None:
    """Ask for ``slot``; the third time, with where to find it and a way out instead."""
    if times_prompted(tracker, domain, slot, response) >= SAME_PROMPT_LIMIT:
        dispatcher.utter_message(response=AGAIN[response])
    else:
        dispatcher.utter_message(response=response)


class ActionAskContact(Action):
    def name(self) -> str:
        return "action_ask_contact"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        ask(dispatcher, tracker, domain, "contact", "utter_ask_contact")
        return []


class ActionTakeYourTime(Action):
    """"Dur ne diyecektim": time to think, not an apology and not the prompt again."""

    def name(self) -> str:
        return "action_take_your_time"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(response="utter_take_your_time")
        return not_details(tracker)


class ActionMissingDetail(Action):
    """"Numaramı bilmiyorum": where to find it, or a person; the form ends."""

    def name(self) -> str:
        return "action_missing_detail"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        missing = tracker.get_slot("requested_slot")
        dispatcher.utter_message(
            response="utter_no_contact" if missing == "contact" else "utter_no_order_number")
        return [*not_details(tracker), ActiveLoop(None), SlotSet("requested_slot", None)]


class ActionDetailHelp(Action):
    """"Sipariş numarası nerede yazar?": the answer; the form then asks again."""

    def name(self) -> str:
        return "action_detail_help"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        asked = tracker.get_slot("requested_slot")
        dispatcher.utter_message(
            response="utter_where_contact" if asked == "contact" else "utter_where_order_number")
        # The asked slot is set (empty) in this turn, so the form resumes instead of
        # rejecting the turn as one that answered nothing; its validation stays silent.
        return [*not_details(tracker), SlotSet(asked or "order_id", None)]
