"""The agent queue: opening tickets, queue positions, expected waits, claims and resolution.

A conversation has at most one open ticket: asking for a human again returns the same
ticket and its current place. Claims are one conditional UPDATE, so two agents clicking at
once cannot both win. Expected waits come from how long recent tickets actually waited.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import List, Sequence, Tuple

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from bot.handoff import reasons
from bot.handoff.models import Agent, Ticket, TicketStatus

OPEN = (TicketStatus.WAITING.value, TicketStatus.ASSIGNED.value)
WAIT_HISTORY = timedelta(days=7)
MIN_WAIT_SAMPLES = 3


@dataclass(frozen=True)
class TicketView:
    id: int
    conversation_id: str
    channel: str
    customer_id: str | None
    order_id: str | None
    reason: str
    priority: int
    status: str
    summary: str
    sentiment_trail: Tuple[str, ...]
    callback_contact: str | None
    created_at: datetime
    assigned_at: datetime | None
    agent_id: int | None
    agent_name: str | None
    resolved_at: datetime | None = None


def ticket_view(ticket: Ticket) -> TicketView:
    return TicketView(
        id=ticket.id, conversation_id=ticket.conversation_id, channel=ticket.channel,
        customer_id=ticket.customer_id, order_id=ticket.order_id, reason=ticket.reason,
        priority=ticket.priority, status=ticket.status, summary=ticket.summary,
        sentiment_trail=tuple(json.loads(ticket.sentiment_trail or "[]")),
        callback_contact=ticket.callback_contact, created_at=ticket.created_at,
        assigned_at=ticket.assigned_at, agent_id=ticket.agent_id,
        agent_name=ticket.agent.display_name if ticket.agent else None,
        resolved_at=ticket.resolved_at,
    )


def open_ticket_of(session: Session, conversation_id: str) -> TicketView | None:
    ticket = session.execute(
        select(Ticket).where(Ticket.conversation_id == conversation_id,
                             Ticket.status.in_(OPEN)).order_by(Ticket.id.desc())
    ).scalars().first()
    return ticket_view(ticket) if ticket else None


def open_ticket(
    session: Session,
    *,
    conversation_id: str,
    channel: str,
    reason: str,
    summary: str,
    sentiment_trail: Sequence[str],
    now: datetime,
    customer_id: str | None = None,
    order_id: str | None = None,
) -> Tuple[TicketView, bool]:
    """The conversation's open ticket, created if there is none; and whether it was created.

    A second request while one is open raises its priority if the new reason is more urgent.
    """
    priority = reasons.priority(reason)
    existing = session.execute(
        select(Ticket).where(Ticket.conversation_id == conversation_id,
                             Ticket.status.in_(OPEN)).with_for_update()
    ).scalars().first()
    if existing is not None:
        if priority > existing.priority:
            existing.priority, existing.reason = priority, reason
        return ticket_view(existing), False
    ticket = Ticket(
        conversation_id=conversation_id, channel=channel, customer_id=customer_id,
        order_id=order_id, reason=reason, priority=priority,
        status=TicketStatus.WAITING.value, summary=summary,
        sentiment_trail=json.dumps(list(sentiment_trail)), created_at=now,
    )
    session.add(ticket)
    session.flush()
    return ticket_view(ticket), True


def waiting(session: Session) -> List[TicketView]:
    """Waiting tickets in the order agents should take them: most urgent, then oldest."""
    query = (select(Ticket).where(Ticket.status == TicketStatus.WAITING.value)
             .order_by(Ticket.priority.desc(), Ticket.created_at, Ticket.id))
    return [ticket_view(t) for t in session.execute(query).scalars()]


def assigned_to(session: Session, agent_id: int) -> List[TicketView]:
    query = (select(Ticket).where(Ticket.status == TicketStatus.ASSIGNED.value,
                                  Ticket.agent_id == agent_id).order_by(Ticket.assigned_at))
    return [ticket_view(t) for t in session.execute(query).scalars()]


def get_ticket(session: Session, ticket_id: int) -> TicketView | None:
    ticket = session.get(Ticket, ticket_id)
    return ticket_view(ticket) if ticket else None


def position(session: Session, ticket: TicketView) -> int:
    """1 for the next ticket an agent will take; 0 when it is no longer waiting."""
    if ticket.status != TicketStatus.WAITING.value:
        return 0
    ahead = session.execute(
        select(func.count(Ticket.id)).where(
            Ticket.status == TicketStatus.WAITING.value,
            or_(Ticket.priority > ticket.priority,
                and_(Ticket.priority == ticket.priority,
                     or_(Ticket.created_at < ticket.created_at,
                         and_(Ticket.created_at == ticket.created_at, Ticket.id < ticket.id)))),
        )
    ).scalar_one()
    return ahead + 1


def expected_wait(session: Session, place: int, now: datetime) -> timedelta | None:
    """The median wait of recently taken tickets times the place in the queue.

    None when there is too little history to say anything honest.
    """
    rows = session.execute(
        select(Ticket.created_at, Ticket.assigned_at).where(
            Ticket.assigned_at.is_not(None), Ticket.assigned_at >= now - WAIT_HISTORY)
    ).all()
    waits = [(assigned - created).total_seconds() for created, assigned in rows]
    if len(waits) < MIN_WAIT_SAMPLES:
        return None
    return timedelta(seconds=statistics.median(waits) * max(place, 1))


def claim(session: Session, ticket_id: int, agent_id: int, now: datetime) -> bool:
    """Assign a waiting ticket to the agent; False if someone else was faster."""
    result = session.execute(
        update(Ticket)
        .where(Ticket.id == ticket_id, Ticket.status == TicketStatus.WAITING.value)
        .values(status=TicketStatus.ASSIGNED.value, agent_id=agent_id, assigned_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _finish(session: Session, ticket_id: int, agent_id: int, status: TicketStatus,
            now: datetime) -> bool:
    result = session.execute(
        update(Ticket)
        .where(Ticket.id == ticket_id, Ticket.status == TicketStatus.ASSIGNED.value,
               Ticket.agent_id == agent_id)
        .values(status=status.value, resolved_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def resolve(session: Session, ticket_id: int, agent_id: int, now: datetime) -> bool:
    """The agent solved it; only the assigned agent can."""
    return _finish(session, ticket_id, agent_id, TicketStatus.RESOLVED, now)


def return_to_bot(session: Session, ticket_id: int, agent_id: int, now: datetime) -> bool:
    """The agent hands the conversation back to the bot without a resolution."""
    return _finish(session, ticket_id, agent_id, TicketStatus.RETURNED_TO_BOT, now)


def transfer(session: Session, ticket_id: int, from_agent: int, to_agent: int) -> bool:
    """Give an assigned ticket to another active agent."""
    target = session.get(Agent, to_agent)
    if target is None or not target.active:
        return False
    result = session.execute(
        update(Ticket)
        .where(Ticket.id == ticket_id, Ticket.status == TicketStatus.ASSIGNED.value,
               Ticket.agent_id == from_agent)
        .values(agent_id=to_agent)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def raise_priority(session: Session, conversation_id: str, reason: str) -> bool:
    """Give the open ticket a more urgent reason ("sensitive" for a legal threat written while
    waiting), as a second request would; a less urgent one changes nothing."""
    result = session.execute(
        update(Ticket)
        .where(Ticket.conversation_id == conversation_id, Ticket.status.in_(OPEN),
               Ticket.priority < reasons.priority(reason))
        .values(priority=reasons.priority(reason), reason=reason)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount > 0


def leave_callback(session: Session, conversation_id: str, contact: str) -> bool:
    """Keep the shopper's e-mail or phone on their open ticket for a call back."""
    result = session.execute(
        update(Ticket)
        .where(Ticket.conversation_id == conversation_id, Ticket.status.in_(OPEN))
        .values(callback_contact=contact)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount > 0
