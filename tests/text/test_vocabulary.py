"""Reading a rating out of a short reply: digits, words, stars; never a request's number."""

from __future__ import annotations

import pytest

from bot.text.vocabulary import rating_in


@pytest.mark.parametrize(("text", "score"), [
    ("5", 5), ("4 puan veriyorum", 4), ("tabii ki 5", 5), ("5/5", 5), ("3 / 5", 3),
    ("beş", 5), ("dört yıldız", 4), ("⭐⭐⭐⭐", 4), ("★★", 2), ("⭐️⭐️⭐️⭐️⭐️", 5),
])
def test_ratings_are_read(text: str, score: int) -> None:
    assert rating_in(text) == score


@pytest.mark.parametrize("text", [
    "2 kez çekildi", "kartımdan 2 kez çekildi", "iki kere ödeme alındı", "10045821",
    "3 gündür bekliyorum", "kapıda ödeme var mı", "8", "10 üzerinden 8",
])
def test_requests_with_numbers_are_not_ratings(text: str) -> None:
    assert rating_in(text) is None
