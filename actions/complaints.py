"""Complaints: acknowledge the concrete problem and turn it into the right next step."""

from __future__ import annotations

from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.text.vocabulary import first_match

# A damaged or wrong item is a return with a known reason.
RETURN_REASON_OF = {"damaged": "damaged", "wrong_item": "wrong_item"}


class ActionHandleComplaint(Action):
    def name(self) -> str:
        return "action_handle_complaint"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        kind = first_match(tracker.latest_message.get("text"), "complaint_types") or "other"
        dispatcher.utter_message(response=f"utter_complaint_{kind}")
        events: List[EventType] = [SlotSet("complaint_type", kind)]
        order_id = tracker.get_slot("last_order_id")
        if order_id and tracker.get_slot("verified_customer_id") is not None:
            # Connect the complaint to the order just discussed: a return starts from it.
            dispatcher.utter_message(response="utter_complaint_linked", order_id=order_id)
            events.append(SlotSet("order_id", order_id))
            if kind in RETURN_REASON_OF:
                events.append(SlotSet("return_reason", RETURN_REASON_OF[kind]))
        return events
