"""Messages the bot did not understand, or that are not a shop's business."""

from __future__ import annotations

from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import StoreUnavailable, answered_if_down, policy_variables
from actions.faq import not_offered_response
from bot.dialogue.names import FALLBACK_ACTION

ACTION_LISTEN = "action_listen"


class ActionFallback(Action):
    """A message not understood, or outside what a shop does: say so and suggest the way.

    A second miss in a row is the escalation policy's: it hands the shopper to a person.
    """

    def name(self) -> str:
        return FALLBACK_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        honest = not_offered_response(tracker.latest_message.get("text") or "")
        if honest is not None:
            # A question about a service the shop does not offer: an honest no, not a miss.
            try:
                with answered_if_down(dispatcher):
                    variables = await policy_variables()
            except StoreUnavailable:
                return [FollowupAction(ACTION_LISTEN)]
            dispatcher.utter_message(response=honest, **variables)
        elif tracker.latest_message.get("intent", {}).get("name") == "out_of_scope":
            dispatcher.utter_message(response="utter_out_of_scope")
        else:
            dispatcher.utter_message(response="utter_ask_rephrase")
        # The missed turn stays in the tracker (the escalation policy counts misses in a
        # row); the next move is the shopper's.
        return [FollowupAction(ACTION_LISTEN)]
