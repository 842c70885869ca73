"""Today's numbers for the console's dashboard: queue, waits, handoff rate and CSAT."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Dict

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.handoff.models import Ticket, TicketStatus
from bot.records.ratings import SatisfactionRating
from bot.reporting.conversations import count_conversations
from bot.reporting.report import median_minutes


@dataclass(frozen=True)
class Dashboard:
    waiting: int
    handed_off_today: int
    median_wait_minutes: float | None
    conversations_today: int | None
    handoff_rate: float | None
    csat_today: float | None

    def as_dict(self) -> Dict[str, Any]:
        return asdict(self)


def conversations_since(engine: Engine, since: datetime) -> int | None:
    """Distinct conversations with a shopper message since ``since``, as the report counts
    (from the store database's analytics table, by its index on time).

    None when it cannot be read: the dashboard then shows a dash instead of failing as a
    whole.
    """
    try:
        return count_conversations(engine, since)
    except SQLAlchemyError:
        return None


def dashboard(session: Session, start_of_day_utc: datetime,
              conversations: int | None) -> Dashboard:
    waiting = session.execute(select(func.count(Ticket.id)).where(
        Ticket.status == TicketStatus.WAITING.value)).scalar_one()
    today = session.execute(select(Ticket.created_at, Ticket.assigned_at).where(
        Ticket.created_at >= start_of_day_utc)).all()
    csat = session.execute(select(func.avg(SatisfactionRating.score)).where(
        SatisfactionRating.created_at >= start_of_day_utc)).scalar()
    return Dashboard(
        waiting=waiting,
        handed_off_today=len(today),
        median_wait_minutes=median_minutes(today),
        conversations_today=conversations,
        handoff_rate=round(len(today) / conversations, 3) if conversations else None,
        csat_today=round(float(csat), 2) if csat is not None else None,
    )
