"""What every channel does to a shopper's text before Rasa sees it.

Shoppers paste anything: control characters, megabytes, or an intent payload such as
``/EXTERNAL_handoff_resolved`` that only the console may send. The NLU needs none of it,
and a bounded message keeps one shopper from slowing everyone's turn.
"""

from __future__ import annotations

import re
from typing import Any

from bot.dialogue.names import EXTERNAL_PREFIX

MAX_MESSAGE_LENGTH = 2000
# Sent as the shopper's message when what they sent has nothing the bot can read (a photo,
# a voice note, only control characters): a rule answers it with `utter_unsupported_message`,
# so no message goes unanswered.
UNSUPPORTED = f"/{EXTERNAL_PREFIX}unsupported_message"
# Control characters, invisible marks, and lone surrogates (not text at all: JSON can
# carry "\ud800", and no database or encoder downstream takes it).
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff\ud800-\udfff]")
# Intents the processes send among themselves; a typed "/EXTERNAL_..." stays plain text.
_INTERNAL_PAYLOAD = re.compile(rf"^/+(?={EXTERNAL_PREFIX})")


def incoming_text(raw: Any, limit: int = MAX_MESSAGE_LENGTH) -> str:
    """The shopper's message, cleaned and cut to ``limit`` characters ("" if not text)."""
    if not isinstance(raw, str):
        return ""
    text = _CONTROL.sub(" ", raw).strip()[:limit].strip()
    return _INTERNAL_PAYLOAD.sub("", text)
