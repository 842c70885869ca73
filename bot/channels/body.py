"""JSON request bodies with limits, for every door of the product (REST, WhatsApp, console).

``json.loads`` parses whatever it is given: a body of megabytes, or brackets nested 50,000
deep, which ends in a ``RecursionError`` that no handler expects (a 500). Here a body is
refused when it is larger than its door allows, nested deeper than any real request, or not
JSON at all, always as :class:`BadBody`, which each door answers with a 4xx.
"""

from __future__ import annotations

import json
from typing import Any

# Deeper than any body the product takes (WhatsApp's deliveries are about 8 levels).
MAX_DEPTH = 32


class BadBody(ValueError):
    """A body the product does not read; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def depth(value: Any) -> int:
    """How deeply arrays and objects nest in a parsed JSON value (a scalar is 0)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in item)
    return deepest


def json_body(raw: bytes, max_bytes: int) -> Any:
    """The parsed body, or :class:`BadBody` (413 when too large, 400 otherwise)."""
    if len(raw) > max_bytes:
        raise BadBody(f"body larger than {max_bytes} bytes", status=413)
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
        raise BadBody("malformed JSON") from error
    if depth(value) > MAX_DEPTH:
        raise BadBody("JSON nested too deeply")
    return value
