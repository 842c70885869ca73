"""What shoppers wrote: Asistan's analytics table, fed by Rasa's event broker.

Rasa publishes every event it saves (``endpoints.yml``: ``event_broker``); the shopper
messages among them become rows of ``shopper_messages`` in the store database, indexed by
time, so the console's dashboard and the owner's report count conversations without
reading Rasa's ``events`` table (which grows with every turn and has no index on time).
This module is the one definition of "a shopper message" and so of "a conversation": the
distinct conversations with a shopper message in a period.

Events can arrive twice (a broker redelivers what it was not sure was taken): a message is
known by its conversation and Rasa's timestamp, and recorded once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable, List, Mapping

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.database.base import AssistantBase
from bot.dialogue.names import EXTERNAL_PREFIX, FALLBACK_ACTION, FALLBACK_INTENT


class ShopperMessageRow(AssistantBase):
    """One message a shopper wrote (intents the processes send among themselves are not)."""

    __tablename__ = "shopper_messages"
    __table_args__ = (
        UniqueConstraint("sender_id", "timestamp", name="uq_shopper_messages_event"),
        # The dashboard's count: the period's rows, and their conversations, from the index.
        Index("ix_shopper_messages_time_sender", "timestamp", "sender_id"),
    )

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(255), nullable=False)
    timestamp = Column(Float, nullable=False)  # Unix seconds, Rasa's event timestamp
    intent = Column(String(255))
    text = Column(Text, nullable=False, default="")
    # Not understood: NLU's fallback intent, or the core fallback ran after it.
    fallback = Column(Boolean, nullable=False, default=False)


@dataclass(frozen=True)
class ShopperMessage:
    sender_id: str
    at: datetime  # naive UTC, as the shop's database keeps moments
    intent: str | None


def _epoch(moment: datetime) -> float:
    """Rasa stores Unix seconds; a naive moment is UTC by the project's convention."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return aware.timestamp()


def is_shopper_message(event: Mapping[str, Any]) -> bool:
    intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name") or ""
    return event.get("event") == "user" and not intent.startswith(EXTERNAL_PREFIX)


def record(session: Session, events: Iterable[Mapping[str, Any]]) -> None:
    """Take Rasa's events (as the broker publishes them, in order) into the table."""
    for event in events:
        sender = str(event.get("sender_id") or "")
        if is_shopper_message(event):
            stamp = float(event.get("timestamp") or 0)
            known = session.execute(select(ShopperMessageRow.id).where(
                ShopperMessageRow.sender_id == sender,
                ShopperMessageRow.timestamp == stamp)).first()
            if known is None:
                intent = (event.get("parse_data") or {}).get("intent", {}).get("name")
                session.add(ShopperMessageRow(sender_id=sender, timestamp=stamp,
                                              intent=intent, text=event.get("text") or "",
                                              fallback=intent == FALLBACK_INTENT))
                session.flush()
        elif event.get("event") == "action" and event.get("name") == FALLBACK_ACTION:
            # The core fallback answers the conversation's latest message.
            latest = session.execute(
                select(ShopperMessageRow).where(ShopperMessageRow.sender_id == sender)
                .order_by(ShopperMessageRow.id.desc()).limit(1)).scalar_one_or_none()
            if latest is not None:
                latest.fallback = True


def _in(start: datetime, end: datetime | None = None) -> List[Any]:
    window = [ShopperMessageRow.timestamp >= _epoch(start)]
    if end is not None:
        window.append(ShopperMessageRow.timestamp < _epoch(end))
    return window


def count_conversations(engine: Engine, start: datetime) -> int:
    """Distinct conversations with a shopper message at or after ``start``."""
    with engine.connect() as connection:
        return connection.execute(
            select(func.count(func.distinct(ShopperMessageRow.sender_id)))
            .where(*_in(start))).scalar_one()


def shopper_messages(engine: Engine, start: datetime, end: datetime) -> List[ShopperMessage]:
    """Every shopper message in ``[start, end)`` with its conversation and intent."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(ShopperMessageRow.sender_id, ShopperMessageRow.timestamp,
                   ShopperMessageRow.intent).where(*_in(start, end))).all()
    return [ShopperMessage(sender, datetime.fromtimestamp(stamp, timezone.utc)
                           .replace(tzinfo=None), intent) for sender, stamp, intent in rows]


def fallback_texts(engine: Engine, start: datetime, end: datetime) -> List[str]:
    """What shoppers wrote in ``[start, end)`` that the assistant did not understand."""
    with engine.connect() as connection:
        texts = connection.execute(
            select(ShopperMessageRow.text).where(*_in(start, end), ShopperMessageRow.fallback)
            .order_by(ShopperMessageRow.id)).scalars().all()
    return [text.strip() for text in texts if text.strip()]
