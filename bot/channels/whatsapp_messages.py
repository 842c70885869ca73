"""WhatsApp Cloud API messages in and out, as plain data (no Rasa, no network).

Kept apart from the channel so the console can ask whether a shopper's customer service
window is open, and so every limit of the API is tested on its own:

* text bodies up to 4,096 characters, interactive bodies up to 1,024;
* at most 3 reply buttons, titles up to 20 characters;
* a list of at most 10 rows, row titles up to 24 and descriptions up to 72 characters,
  opened by a button of up to 20 characters;
* a free-form message only within 24 hours of the shopper's last message; outside it,
  only an approved template;
* an interactive message may have an image header (a link the API fetches: JPEG or PNG).

A product card (a bot message whose ``custom`` is ``{"type": "product", ...}``) becomes one
interactive message: the product's image as header, its text and page link as body, and its
payload buttons ("Benzerlerini göster") as reply buttons.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Dict, Iterator, List, Sequence

logger = logging.getLogger(__name__)
CHANNEL = "whatsapp"  # the channel's name in trackers and tickets
# A WhatsApp id (``wa_id``): E.164 digits without "+"; also the conversation's id.
WA_ID = re.compile(r"\d{6,20}")
MESSAGE_ID_LIMIT = 200
TEXT_LIMIT = 4096
INTERACTIVE_BODY_LIMIT = 1024
MAX_REPLY_BUTTONS = 3
BUTTON_TITLE_LIMIT = 20
MAX_LIST_ROWS = 10
ROW_TITLE_LIMIT = 24
ROW_DESCRIPTION_LIMIT = 72
SERVICE_WINDOW = timedelta(hours=24)
# What the bot can read; anything else (image, audio, location...) is answered politely.
_READABLE = {"text", "interactive", "button"}
# Not a message to the bot at all: a reaction to an earlier message, a system notice.
_IGNORED = {"reaction", "system"}


@dataclass(frozen=True)
class Inbound:
    """One shopper message from a webhook delivery."""

    message_id: str
    wa_id: str  # the shopper's WhatsApp number, digits only: the conversation id
    text: str  # typed text, or the id (the Rasa payload) of the button or row chosen
    readable: bool  # False for media, locations, contacts...
    sent_at: float


def signature_valid(app_secret: str, body: bytes, header: str | None) -> bool:
    """Whether ``X-Hub-Signature-256`` is Meta's HMAC-SHA256 of the raw body."""
    if not app_secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header[len("sha256="):])


def _object(value: Any) -> Dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one: a signed delivery of the wrong
    shape is skipped part by part, never a server error."""
    return value if isinstance(value, dict) else {}


def _objects(parent: Dict[str, Any], key: str, where: str) -> Iterator[Dict[str, Any]]:
    """The objects of the list ``parent[key]``, logging (without content) what is not."""
    items = parent.get(key, [])
    if not isinstance(items, list):
        logger.warning("WhatsApp delivery: %s.%s is not a list, skipped", where, key)
        return
    for number, item in enumerate(items):
        if isinstance(item, dict):
            yield item
        else:
            logger.warning("WhatsApp delivery: %s.%s[%d] is not an object, skipped",
                           where, key, number)


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _reply_text(message: Dict[str, Any]) -> str:
    kind = message.get("type")
    if kind == "text":
        return _string(_object(message.get("text")).get("body"))
    if kind == "button":  # a template's quick-reply button
        button = _object(message.get("button"))
        return _string(button.get("payload")) or _string(button.get("text"))
    interactive = _object(message.get("interactive"))
    # button_reply / list_reply
    reply = _object(interactive.get(_string(interactive.get("type"))))
    return _string(reply.get("id")) or _string(reply.get("title"))


def _sent_at(message: Dict[str, Any]) -> float:
    try:
        return float(message.get("timestamp") or 0)
    except (TypeError, ValueError, OverflowError):
        return 0.0


def _inbound(message: Dict[str, Any]) -> Inbound | None:
    """One shopper message, or None for what is not one (or not well formed)."""
    kind, wa_id, message_id = message.get("type"), message.get("from"), message.get("id")
    if not isinstance(kind, str) or kind in _IGNORED:
        return None
    if not (isinstance(wa_id, str) and WA_ID.fullmatch(wa_id) and isinstance(message_id, str)
            and 0 < len(message_id) <= MESSAGE_ID_LIMIT):
        logger.warning("WhatsApp delivery: a message without a valid sender or id, skipped")
        return None
    readable = kind in _READABLE
    return Inbound(message_id=message_id, wa_id=wa_id,
                   text=_reply_text(message) if readable else "",
                   readable=readable, sent_at=_sent_at(message))


def inbound_messages(payload: Any) -> List[Inbound]:
    """Shopper messages in a webhook body; status callbacks and reactions yield nothing,
    and malformed parts are skipped (logged).

    Raises ``ValueError`` when the body is not shaped like a webhook delivery at all.
    """
    if not isinstance(payload, dict) or not isinstance(payload.get("entry", []), list):
        raise ValueError("not a WhatsApp webhook delivery")
    found = []
    for entry in _objects(payload, "entry", "body"):
        for change in _objects(entry, "changes", "entry"):
            value = _object(change.get("value"))
            for message in _objects(value, "messages", "value"):
                inbound = _inbound(message)
                if inbound is not None:
                    found.append(inbound)
    return found


def window_open(last_inbound_at: float | None, now: float) -> bool:
    """Whether a free-form message may still be sent (the 24-hour service window)."""
    return last_inbound_at is not None and now - last_inbound_at < SERVICE_WINDOW.total_seconds()


def split_text(text: str, limit: int = TEXT_LIMIT) -> List[str]:
    """Parts of at most ``limit`` characters, cut at a paragraph, line or word if one is near."""
    parts, rest = [], text.strip()
    while len(rest) > limit:
        cut = max(rest.rfind(sep, limit // 2, limit) for sep in ("\n\n", "\n", " "))
        cut = cut if cut > 0 else limit
        parts.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    return parts + [rest] if rest else parts


def _cut(title: str, limit: int) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def _text(body: str) -> Dict[str, Any]:
    return {"type": "text", "text": {"body": body, "preview_url": False}}


def _buttons(body: str, buttons: Sequence[Dict[str, Any]]) -> Dict[str, Any]:
    return {"type": "interactive", "interactive": {
        "type": "button", "body": {"text": body},
        "action": {"buttons": [
            {"type": "reply", "reply": {"id": str(b["payload"]),
                                        "title": _cut(str(b["title"]), BUTTON_TITLE_LIMIT)}}
            for b in buttons]},
    }}


def _list(body: str, buttons: Sequence[Dict[str, Any]], list_button: str) -> Dict[str, Any]:
    rows = []
    for button in buttons:
        title = str(button["title"])
        row = {"id": str(button["payload"]), "title": _cut(title, ROW_TITLE_LIMIT)}
        if len(title) > ROW_TITLE_LIMIT:  # the whole title stays readable below
            row["description"] = _cut(title, ROW_DESCRIPTION_LIMIT)
        rows.append(row)
    return {"type": "interactive", "interactive": {
        "type": "list", "body": {"text": body},
        "action": {"button": _cut(list_button, BUTTON_TITLE_LIMIT),
                   "sections": [{"rows": rows}]},
    }}


def _numbered(body: str, buttons: Sequence[Dict[str, Any]]) -> str:
    """Too many choices for a list: they are written out, the shopper types one."""
    lines = [f"{n}. {b['title']}" for n, b in enumerate(buttons, start=1)]
    return "\n".join([body, "", *lines]) if body else "\n".join(lines)


def _product_card(text: str, card: Dict[str, Any]) -> Dict[str, Any]:
    """A product as one interactive message: image header, text and links, reply buttons."""
    links = [f"{b['title']}: {b['url']}" for b in card.get("buttons", []) if b.get("url")]
    replies = [b for b in card.get("buttons", []) if b.get("payload")][:MAX_REPLY_BUTTONS]
    body = _cut("\n".join([text or str(card.get("name", "")), *links]),
                INTERACTIVE_BODY_LIMIT)
    interactive: Dict[str, Any] = {"type": "button", "body": {"text": body}}
    if card.get("image_url"):
        interactive["header"] = {"type": "image", "image": {"link": str(card["image_url"])}}
    if not replies:  # an interactive message needs a button: the text alone then
        return _text(body)
    interactive["action"] = _buttons(body, replies)["interactive"]["action"]
    return {"type": "interactive", "interactive": interactive}


def outbound_messages(message: Dict[str, Any], list_button: str, template: str,
                      template_language: str) -> Iterator[Dict[str, Any]]:
    """Graph API message bodies (without recipient) for one Rasa bot message."""
    if message.get("whatsapp_template"):  # an agent's reply outside the service window
        yield {"type": "template", "template": {
            "name": template, "language": {"code": template_language}}}
        return
    custom = message.get("custom")
    if isinstance(custom, dict) and custom.get("type") == "product" and isinstance(
            custom.get("product"), dict):
        yield _product_card(str(message.get("text") or "").strip(), custom["product"])
        return
    text = str(message.get("text") or "").strip()
    buttons = message.get("buttons") or message.get("quick_replies") or []
    if 0 < len(buttons) <= MAX_LIST_ROWS:
        limit = INTERACTIVE_BODY_LIMIT if len(buttons) <= MAX_REPLY_BUTTONS else TEXT_LIMIT
        parts = split_text(text) or ["…"]
        if len(parts[-1]) > limit:
            parts[-1:] = split_text(parts[-1], limit)
        yield from (_text(part) for part in parts[:-1])
        if len(buttons) <= MAX_REPLY_BUTTONS:
            yield _buttons(parts[-1], buttons)
        else:
            yield _list(parts[-1], buttons, list_button)
        return
    if buttons:
        text = _numbered(text, buttons)
    yield from (_text(part) for part in split_text(text))
