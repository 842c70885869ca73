"""Failed proofs of ownership, counted where no conversation can reset them.

A shopper proves an order is theirs with its number and its e-mail or phone. Counting
failures in the conversation's slots let anyone start over: a new sender id, ``/restart``
or a new widget session set the count back to 0. Here every failed check is a row per
order tried and per contact tried, in Asistan's own database that every process shares,
and an order or a contact with too many failures in the sliding window is locked for
every conversation on every channel until its failures age out of the window.

Contacts are kept only as a hash (personal data never needs to be read back here); order
numbers are the shop's ids and kept as they are. Rows older than the window are deleted
as new ones come, so the table holds one window's failures at most.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import List

from sqlalchemy import Column, DateTime, Index, Integer, String, delete, func, select
from sqlalchemy.orm import Session

from bot.database.base import AssistantBase


class OwnershipFailure(AssistantBase):
    """One failed check of one subject (an order, or a contact's hash)."""

    __tablename__ = "ownership_failures"
    __table_args__ = (Index("ix_ownership_failures_subject_time", "subject", "failed_at"),)

    id = Column(Integer, primary_key=True)
    subject = Column(String(80), nullable=False)
    failed_at = Column(DateTime, nullable=False, index=True)


def subjects(order_id: str | None, contact_kind: str | None = None,
             contact_value: str | None = None) -> List[str]:
    """What a check counts against: the order tried and the contact tried (hashed)."""
    found = [f"order:{order_id}"[:80]] if order_id else []
    if contact_kind and contact_value:
        digest = hashlib.sha256(f"{contact_kind}:{contact_value}".encode()).hexdigest()
        found.append(f"contact:{digest[:64]}")
    return found


def failures(session: Session, tried: List[str], now: datetime, window: timedelta) -> int:
    """The most failures any of ``tried`` had in the window before ``now`` (naive UTC)."""
    if not tried:
        return 0
    counts = session.execute(
        select(func.count()).select_from(OwnershipFailure)
        .where(OwnershipFailure.subject.in_(tried), OwnershipFailure.failed_at > now - window)
        .group_by(OwnershipFailure.subject)).scalars().all()
    return max(counts, default=0)


def record_failure(session: Session, tried: List[str], now: datetime,
                   window: timedelta) -> int:
    """Count one failed check of ``tried``; returns the failures now counted (as
    :func:`failures`). Failures that left the window are deleted on the way."""
    session.execute(delete(OwnershipFailure).where(OwnershipFailure.failed_at <= now - window))
    session.add_all(OwnershipFailure(subject=subject, failed_at=now) for subject in tried)
    session.flush()
    return failures(session, tried, now, window)
