"""FAQ answers: the ResponseSelector picks the topic, the shop's policy data fills the facts.

A message may ask more than one thing ("havale olur mu, bir de fatura kurumsal mı?"): each
later clause that asks about another topic is answered too, in the shopper's order. A
follow-up that asks one fact of the topic just answered ("peki iade kargosunu kim ödüyor?")
gets that fact, not the paragraph again; the facts are responses filled from the same
policies table. Something the shop does not offer is said honestly, with what it does.
"""

from __future__ import annotations

from typing import List, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import StoreUnavailable, answered_if_down, policy_variables
from actions.dialogue import not_details
from bot.dialogue.names import MISSED_INTENTS
from bot.text.vocabulary import clauses, fact_of, first_match, follow_up_fact, is_question

FAQ_PREFIX = "utter_faq/"


def selected_faq_response(tracker: Tracker) -> str | None:
    """The ``utter_faq/<topic>`` response the ResponseSelector chose for the last message."""
    selector = tracker.latest_message.get("response_selector", {})
    return selector.get("faq", {}).get("response", {}).get("utter_action") or None


def not_offered_response(text: str) -> str | None:
    """The honest answer to a question about something the shop does not offer."""
    key = first_match(text, "not_offered")
    return f"utter_not_offered_{key}" if key else None


def fact_response(topic: str, fact: str | None) -> str | None:
    return f"utter_fact_{topic}_{fact}" if fact else None


def requested_topics(tracker: Tracker) -> List[Tuple[str, str]]:
    """(topic, the clause that asks it) in the shopper's order: the classifier's topic for
    the first clause of a shop question, then other topics asked in later clauses."""
    text = tracker.latest_message.get("text") or ""
    parts = clauses(text) or [text]
    named = [first_match(clause, "faq_topics") for clause in parts]
    topics: List[str | None] = [None]
    topics += [topic if is_question(clause) else None
               for topic, clause in zip(named[1:], parts[1:], strict=True)]
    chosen = selected_faq_response(tracker)
    intent = tracker.latest_message.get("intent", {}).get("name")
    if intent in MISSED_INTENTS and named[0] and is_question(parts[0]):
        topics[0] = named[0]  # a shop question the classifier missed, named by its words
    if intent == "faq" and chosen:
        classified = chosen.removeprefix(FAQ_PREFIX)
        # The classifier read the whole message: when the topic it chose is the one a later
        # clause names, the first clause's own topic words decide the first answer.
        topics[0] = named[0] if named[0] and classified in topics[1:] else classified
    asked: List[Tuple[str, str]] = []
    for topic, clause in zip(topics, parts, strict=True):
        if topic and topic not in (t for t, _ in asked):
            asked.append((topic, clause))
    return asked


def answer_for(topic: str, clause: str, previous: str | None) -> str:
    """A fact of the topic just answered when the clause follows it up ("peki ..."), a fact
    of this topic, or the topic's whole answer."""
    return (fact_response(previous or "", follow_up_fact(previous, clause))
            or fact_response(topic, fact_of(topic, clause))
            or f"{FAQ_PREFIX}{topic}")


class ActionAnswerFaq(Action):
    def name(self) -> str:
        return "action_answer_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        honest = not_offered_response(text)
        asked = requested_topics(tracker)
        previous = tracker.get_slot("faq_topic")
        follow_up = fact_response(previous or "", follow_up_fact(previous, text))
        if honest is None and not asked and follow_up is None:
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        try:
            with answered_if_down(dispatcher):
                variables = await policy_variables()
        except StoreUnavailable:
            return []
        if honest is not None:
            dispatcher.utter_message(response=honest, **variables)
            return []
        if not asked:
            # A follow-up the classifier did not read as a shop question: its fact.
            dispatcher.utter_message(response=follow_up, **variables)
            return []
        for topic, clause in asked:
            dispatcher.utter_message(response=answer_for(topic, clause, previous), **variables)
            previous = None  # only the first clause can follow up the last answer
        # Inside a form, the question is not the detail asked for.
        return [*not_details(tracker), SlotSet("faq_topic", asked[-1][0])]
