"""Messages the channels take in, so a redelivered webhook is handled once, and a delivery
cut short is handled when it comes again.

Meta redelivers a webhook it thinks was missed, and every Rasa process of a shop sees the
same table, so whichever process gets a replay recognises it. A delivery is first
*claimed* (the primary key makes the check and the claim one atomic insert) and recorded
as *handled* only once its turn is in the conversation. A claim whose process died
mid-turn (its lease ran out and the message was never handled) is taken over by the next
delivery, so Meta's retry of a message that was lost is processed, while a retry that
arrives during the turn is told to come back later.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from sqlalchemy import Column, DateTime, String, update
from sqlalchemy.exc import IntegrityError

from bot.database.base import AssistantBase
from bot.database.engine import Database

# Longer than any turn takes (a turn waits for its conversation's lock, then runs).
LEASE = timedelta(seconds=30)


class InboundDelivery(AssistantBase):
    __tablename__ = "inbound_deliveries"

    message_id = Column(String(160), primary_key=True)
    channel = Column(String(20), nullable=False)
    received_at = Column(DateTime, nullable=False, index=True)
    claimed_until = Column(DateTime, nullable=False)
    handled_at = Column(DateTime)


class Claim(enum.Enum):
    NEW = "new"  # handle it
    HANDLED = "handled"  # a replay of a handled message: drop it
    BUSY = "busy"  # being handled elsewhere now: the sender should try again later


def _key(channel: str, message_id: str) -> str:
    return f"{channel}:{message_id}"[:160]


def claim(database: Database, channel: str, message_id: str, now: datetime) -> Claim:
    """Claim a delivery for handling (``now``: naive UTC)."""
    key = _key(channel, message_id)
    try:
        with database.unit_of_work() as session:
            session.add(InboundDelivery(message_id=key, channel=channel, received_at=now,
                                        claimed_until=now + LEASE))
        return Claim.NEW
    except IntegrityError:
        pass
    with database.unit_of_work() as session:
        row = session.get(InboundDelivery, key)
        if row is None or row.handled_at is not None:
            return Claim.HANDLED
        # The lease ran out with the message unhandled: its process died. Take it over,
        # unless another delivery took it over first.
        taken = session.execute(
            update(InboundDelivery).where(InboundDelivery.message_id == key,
                                          InboundDelivery.handled_at.is_(None),
                                          InboundDelivery.claimed_until < now)
            .values(claimed_until=now + LEASE)).rowcount
    return Claim.NEW if taken else Claim.BUSY


def handled(database: Database, channel: str, message_id: str, now: datetime) -> None:
    """The message's turn is in its conversation: later deliveries are replays."""
    with database.unit_of_work() as session:
        session.execute(update(InboundDelivery)
                        .where(InboundDelivery.message_id == _key(channel, message_id))
                        .values(handled_at=now))


def release(database: Database, channel: str, message_id: str, now: datetime) -> None:
    """The turn could not be taken: the claim ends now, the next delivery handles it."""
    with database.unit_of_work() as session:
        session.execute(update(InboundDelivery)
                        .where(InboundDelivery.message_id == _key(channel, message_id))
                        .values(claimed_until=now))
