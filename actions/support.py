"""Keeping the shopper moving: fallbacks that do not loop, and the way to a human."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import StoreUnavailable, policy_variables, store_session

FALLBACK_ACTION = "action_fallback"


def _previous_user_turn(tracker: Tracker) -> Dict[str, Any] | None:
    """The user event before the latest one, if any."""
    users = [event for event in tracker.events if event.get("event") == "user"]
    return users[-2] if len(users) >= 2 else None


def _bot_fell_back_on(tracker: Tracker, user_event: Dict[str, Any]) -> bool:
    """Whether the bot answered ``user_event`` with the fallback action."""
    events = tracker.events
    start = next(i for i, event in enumerate(events) if event is user_event)
    for event in events[start + 1:]:
        if event.get("event") == "user":
            return False
        if event.get("event") == "action" and event.get("name") == FALLBACK_ACTION:
            return True
    return False


class ActionFallback(Action):
    """First miss: say what the bot can do and ask to rephrase. Second in a row: offer a human.

    A miss is a message the NLU was unsure of, or one outside what a shop can help with
    (gibberish included); both kinds count toward "in a row".
    """

    def name(self) -> str:
        return FALLBACK_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        previous = _previous_user_turn(tracker)
        if previous is not None and _bot_fell_back_on(tracker, previous):
            dispatcher.utter_message(response="utter_fallback_offer_help")
        elif tracker.latest_message.get("intent", {}).get("name") == "out_of_scope":
            dispatcher.utter_message(response="utter_out_of_scope")
        else:
            dispatcher.utter_message(response="utter_ask_rephrase")
        # Forget the misunderstood message so it does not steer the next prediction.
        return [UserUtteranceReverted()]


class ActionOfferHuman(Action):
    """Tells the shopper how to reach the support team, from the shop's contact data."""

    def name(self) -> str:
        return "action_offer_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        try:
            with store_session(dispatcher) as session:
                variables = policy_variables(session)
        except StoreUnavailable:
            return []
        dispatcher.utter_message(response="utter_contact_human", **variables)
        return []
