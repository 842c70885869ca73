"""Turkish phrases shoppers use, matched on folded text (`data/shopping_words.yml`)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Tuple

import yaml

from bot.text.turkish import fold, fold_letters

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


def framed_by(text: str, phrases: Iterable[str]) -> bool:
    """Whether folded ``text`` starts or ends with one of the phrases as whole words ("ya
    pazar?", "... kesilebiliyor mu peki"; not "yarın")."""
    return _framing(tuple(phrases)).search(_folded(text).strip(" ,.!?")) is not None


@lru_cache(maxsize=16)
def _framing(phrases: Tuple[str, ...]) -> re.Pattern[str]:
    either = "|".join(re.escape(fold(phrase)) for phrase in phrases)
    return re.compile(rf"^(?:{either})\b|\b(?:{either})$")


def first_match(text: str | None, table: str) -> str | None:
    """The first key of ``table`` (in file order) whose phrases ``text`` mentions."""
    if not text:
        return None
    for key, phrases in shopping_words()[table].items():
        if mentions(text, phrases):
            return key
    return None


def longest_match(text: str | None, table: str) -> str | None:
    """The key of ``table`` whose phrase mentioned in ``text`` is the longest: "garanti
    bankası" names a bank's installments, not the warranty its first word names."""
    if not text:
        return None
    best, length = None, 0
    folded = _folded(text)
    for key, phrases in shopping_words()[table].items():
        pattern = _pattern(tuple(phrases))
        for match in pattern.finditer(folded) if pattern is not None else ():
            if len(match.group(0)) > length:
                best, length = key, len(match.group(0))
    return best


@lru_cache(maxsize=256)
def clause_spans(text: str) -> Tuple[Tuple[int, int], ...]:
    """Where each part of a message that may carry its own request starts and ends, in the
    shopper's order: cut at a mark followed by a space (so "49.90" and an e-mail stay whole)
    and before a joining word ("..., bir de ...", "hem ... hem ...")."""
    letters = fold_letters(text)
    if len(letters) != len(text):
        return ((0, len(text)),) if text.strip() else ()
    cuts = {0, len(text)}
    for match in _joints().finditer(letters):
        # A mark ends its clause ("?" stays with the question); a word starts the next.
        cuts.update((match.end(),) if match.group("mark") else match.span())
    edges = sorted(cuts)
    spans = []
    for start, end in zip(edges, edges[1:], strict=False):
        piece = text[start:end]
        if any(c.isalnum() for c in piece) and not _joints().fullmatch(letters[start:end]):
            left = len(piece) - len(piece.lstrip(" ,.;!?"))
            right = len(piece.rstrip(" ,.;!"))
            spans.append((start + left, start + right))
    return tuple(spans)


@lru_cache(maxsize=1)
def _joints() -> re.Pattern[str]:
    joints = shopping_words()["request_joints"]
    marks = "".join(re.escape(mark) for mark in joints["marks"])
    words = "|".join(re.escape(fold(word)) for word in joints["words"])
    return re.compile(rf"(?P<mark>[{marks}]+)(?=\s|$)|\b(?:{words})\b")


def clauses(text: str) -> List[str]:
    """The parts of a message that may each carry a request, in the shopper's order."""
    return [text[start:end] for start, end in clause_spans(text)]


def is_question(text: str) -> bool:
    return "?" in text or _question_words().search(_folded(text)) is not None


@lru_cache(maxsize=1)
def _question_words() -> re.Pattern[str]:
    words = "|".join(re.escape(fold(w)) for w in shopping_words()["question_words"])
    return re.compile(rf"\b({words})\b")


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


def fact_of(topic: str, text: str) -> str | None:
    """The single fact of ``topic`` that ``text`` asks about, if it asks one (the first in
    file order whose words it mentions)."""
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
