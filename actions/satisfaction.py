"""The satisfaction question after a completed self-service task, and storing the answer."""

from __future__ import annotations

from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import StoreUnavailable, answered_if_down, own_database, shop_now, stored_time
from bot.records.ratings import record_rating
from bot.text.vocabulary import mentions, rating_in, shopping_words

LOW_SCORE = 2
SKIP = "skip"  # the rating payload of the question's "Geç" button
HUMAN_TASK = "human"  # the task rated after an agent gave the conversation back
# (low score, other score) answers, for the bot's help and for a person's.
THANKS = {False: ("utter_csat_thanks_low", "utter_csat_thanks"),
          True: ("utter_csat_thanks_low_human", "utter_csat_thanks_human")}


def ask_csat(dispatcher: CollectingDispatcher, task: str,
             response: str = "utter_ask_csat") -> List[EventType]:
    """Ask for a 1-to-5 rating of ``task``; the answer is stored by `action_store_rating`."""
    dispatcher.utter_message(response=response)
    return [SlotSet("csat_asked", True), SlotSet("csat_pending", True), SlotSet("csat_task", task)]


def ask_csat_once(dispatcher: CollectingDispatcher, tracker: Tracker, task: str,
                  ended_well: bool = True) -> List[EventType]:
    """Ask "did this help?" after a finished self-service task that ended well or neutrally
    (never in the turn of an apology), at most once a conversation."""
    if tracker.get_slot("csat_asked") or not ended_well:
        return []
    return ask_csat(dispatcher, task)


def _skipped(tracker: Tracker) -> bool:
    entity = next(tracker.get_latest_entity_values("rating"), None)
    if entity is not None:
        return str(entity) == SKIP
    return (tracker.latest_message.get("intent", {}).get("name") == "deny"
            or mentions(tracker.latest_message.get("text") or "", shopping_words()["skip_rating"]))


def _score(tracker: Tracker) -> int | None:
    entity = next(tracker.get_latest_entity_values("rating"), None)
    text = entity if entity is not None else tracker.latest_message.get("text", "")
    return rating_in(str(text or ""))


class ActionStoreRating(Action):
    """Stores the 1-5 answer with the conversation id and the task it rated."""

    def name(self) -> str:
        return "action_store_rating"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        done: List[EventType] = [SlotSet("csat_pending", False)]
        score = _score(tracker)
        if score is None:
            dispatcher.utter_message(
                response="utter_csat_skipped" if _skipped(tracker) else "utter_anything_else")
            return done
        task = tracker.get_slot("csat_task") or "unknown"
        try:
            with answered_if_down(dispatcher):
                await own_database().run(record_rating, tracker.sender_id, task, score,
                                         stored_time(shop_now()))
        except StoreUnavailable:
            return done
        # After a person's help, the thanks and the regret are about them, not the bot.
        low, high = THANKS[task == HUMAN_TASK]
        dispatcher.utter_message(response=low if score <= LOW_SCORE else high)
        return done
