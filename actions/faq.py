"""FAQ answers: the ResponseSelector picks the topic, the shop's policy data fills the facts."""

from __future__ import annotations

from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import StoreUnavailable, answered_if_down, policy_variables


def selected_faq_response(tracker: Tracker) -> str | None:
    """The ``utter_faq/<topic>`` response the ResponseSelector chose for the last message."""
    selector = tracker.latest_message.get("response_selector", {})
    return selector.get("faq", {}).get("response", {}).get("utter_action") or None


class ActionAnswerFaq(Action):
    def name(self) -> str:
        return "action_answer_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        response = selected_faq_response(tracker)
        if response is None:
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        try:
            with answered_if_down(dispatcher):
                variables = await policy_variables()
        except StoreUnavailable:
            return []
        dispatcher.utter_message(response=response, **variables)
        return []
