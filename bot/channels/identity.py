"""Conversation ids, bound to the channel they belong to.

A conversation id is the key to everything Rasa knows of a shopper: verification, orders
shown, the agent's replies. So no client of one channel may name a conversation of another:

* WhatsApp: the shopper's number as digits only (``905321112233``), and only the signed
  webhook makes one (Meta vouches for the number);
* the website widget: 32 hex characters the server issued, a random nonce and its HMAC
  (keyed with the Rasa token every process shares), so any Rasa process can tell an id it
  issued from one a browser made up, without a table;
* REST: ``rest:`` and the caller's sender, so a REST caller names only REST conversations.

The three shapes never overlap, so the id alone says the channel, and an agent's reply is
sent on that channel whatever the tracker's latest message says (:func:`channel_of`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from bot.channels.whatsapp_messages import CHANNEL as WHATSAPP
from bot.channels.whatsapp_messages import WA_ID

REST = "rest"
WIDGET = "widget"
REST_PREFIX = f"{REST}:"
# What a REST caller may send as ``sender``: checked whole (``fullmatch``), no newline.
REST_SENDER = re.compile(r"[\w.:@+-]{1,128}", re.ASCII)
WIDGET_SESSION = re.compile(r"[0-9a-f]{32}")
_NONCE_BYTES = 8


def rest_conversation(sender: str) -> str:
    """The conversation of a REST caller's ``sender`` (already checked with REST_SENDER)."""
    return f"{REST_PREFIX}{sender}"


def _widget_mac(secret: str, nonce: str) -> str:
    digest = hmac.new(secret.encode(), f"widget-session:{nonce}".encode(), hashlib.sha256)
    return digest.hexdigest()[: 2 * _NONCE_BYTES]


def issue_widget_session(secret: str) -> str:
    """A new widget conversation id: a random nonce and its MAC, 32 hex characters."""
    nonce = secrets.token_hex(_NONCE_BYTES)
    return nonce + _widget_mac(secret, nonce)


def widget_session_issued(session_id: object, secret: str) -> bool:
    """Whether ``session_id`` is a widget id this shop's servers issued."""
    if not isinstance(session_id, str) or not WIDGET_SESSION.fullmatch(session_id):
        return False
    nonce, mac = session_id[: 2 * _NONCE_BYTES], session_id[2 * _NONCE_BYTES:]
    return hmac.compare_digest(mac, _widget_mac(secret, nonce))


def channel_of(conversation_id: str) -> str:
    """The channel a conversation id belongs to, by its shape alone.

    Ids of none of the three shapes are REST senders from before the namespace (docs/
    security.md, "Migration"): REST pushes nothing, so they get no reply pushed anywhere.
    """
    if WA_ID.fullmatch(conversation_id):
        return WHATSAPP
    if WIDGET_SESSION.fullmatch(conversation_id):
        return WIDGET
    return REST
