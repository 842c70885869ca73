"""FAQ answers: what each clause of the message asks (``bot/dialogue/requests.py``), with
the shop's policy data filling the facts.

A message may ask more than one thing ("havale olur mu, bir de fatura kurumsal mı?"): each
clause that asks is answered, in the shopper's order. A question that asks one fact of a
topic ("peki iade kargosunu kim ödüyor?", "ya pazar günü?") gets that fact, not the
paragraph; the facts are responses filled from the same policies table. Something the shop
does not offer, or that no answer covers, is said honestly, with what the shop does.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import StoreUnavailable, answered_if_down, shop
from actions.dialogue import not_details
from bot.dialogue.requests import (
    DAY_FACT,
    WORKING_HOURS,
    Answer,
    answers,
    context_topic,
    hours_on,
)
from bot.shop.types import ShopPolicies
from bot.text.vocabulary import first_match, shopping_words

CLOSED = "_closed"


def not_offered_response(text: str) -> str | None:
    """The honest answer to a question about something the shop does not offer."""
    key = first_match(text, "not_offered")
    return f"utter_not_offered_{key}" if key else None


def day_variables(answer: Answer, policies: ShopPolicies) -> Dict[str, str]:
    """The day and its hours for an answer about one day's working hours."""
    if answer.day is None:
        return {}
    names = shopping_words()["faq_facts"][WORKING_HOURS][DAY_FACT]
    return {"day": names[answer.day - 1],
            "hours": hours_on(answer.day, policies.support_hours) or ""}


def response_of(answer: Answer, policies: ShopPolicies) -> str:
    """The response to utter: a day's hours when the working hours name the day, its
    closed answer when not, and the whole working hours when no day could be told."""
    if answer.response != f"utter_fact_{WORKING_HOURS}_{DAY_FACT}":
        return answer.response
    if answer.day is None:
        return f"utter_faq/{WORKING_HOURS}"
    return answer.response + ("" if hours_on(answer.day, policies.support_hours) else CLOSED)


class ActionAnswerFaq(Action):
    def name(self) -> str:
        return "action_answer_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        found = answers(tracker.latest_message, context_topic(
            tracker.get_slot("faq_topic"), tracker.active_loop_name))
        if not found:
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        try:
            with answered_if_down(dispatcher):
                policies = await shop().policies()
        except StoreUnavailable:
            return []
        variables: Dict[str, Any] = policies.reply_variables()
        for answer in found:
            dispatcher.utter_message(response=response_of(answer, policies),
                                     **variables, **day_variables(answer, policies))
        topics = [answer.topic for answer in found if answer.topic]
        # Inside a form, the question is not the detail asked for.
        return [*not_details(tracker), *([SlotSet("faq_topic", topics[-1])] if topics else [])]
