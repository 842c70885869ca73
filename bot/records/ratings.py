"""Customer satisfaction (CSAT) answers, stored with the conversation and the task."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Integer, String, select
from sqlalchemy.orm import Session

from bot.database.base import AssistantBase

SCORES = range(1, 6)


class SatisfactionRating(AssistantBase):
    """A shopper's 1-to-5 answer to "did this help?", per conversation and task."""

    __tablename__ = "satisfaction_ratings"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(255), nullable=False, index=True)
    task = Column(String(40), nullable=False)
    score = Column(Integer, nullable=False)
    created_at = Column(DateTime, nullable=False, index=True)


def record_rating(
    session: Session, conversation_id: str, task: str, score: int, now: datetime
) -> bool:
    """Store one rating per conversation and task; a second answer replaces the first."""
    if score not in SCORES:
        return False
    existing = session.execute(
        select(SatisfactionRating).where(SatisfactionRating.conversation_id == conversation_id,
                                         SatisfactionRating.task == task)
    ).scalar_one_or_none()
    if existing is None:
        session.add(SatisfactionRating(conversation_id=conversation_id, task=task, score=score,
                                       created_at=now))
    else:
        existing.score, existing.created_at = score, now
    return True

