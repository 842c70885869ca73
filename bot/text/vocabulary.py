"""Turkish phrases shoppers use, matched on folded text (`data/shopping_words.yml`)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable

import yaml

from bot.text.turkish import fold

WORDS_FILE = Path(__file__).parent / "data" / "shopping_words.yml"


@lru_cache(maxsize=1)
def shopping_words() -> Dict[str, Any]:
    return yaml.safe_load(WORDS_FILE.read_text("utf-8"))


def mentions(text: str, phrases: Iterable[str]) -> bool:
    """Whether folded ``text`` has a phrase starting at a word boundary (suffixes allowed)."""
    folded = fold(text)
    return any(re.search(rf"\b{re.escape(fold(phrase))}", folded) for phrase in phrases)


def first_match(text: str | None, table: str) -> str | None:
    """The first key of ``table`` (in file order) whose phrases ``text`` mentions."""
    if not text:
        return None
    for key, phrases in shopping_words()[table].items():
        if mentions(text, phrases):
            return key
    return None
