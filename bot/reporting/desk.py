"""What Asistan's own tables say about a range: handoff tickets and ratings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import List

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from bot.handoff.models import Agent, Ticket
from bot.records.ratings import SatisfactionRating


@dataclass(frozen=True)
class HandoffTimes:
    """One ticket's reason and moments (naive UTC); later moments are None until reached."""

    conversation_id: str
    reason: str
    created_at: datetime
    assigned_at: datetime | None
    resolved_at: datetime | None
    agent_name: str | None = None  # who holds or held it


@dataclass(frozen=True)
class Rating:
    task: str
    score: int
    by_human: bool
    agent_name: str | None = None  # the agent who had the conversation, for a human's rating


def handoffs(session: Session, start: datetime, end: datetime) -> List[HandoffTimes]:
    """Tickets opened in ``[start, end)``."""
    rows = session.execute(
        select(Ticket.conversation_id, Ticket.reason, Ticket.created_at, Ticket.assigned_at,
               Ticket.resolved_at, Agent.display_name)
        .outerjoin(Agent, Ticket.agent_id == Agent.id)
        .where(Ticket.created_at >= start, Ticket.created_at < end)
        .order_by(Ticket.created_at, Ticket.id)
    ).all()
    return [HandoffTimes(*row) for row in rows]


def ratings(session: Session, start: datetime, end: datetime) -> List[Rating]:
    """Ratings given in ``[start, end)``, each marked by who had helped the shopper.

    A rating is the agents' when an agent had taken a ticket of that conversation by the
    time it was given; a ticket taken later, or never, leaves the rating to the bot. The
    agent is the one of the latest ticket taken before the rating.
    """
    taken_before = (Ticket.conversation_id == SatisfactionRating.conversation_id,
                    Ticket.assigned_at.is_not(None),
                    Ticket.assigned_at <= SatisfactionRating.created_at)
    handled = exists().where(*taken_before)
    agent = (select(Agent.display_name).join(Ticket, Ticket.agent_id == Agent.id)
             .where(*taken_before).order_by(Ticket.assigned_at.desc()).limit(1)
             .correlate(SatisfactionRating).scalar_subquery())
    rows = session.execute(
        select(SatisfactionRating.task, SatisfactionRating.score, handled, agent)
        .where(SatisfactionRating.created_at >= start, SatisfactionRating.created_at < end)
        .order_by(SatisfactionRating.id)
    ).all()
    return [Rating(task, score, bool(by_human), name if by_human else None)
            for task, score, by_human, name in rows]
