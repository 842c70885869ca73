"""JSON bodies with size and depth limits (bot/channels/body.py)."""

from __future__ import annotations

import pytest

from bot.channels.body import MAX_DEPTH, BadBody, depth, json_body


@pytest.mark.parametrize(("raw", "status"), ids=[
    "deep-array", "deep-object", "past-the-limit", "cut", "not-utf8", "empty", "too-large"],
                         argvalues=[
    (b"[" * 50_000 + b"]" * 50_000, 400),  # Python's parser gives up: a RecursionError
    (b'{"a":' * 50_000 + b"1" + b"}" * 50_000, 400),
    (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), 400),
    (b'{"sender": "x", "message": ', 400),
    (b'{"message": "\xff\xfe"}', 400),
    (b"", 400),
    (b'"' + b"x" * 2000 + b'"', 413),
])
def test_bodies_beyond_the_limits_are_refused_with_a_status(raw: bytes, status: int) -> None:
    with pytest.raises(BadBody) as refused:
        json_body(raw, max_bytes=1_000_000 if status == 400 else 1024)
    assert refused.value.status == status


def test_ordinary_bodies_are_read() -> None:
    nested = b"[" * MAX_DEPTH + b"]" * MAX_DEPTH
    assert depth(json_body(nested, 1024)) == MAX_DEPTH
    assert json_body(b'{"sender": "a", "message": "merhaba"}', 1024) == {
        "sender": "a", "message": "merhaba"}
    assert depth(1) == 0 and depth({"a": [1, {"b": []}]}) == 4
