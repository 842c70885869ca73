"""Turkish phrases shoppers use, matched on folded text (`data/shopping_words.yml`)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Tuple

import yaml

from bot.text.turkish import fold

WORDS_FILE = Path(__file__).parent / "data" / "shopping_words.yml"
# A reply this short may be an answer to the bot's question rather than a request.
SHORT_REPLY_WORDS = 4


@lru_cache(maxsize=1)
def shopping_words() -> Dict[str, Any]:
    return yaml.safe_load(WORDS_FILE.read_text("utf-8"))


def mentions(text: str, phrases: Iterable[str]) -> bool:
    """Whether folded ``text`` has a phrase starting at a word boundary (suffixes allowed)."""
    pattern = _pattern(tuple(phrases))
    return pattern is not None and pattern.search(_folded(text)) is not None


@lru_cache(maxsize=256)
def _folded(text: str) -> str:
    """The folded text, kept for the next look-up: a turn checks one message against many
    lists."""
    return fold(text)


@lru_cache(maxsize=256)
def _pattern(phrases: Tuple[str, ...]) -> re.Pattern[str] | None:
    """One compiled alternation per list of phrases: the dialogue reads several lists in
    every turn."""
    if not phrases:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(fold(phrase)) for phrase in phrases) + ")")


def first_match(text: str | None, table: str) -> str | None:
    """The first key of ``table`` (in file order) whose phrases ``text`` mentions."""
    if not text:
        return None
    for key, phrases in shopping_words()[table].items():
        if mentions(text, phrases):
            return key
    return None


def clauses(text: str) -> List[str]:
    """The parts of a message that may each carry a request, in the shopper's order."""
    parts = [text]
    for joint in shopping_words()["request_joints"]:
        parts = [piece for part in parts for piece in fold(part).split(fold(joint))]
    return [part.strip(" ,.!") for part in parts if part.strip(" ,.!")]


def is_question(text: str) -> bool:
    return "?" in text or bool(re.search(
        r"\b(" + "|".join(re.escape(fold(w)) for w in shopping_words()["question_words"])
        + r")\b", fold(text)))


def is_irony(text: str) -> bool:
    """Praise next to a delay ("ne hızlı kargo, bir haftadır yolda"): a complaint."""
    words = shopping_words()
    return mentions(text, words["praise"]) and mentions(text, words["delay"])


def is_confused(text: str) -> bool:
    """A shopper who lost their thread ("dur ne diyecektim"): neither anger nor a request."""
    return mentions(text, shopping_words()["confusion"])


def rating_in(text: str) -> int | None:
    """The 1-to-5 score of a short reply that is a rating ("5", "4 puan veriyorum", "4/5",
    "beş", "⭐⭐⭐⭐"), or None."""
    words = shopping_words()
    stars = sum(text.count(star) for star in words["rating_stars"])
    if stars and not re.search(r"\w", text):
        return min(stars, 5)
    if len(text.split()) > SHORT_REPLY_WORDS:
        return None
    tokens = re.findall(r"\w+", _folded(text))
    named = {fold(word): int(score) for score, names in words["rating_words"].items()
             for word in names}
    allowed = tuple(fold(word) for word in words["rating_fillers"])
    scores = [int(t) if t.isdigit() else named[t] for t in tokens if t.isdigit() or t in named]
    rest = [t for t in tokens if not t.isdigit() and t not in named]
    if any(not t.startswith(allowed) for t in rest):
        return None  # other words: a request that happens to hold a number ("2 kez çekildi")
    if "/" in text and scores[-1:] == [5]:
        scores = scores[:-1]  # "4/5": out of five
    return scores[0] if len(scores) == 1 and 1 <= scores[0] <= 5 else None


def follow_up_fact(topic: str | None, text: str) -> str | None:
    """The fact of ``topic`` (the shop question just answered) that ``text`` follows up on
    ("peki iade kargosunu kim ödüyor?"), if it opens as a follow-up and names one."""
    if not topic or not mentions(text, shopping_words()["follow_up"]):
        return None
    return fact_of(topic, text)


def fact_of(topic: str, text: str) -> str | None:
    """The single fact of ``topic`` that ``text`` asks about, if it asks one."""
    for fact, words in (shopping_words()["faq_facts"].get(topic) or {}).items():
        if mentions(text, words):
            return fact
    return None


def only_confusion(text: str) -> bool:
    """A message that says nothing but that the shopper lost their thread: whatever intent
    the classifier gives it, there is no request in it."""
    pattern = _pattern(tuple(shopping_words()["confusion"]))
    if pattern is None or not pattern.search(_folded(text)):
        return False
    rest = re.sub(r"[^\w\s]", " ", pattern.sub(" ", _folded(text))).split()
    fillers = {fold(word) for word in shopping_words()["fillers"]}
    return len([word for word in rest if word not in fillers]) <= 1
