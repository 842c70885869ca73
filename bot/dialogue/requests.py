"""What a message asks of the shop, clause by clause, in the shopper's order.

A message may carry several requests ("taksit var mı, bir de kargo kaç günde gelir?",
"teşekkürler, iade süresi kaç gündü?", "siparişimi iptal edeceğim, param kaç günde yatar?").
The NLU pipeline scores each clause on its own (``bot/nlu/linear.py``: ``clauses`` in the
parse data); this module turns those readings and the shop's words
(``bot/text/data/shopping_words.yml``) into what to answer: a fact of a topic when the
clause asks one, the topic's answer otherwise, an honest "not offered" or "not in what I
know" instead of a guessed nearest answer, and a follow-up on the answer just given.
Both the dialogue policy (which action runs) and the FAQ action (what it says) read it, so
they cannot disagree. It reads only the parse data: no model, no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, List, Mapping, Tuple

from bot.dialogue.names import MISSED_INTENTS
from bot.text.turkish import fold
from bot.text.vocabulary import (
    clause_spans,
    fact_of,
    first_match,
    framed_by,
    is_question,
    longest_match,
    mentions,
    shopping_words,
)

FAQ = "faq"
WORKING_HOURS = "working_hours"
# The fact of the working hours that names a day: answered from that day's opening hours.
DAY_FACT = "day"
NOT_IN_DATA = "utter_not_in_data"


@dataclass(frozen=True)
class Clause:
    """One clause and how the classifiers read it (None: not scored on its own)."""

    text: str
    intent: str | None = None
    intent_confidence: float = 0.0
    topic: str | None = None
    topic_confidence: float = 0.0


@dataclass(frozen=True)
class Answer:
    """A response to utter for one clause, and the FAQ topic it answers (if any)."""

    response: str
    topic: str | None = None
    day: int | None = None  # the weekday a working-hours answer is about


def threshold(key: str) -> float:
    """How sure a classifier must be for ``key`` (shopping_words.yml `faq_confidence`)."""
    return float(shopping_words()["faq_confidence"][key])


def selected_topic(parse: Mapping[str, Any]) -> Tuple[str | None, float]:
    """The FAQ topic the response selector chose for the whole message, and its
    confidence."""
    response = ((parse.get("response_selector") or {}).get(FAQ) or {}).get("response") or {}
    key = response.get("intent_response_key") or (
        response.get("utter_action") or "").removeprefix("utter_")
    return key.partition("/")[2] or None, float(response.get("confidence", 1.0))


def read_clauses(parse: Mapping[str, Any]) -> List[Clause]:
    """The message's clauses with the classifiers' reading of each. A message of one clause
    is read as a whole; clauses not scored on their own (a tracker written by hand) give the
    first clause the message's reading and leave the rest to their words."""
    text = parse.get("text") or ""
    scored = parse.get("clauses") or []
    if scored:
        return [Clause(c["text"], (c.get("intent") or {}).get("name"),
                       float((c.get("intent") or {}).get("confidence") or 0.0),
                       (c.get(FAQ) or {}).get("topic"),
                       float((c.get(FAQ) or {}).get("confidence") or 0.0)) for c in scored]
    intent = parse.get("intent") or {}
    whole = Clause(text, intent.get("name"), float(intent.get("confidence") or 0.0),
                   *selected_topic(parse))
    spans = clause_spans(text)
    if len(spans) < 2:
        return [whole]
    rest = [Clause(text[start:end]) for start, end in spans[1:]]
    # The message's topic may be the one a later clause names: then it is that clause's.
    later = {longest_match(clause.text, "faq_topics") for clause in rest}
    topic = (whole.topic, whole.topic_confidence) if whole.topic not in later else (None, 0.0)
    return [Clause(text[spans[0][0]:spans[0][1]], whole.intent, whole.intent_confidence,
                   *topic), *rest]


def asked_topic(clause: Clause, question: bool, alone: bool = False) -> str | None:
    """The FAQ topic a clause asks about, or None. The classifier's topic when it is sure;
    otherwise the topic the clause names in words, or the classifier's when it is likely
    and the clause asks one of its facts.
    ``question``: the message as a whole asks something ("hem taksit hem kapıda ödeme var
    mı": the first clause shares the last one's question). ``alone``: the clause is the
    whole message; a fragment beside others ("500 TL altı, kulaklık öner") must name a
    topic or ask something to be a shop question."""
    named = longest_match(clause.text, "faq_topics")
    if clause.intent == FAQ and (alone or named or is_question(clause.text)):
        if clause.topic and clause.topic_confidence >= threshold("sure"):
            return clause.topic
        if named:
            return named
        # Less than sure and no topic named: the topic only if the clause asks one of its
        # facts ("kargo sigortalı mı" is near the delivery answer, and none of it).
        likely = clause.topic_confidence >= threshold("answer")
        return clause.topic if clause.topic and likely and fact_of(clause.topic,
                                                                   clause.text) else None
    if clause.intent is None or clause.intent in MISSED_INTENTS or clause.intent in (
            FAQ, "inform"):
        return named if named and (question or is_question(clause.text)) else None
    # A task or small talk as a whole: only a question in words is a shop question.
    return named if named and is_question(clause.text) else None


def asks_unknown(clause: Clause, alone: bool) -> bool:
    """A shop question the shop's answers do not cover: the classifier read a question of
    the FAQ kind (or the whole message as one) but is unsure of every topic, and no topic
    is named."""
    return (clause.intent == FAQ and any(c.isalpha() for c in clause.text)
            and (alone or is_question(clause.text)) and asked_topic(clause, True, alone) is None)


def follow_up_fact(previous: str | None, clause: Clause) -> str | None:
    """The fact of ``previous`` (the topic just answered) that the clause asks, when the
    clause follows it up: it names that fact and no other topic, and it opens like a
    follow-up ("peki", "ya"), or asks a question the classifier does not read as another
    topic with certainty ("kim ödüyor?", "kaç gündü", "ya pazar günü?")."""
    if not previous:
        return None
    fact = fact_of(previous, clause.text)
    named = longest_match(clause.text, "faq_topics")
    if fact is None or (named is not None and named != previous):
        return None
    if framed_by(clause.text, shopping_words()["follow_up"]):
        return fact
    other = (clause.intent == FAQ and clause.topic not in (None, previous)
             and clause.topic_confidence >= threshold("sure"))
    return fact if is_question(clause.text) and not other else None


def context_topic(answered: str | None, loop: str | None) -> str | None:
    """The topic a follow-up refers to: the FAQ topic answered last, else the topic of the
    task whose form is open."""
    return answered or (shopping_words()["form_topics"].get(loop) if loop else None)


def answer_for(topic: str, text: str, fact: str | None = None) -> Answer:
    """The fact of ``topic`` that ``text`` asks, or the topic's whole answer."""
    fact = fact or fact_of(topic, text)
    if fact is None:
        return Answer(f"utter_{FAQ}/{topic}", topic)
    if topic == WORKING_HOURS and fact == DAY_FACT:
        return Answer(f"utter_fact_{topic}_{fact}", topic, weekday_in(text))
    return Answer(f"utter_fact_{topic}_{fact}", topic)


def weekday_in(text: str) -> int | None:
    """The ISO weekday (1 = Monday) the text names; the longest name wins, so "pazartesi"
    is Monday, not "pazar"."""
    names = shopping_words()["faq_facts"][WORKING_HOURS][DAY_FACT]
    named = [(len(name), day) for day, name in enumerate(names, 1) if mentions(text, [name])]
    return max(named)[1] if named else None


def hours_on(day: int, hours: str) -> str | None:
    """A day's hours as the shop's working-hours text gives them ("hafta içi 09:00-18:00,
    cumartesi 10:00-16:00": Saturday 10:00-16:00), or None when no part names the day."""
    names = [fold(name) for name in shopping_words()["faq_facts"][WORKING_HOURS][DAY_FACT]]
    groups = shopping_words()["day_groups"]
    for part in re.split(r"[,;]", fold(hours)):
        span = re.search(r"\d{1,2}[:.]\d{2}\s*-\s*\d{1,2}[:.]\d{2}", part)
        if span is None:
            continue
        days = {number for number, name in enumerate(names, 1)
                if re.search(rf"\b{name}\b", part)}
        for phrase, members in groups.items():
            if re.search(rf"\b{re.escape(fold(phrase))}\b", part):
                days.update(members)
        joined = re.search(rf"\b({'|'.join(names)})\s*-\s*({'|'.join(names)})\b", part)
        if joined:  # "pazartesi-cuma"
            days.update(range(names.index(joined.group(1)) + 1,
                               names.index(joined.group(2)) + 2))
        if day in days:
            return span.group(0).replace(" ", "")
    return None


def answers(parse: Mapping[str, Any], previous: str | None) -> List[Answer]:
    """What to answer for each clause that asks the shop something, in order (tasks and
    small talk are left to the dialogue policy and the rules)."""
    return list(_answers(tuple(read_clauses(parse)), is_question(parse.get("text") or ""),
                         previous))


@lru_cache(maxsize=256)
def _answers(parts: Tuple[Clause, ...], question: bool, previous: str | None
             ) -> Tuple[Answer, ...]:
    """``answers`` for clauses as read; the policy asks it several times a turn."""
    found: List[Answer] = []
    alone = len(parts) == 1
    for number, clause in enumerate(parts):
        honest = first_match(clause.text, "not_offered")
        fact = follow_up_fact(previous, clause) if number == 0 else None
        if honest:
            answer = Answer(f"utter_not_offered_{honest}")
        elif fact and previous:
            answer = answer_for(previous, clause.text, fact)
        elif topic := asked_topic(clause, question, alone):
            answer = answer_for(topic, clause.text)
        elif asks_unknown(clause, alone):
            answer = Answer(NOT_IN_DATA)
        else:
            continue
        if answer not in found:
            found.append(answer)
    return tuple(found)


def task_clause(parse: Mapping[str, Any], tasks: Mapping[str, Any],
                exclude: tuple[str, ...]) -> str | None:
    """A task (an intent of ``tasks``) one clause of a message of several asks, read by the
    clause's own classification or its task words."""
    parts = read_clauses(parse)
    if len(parts) < 2:
        return None
    for clause in parts:
        if asked_topic(clause, False) or first_match(clause.text, "not_offered"):
            continue  # "iade kargosu ücretsiz mi?" asks about returns; it starts none
        named = first_match(clause.text, "task_words")
        if named in tasks and named not in exclude:
            return named
        if (clause.intent in tasks and clause.intent not in exclude
                and clause.intent_confidence >= threshold("task")):
            return clause.intent
    return None
