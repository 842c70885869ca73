"""Shoppers cannot run Rasa commands: a typed ``/restart`` is text.

Rasa reads any message that starts with ``/`` as an intent by name with entities
(``/restart``, ``/session_start``, ``/back``, ``/inform{"order_id": ...}``), so a shopper
could reset a form, undo a turn or claim an entity without saying it, and several of those
commands answer with silence. Buttons need the syntax: their payloads come back as such a
message. So a ``/`` message is read as an intent only when it is the payload of a button
the bot itself offered in this session of the conversation (a product card scrolled up
still shows similar products; nothing the bot did not offer can be claimed), or an
``EXTERNAL_`` intent a channel sends itself, which :mod:`bot.channels.text` keeps shoppers
from typing. Anything else goes to the NLU with its leading slashes blanked out, as the
words it is, and gets an answer.

Applied in the Rasa server process (``bot/server/__main__.py``), around
``MessageProcessor.parse_message``; the conversation keeps the text as typed.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Iterator, Set

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import BotUttered, Restarted, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

from bot.dialogue.names import EXTERNAL_PREFIX

_rasa_parse_message = MessageProcessor.parse_message
COMMAND_PREFIX = "/"
# The leading slashes of a message, which become spaces: entity offsets stay the text's.
_LEADING_SLASHES = re.compile(r"^(\s*)(/+)")


def _payloads(data: Any) -> Iterator[str]:
    """Every button payload in a bot message's data (buttons, quick replies, cards)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "payload" and isinstance(value, str):
                yield value.strip()
            else:
                yield from _payloads(value)
    elif isinstance(data, list):
        for item in data:
            yield from _payloads(item)


def offered_payloads(tracker: DialogueStateTracker | None) -> Set[str]:
    """Payloads of the buttons the bot sent in the conversation's current session."""
    offered: Set[str] = set()
    for event in reversed(tracker.events if tracker is not None else []):
        if isinstance(event, (SessionStarted, Restarted)):
            break
        if isinstance(event, BotUttered):
            offered.update(_payloads(event.data))
    return offered


def command_allowed(text: str, tracker: DialogueStateTracker | None) -> bool:
    """Whether ``text`` may be read as Rasa's ``/intent{...}`` syntax."""
    text = text.strip()
    return (not text.startswith(COMMAND_PREFIX)
            or text.startswith(COMMAND_PREFIX + EXTERNAL_PREFIX)
            or text in offered_payloads(tracker))


async def _parse_message(self: MessageProcessor, message: UserMessage,
                         tracker: DialogueStateTracker | None = None,
                         only_output_properties: bool = True) -> Dict[str, Any]:
    """``MessageProcessor.parse_message``, with a typed command read as text."""
    text = message.text or ""
    if command_allowed(text, tracker):
        return await _rasa_parse_message(self, message, tracker, only_output_properties)
    words = _LEADING_SLASHES.sub(lambda m: m.group(1) + " " * len(m.group(2)), text)
    words = words if words.strip() else "?"  # a lone "/" still gets an answer
    as_text = UserMessage(words, message.output_channel, message.sender_id,
                          input_channel=message.input_channel,
                          message_id=message.message_id, metadata=message.metadata)
    parse_data = await _rasa_parse_message(self, as_text, tracker, only_output_properties)
    parse_data["text"] = text
    return parse_data


def read_commands_as_text() -> None:
    """Apply the change of the module doc."""
    MessageProcessor.parse_message = _parse_message
