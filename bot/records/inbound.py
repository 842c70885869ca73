"""Messages the channels have already taken in, so a redelivered webhook is handled once.

Meta redelivers a webhook it thinks was missed; every Rasa process of a shop sees the same
table, so whichever process gets a replay recognises it. The primary key makes the check
and the record one atomic insert.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, String
from sqlalchemy.exc import IntegrityError

from bot.database.base import AssistantBase
from bot.database.engine import Database


class InboundMessage(AssistantBase):
    __tablename__ = "inbound_messages"

    message_id = Column(String(160), primary_key=True)
    channel = Column(String(20), nullable=False)
    received_at = Column(DateTime, nullable=False, index=True)


def first_delivery(database: Database, channel: str, message_id: str,
                   received_at: datetime) -> bool:
    """Record a message id; False when it was recorded before (a replayed delivery)."""
    try:
        with database.unit_of_work() as session:
            session.add(InboundMessage(message_id=f"{channel}:{message_id}"[:160],
                                       channel=channel, received_at=received_at))
    except IntegrityError:
        return False
    return True
