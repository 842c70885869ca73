"""Complaints: acknowledge the concrete problem and turn it into the right next step."""

from __future__ import annotations

from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.text.vocabulary import first_match, is_irony

# A damaged or wrong item is a return with a known reason.
RETURN_REASON_OF = {"damaged": "damaged", "wrong_item": "wrong_item"}


class ActionHandleComplaint(Action):
    def name(self) -> str:
        return "action_handle_complaint"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        kind = first_match(text, "complaint_types") or (
            "late_delivery" if is_irony(text) else "other")
        named = next(tracker.get_latest_entity_values("order_id"), None)
        if kind == "late_delivery":
            # The apology, then the order itself: the one named, else the one just discussed.
            dispatcher.utter_message(response="utter_complaint_late_delivery_lookup")
            order_id = named or tracker.get_slot("last_order_id")
            return [SlotSet("complaint_type", kind), SlotSet("order_id", order_id),
                    FollowupAction("order_form")]
        dispatcher.utter_message(response=f"utter_complaint_{kind}")
        events: List[EventType] = [SlotSet("complaint_type", kind)]
        order_id = named or tracker.get_slot("last_order_id")
        if order_id and tracker.get_slot("verified_customer_id") is not None:
            # Connect the complaint to the order it is about: a return starts from it.
            dispatcher.utter_message(response="utter_complaint_linked", order_id=order_id)
            events.append(SlotSet("order_id", order_id))
            if kind in RETURN_REASON_OF:
                events.append(SlotSet("return_reason", RETURN_REASON_OF[kind]))
        return events
