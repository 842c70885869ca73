"""What shoppers wrote, read from Rasa's SQL tracker store (its ``events`` table).

Plain SQL text over SQLAlchemy Core: the table belongs to Rasa, not to our models, and the
same statements run on SQLite and PostgreSQL. Every count of conversations in the project
(the console's dashboard and the owner's report) goes through :data:`_SHOPPER_MESSAGES`,
so "a conversation" means the same everywhere.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Dict, List

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from bot.dialogue.names import EXTERNAL_PREFIX, FALLBACK_ACTION, FALLBACK_INTENT

# Intents the processes send among themselves are not shopper messages ("!" escapes
# LIKE's "_" wildcard).
_EXTERNAL_INTENTS = EXTERNAL_PREFIX.replace("_", "!_") + "%"

_SHOPPER_MESSAGES = (
    "FROM events WHERE type_name = 'user' AND timestamp >= :start"
    " AND COALESCE(intent_name, '') NOT LIKE :external ESCAPE '!'"
)
_BEFORE_END = " AND timestamp < :end"


@dataclass(frozen=True)
class ShopperMessage:
    sender_id: str
    at: datetime  # naive UTC, as the shop's database keeps moments
    intent: str | None


def _epoch(moment: datetime) -> float:
    """Rasa stores Unix seconds; a naive moment is UTC by the project's convention."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return aware.timestamp()


def _window(start: datetime, end: datetime | None = None) -> Dict[str, Any]:
    params = {"start": _epoch(start), "external": _EXTERNAL_INTENTS}
    if end is not None:
        params["end"] = _epoch(end)
    return params


def _has_events(connection: Connection) -> bool:
    """Rasa creates the table with the first conversation; before that there is nothing."""
    return inspect(connection).has_table("events")


def count_conversations(engine: Engine, start: datetime) -> int:
    """Distinct conversations with a shopper message at or after ``start``."""
    with engine.connect() as connection:
        if not _has_events(connection):
            return 0
        return connection.execute(
            text(f"SELECT COUNT(DISTINCT sender_id) {_SHOPPER_MESSAGES}"),
            _window(start)).scalar_one()


def shopper_messages(engine: Engine, start: datetime, end: datetime) -> List[ShopperMessage]:
    """Every shopper message in ``[start, end)`` with its conversation and intent."""
    with engine.connect() as connection:
        if not _has_events(connection):
            return []
        rows = connection.execute(
            text(f"SELECT sender_id, timestamp, intent_name {_SHOPPER_MESSAGES}{_BEFORE_END}"),
            _window(start, end)).all()
    return [ShopperMessage(sender, datetime.fromtimestamp(stamp, timezone.utc)
                           .replace(tzinfo=None), intent) for sender, stamp, intent in rows]


def fallback_texts(engine: Engine, start: datetime, end: datetime) -> List[str]:
    """What shoppers wrote in ``[start, end)`` that the assistant did not understand.

    A message counts when NLU gave it ``nlu_fallback``, or when ``action_fallback`` ran
    after it before the shopper's next message (the core fallback: an understood intent
    with no confident next step). Event ids order a conversation's events: Rasa appends
    them in order, while two events can share a timestamp.
    """
    after_it = (
        "EXISTS (SELECT 1 FROM events a WHERE a.sender_id = events.sender_id"
        " AND a.type_name = 'action' AND a.action_name = :fallback_action"
        " AND a.id > events.id AND NOT EXISTS (SELECT 1 FROM events n"
        " WHERE n.sender_id = events.sender_id AND n.type_name = 'user'"
        " AND n.id > events.id AND n.id < a.id))"
    )
    with engine.connect() as connection:
        if not _has_events(connection):
            return []
        rows = connection.execute(
            text(f"SELECT data {_SHOPPER_MESSAGES}{_BEFORE_END}"
                 f" AND (intent_name = :fallback_intent OR {after_it}) ORDER BY id"),
            {**_window(start, end), "fallback_intent": FALLBACK_INTENT,
             "fallback_action": FALLBACK_ACTION}).scalars().all()
    texts = ((json.loads(row).get("text") or "").strip() for row in rows)
    return [message for message in texts if message]
