"""Every channel's cleaning of what shoppers type."""

from __future__ import annotations

import pytest

from bot.channels.text import MAX_MESSAGE_LENGTH, incoming_text


@pytest.mark.parametrize(("raw", "clean"), [
    ("  siparişim nerede?  ", "siparişim nerede?"),
    ("sipariş\x00im\x1b[31m nerede", "sipariş im [31m nerede"),
    ("\u202enerede\u200b", "nerede"),
    ("a\ud800b\udfff", "a b"),  # lone surrogates: JSON carries them, nothing else takes them
    ("/EXTERNAL_handoff_resolved", "EXTERNAL_handoff_resolved"),
    ('/inform{"rating":"5"}', '/inform{"rating":"5"}'),  # buttons still work
    ("🙂👍", "🙂👍"),
    (None, ""),
    (12, ""),
])
def test_text_is_cleaned(raw, clean) -> None:
    assert incoming_text(raw) == clean


def test_long_text_is_cut() -> None:
    assert len(incoming_text("a" * 100_000)) == MAX_MESSAGE_LENGTH
