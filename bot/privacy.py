"""KVKK: personal data kept only as long as the retention setting says, and one person's
conversations erased on request.

A conversation's personal data lives in four places: Rasa's ``events`` (the texts, the
entities and slots read from them, the channel's metadata, and the conversation id itself,
which on WhatsApp is the shopper's number), the agent queue's tickets (a call-back number,
the last message), the analytics table's texts and the ratings' conversation ids.
Erasing a conversation rewrites all of them: texts, entities, slot values and metadata
go, the conversation id becomes ``erased:`` and a hash of it, and what is left (intents,
actions, times, ratings, the shop's order and customer ids) keeps the owner's report true.

* :func:`erase_expired`: conversations with no event for ``RETENTION_DAYS`` and no open
  ticket (``python -m bot forget --expired``, run daily).
* :func:`forget_contact`: every conversation that names an e-mail or a phone (in what the
  shopper wrote, a slot, a ticket's call-back number, or as the WhatsApp number itself),
  whatever its age (``python -m bot forget --contact ...``).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, Iterable, List, Set

import sqlalchemy as sa
from sqlalchemy import select, update

from bot.database.engine import Database
from bot.handoff.models import Ticket
from bot.handoff.queue import OPEN
from bot.records.ratings import SatisfactionRating
from bot.reporting.conversations import ShopperMessageRow
from bot.text.contacts import Contact, find_spans, parse_contact

ERASED_PREFIX = "erased:"
# Rasa's SQL tracker store table (rasa.core.tracker_store.SQLTrackerStore.SQLEvent).
EVENTS = sa.table("events", sa.column("id"), sa.column("sender_id"),
                  sa.column("timestamp"), sa.column("type_name"), sa.column("data"))


def erased_id(conversation_id: str) -> str:
    """The id an erased conversation keeps: stable, so its events stay one conversation,
    and saying nothing of the person."""
    if conversation_id.startswith(ERASED_PREFIX):
        return conversation_id
    return ERASED_PREFIX + hashlib.sha256(conversation_id.encode()).hexdigest()[:32]


def erased_event(data: Dict[str, Any]) -> Dict[str, Any]:
    """An event without what a person wrote or was told, nor what was read from it."""
    data = dict(data)
    for key in ("text", "message_id"):
        if key in data:
            data[key] = None
    if "metadata" in data:
        data["metadata"] = {}
    if data.get("event") == "slot":
        data["value"] = None
    if data.get("event") == "bot":
        data["data"] = {}
    parse = data.get("parse_data")
    if isinstance(parse, dict):
        data["parse_data"] = {"intent": parse.get("intent"), "entities": [], "text": None}
    return data


def erase_conversations(tracker: Database, own: Database, conversation_ids: Iterable[str]
                        ) -> int:
    """Erase the personal data of these conversations everywhere; returns how many."""
    ids = sorted({c for c in conversation_ids if not c.startswith(ERASED_PREFIX)})
    for conversation_id in ids:
        new_id = erased_id(conversation_id)
        with tracker.unit_of_work() as session:
            rows = session.execute(select(EVENTS.c.id, EVENTS.c.data).where(
                EVENTS.c.sender_id == conversation_id)).all()
            for row_id, data in rows:
                session.execute(update(EVENTS).where(EVENTS.c.id == row_id).values(
                    sender_id=new_id, data=json.dumps(erased_event(json.loads(data)))))
        with own.unit_of_work() as session:
            for ticket in session.execute(select(Ticket).where(
                    Ticket.conversation_id == conversation_id)).scalars():
                summary = json.loads(ticket.summary or "{}")
                summary.pop("last_message", None)
                ticket.summary = json.dumps(summary)
                ticket.conversation_id, ticket.callback_contact = new_id, None
            session.execute(update(ShopperMessageRow).where(
                ShopperMessageRow.sender_id == conversation_id).values(sender_id=new_id,
                                                                      text=""))
            session.execute(update(SatisfactionRating).where(
                SatisfactionRating.conversation_id == conversation_id).values(
                conversation_id=new_id))
    return len(ids)


def _with_open_tickets(own: Database) -> Set[str]:
    with own.unit_of_work() as session:
        return set(session.execute(select(Ticket.conversation_id).where(
            Ticket.status.in_(OPEN))).scalars())


def erase_expired(tracker: Database, own: Database, retention: timedelta,
                  now: datetime | None = None) -> int:
    """Erase the conversations idle for longer than ``retention`` and not with people."""
    now = now or datetime.now(timezone.utc)
    cutoff = (now - retention).timestamp()
    with tracker.unit_of_work() as session:
        idle = set(session.execute(
            select(EVENTS.c.sender_id).group_by(EVENTS.c.sender_id)
            .having(sa.func.max(EVENTS.c.timestamp) < cutoff)).scalars())
    return erase_conversations(tracker, own, idle - _with_open_tickets(own))


def _names(data: Dict[str, Any], contact: Contact) -> bool:
    """Whether an event names ``contact``: in what was written, or as a slot's value."""
    texts: List[str] = [str(data.get("text") or "")]
    if data.get("event") == "slot" and isinstance(data.get("value"), str):
        texts.append(data["value"])
    return any(span.entity == contact.kind and span.value == contact.value
               for text in texts for span in find_spans(text))


def conversations_of(tracker: Database, own: Database, contact: Contact) -> Set[str]:
    """Every conversation that names ``contact`` (a whole scan: a request is rare)."""
    found: Set[str] = set()
    if contact.kind == "phone":
        found.add(f"90{contact.value}")  # the WhatsApp conversation of that number
    with tracker.unit_of_work() as session:
        rows = session.execute(select(EVENTS.c.sender_id, EVENTS.c.data).where(
            EVENTS.c.type_name.in_(("user", "slot", "bot")))).all()
    found.update(sender for sender, data in rows if _names(json.loads(data), contact))
    with own.unit_of_work() as session:
        for conversation_id, callback in session.execute(select(
                Ticket.conversation_id, Ticket.callback_contact).where(
                Ticket.callback_contact.is_not(None))):
            if parse_contact(callback) == contact:
                found.add(conversation_id)
    return found


def forget_contact(tracker: Database, own: Database, text: str) -> int:
    """Erase every conversation of the person with this e-mail or phone; ValueError when
    ``text`` is neither."""
    contact = parse_contact(text)
    if contact is None:
        raise ValueError("not an e-mail address or a phone number")
    return erase_conversations(tracker, own, conversations_of(tracker, own, contact))
