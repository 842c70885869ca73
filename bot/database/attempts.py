"""Failed attempts counted in a sliding window, where no client can reset them.

Both doors that guard something with a secret count their failures here: the proof that
an order is the shopper's (``bot.records.ownership``: per order and per contact tried) and
the agent console's login (``bot.handoff.logins``: per user name and per address). Each
failure is a row per *subject*; counting in the database that every process shares means
a new conversation, a new sender id, ``/restart`` or another server finds the same count.
Subjects are short keys; personal data in them is kept as a hash (:func:`hashed`). Rows
older than the window are deleted as new ones come, so the table holds about one window.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import List

from sqlalchemy import Column, DateTime, Index, Integer, String, delete, func, select
from sqlalchemy.orm import Session

from bot.database.base import AssistantBase

SUBJECT_LENGTH = 80


class FailedAttempt(AssistantBase):
    """One failed attempt against one subject."""

    __tablename__ = "failed_attempts"
    __table_args__ = (Index("ix_failed_attempts_subject_time", "subject", "failed_at"),)

    id = Column(Integer, primary_key=True)
    subject = Column(String(SUBJECT_LENGTH), nullable=False)
    failed_at = Column(DateTime, nullable=False, index=True)


def hashed(kind: str, value: str) -> str:
    """A subject for a value that must not be stored as it is (an e-mail, a phone)."""
    return f"{kind}:{hashlib.sha256(f'{kind}:{value}'.encode()).hexdigest()[:64]}"


@dataclass(frozen=True)
class Count:
    """The most failures any subject has in the window, and when the last one was."""

    failures: int
    last_at: datetime | None


def failures(session: Session, subjects: List[str], now: datetime,
             window: timedelta) -> Count:
    """Failures of ``subjects`` in the window before ``now`` (naive UTC)."""
    if not subjects:
        return Count(0, None)
    rows = session.execute(
        select(func.count(), func.max(FailedAttempt.failed_at))
        .where(FailedAttempt.subject.in_(subjects), FailedAttempt.failed_at > now - window)
        .group_by(FailedAttempt.subject)).all()
    return Count(max((count for count, _ in rows), default=0),
                 max((last for _, last in rows), default=None))


def record_failure(session: Session, subjects: List[str], now: datetime,
                   window: timedelta) -> Count:
    """Count one failure of each of ``subjects``; returns the count with it. Failures that
    left the window are deleted on the way."""
    session.execute(delete(FailedAttempt).where(FailedAttempt.failed_at <= now - window))
    session.add_all(FailedAttempt(subject=subject[:SUBJECT_LENGTH], failed_at=now)
                    for subject in subjects)
    session.flush()
    return failures(session, subjects, now, window)
