"""Tables of the agent queue: agents, their console sessions, and handoff tickets.

Asistan's own tables (``bot.database.base``), in the database of ``DATABASE_URL`` like the
demo shop's by default, but never tied to the shop's tables.
"""

from __future__ import annotations

import enum

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import relationship

from bot.database.base import AssistantBase


class TicketStatus(str, enum.Enum):
    WAITING = "waiting"
    ASSIGNED = "assigned"
    RESOLVED = "resolved"
    RETURNED_TO_BOT = "returned_to_bot"


class Agent(AssistantBase):
    __tablename__ = "agents"

    id = Column(Integer, primary_key=True)
    username = Column(String(60), nullable=False, unique=True)
    display_name = Column(String(80), nullable=False)
    password_hash = Column(String(255), nullable=False)
    is_supervisor = Column(Boolean, nullable=False, default=False)
    active = Column(Boolean, nullable=False, default=True)


class AgentSession(AssistantBase):
    """A logged-in console session; the cookie holds only its random token."""

    __tablename__ = "agent_sessions"

    token_hash = Column(String(64), primary_key=True)
    agent_id = Column(ForeignKey("agents.id"), nullable=False, index=True)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(DateTime, nullable=False)
    expires_at = Column(DateTime, nullable=False)

    agent = relationship("Agent")


class Ticket(AssistantBase):
    """One conversation handed to people, with everything the agent needs to start."""

    __tablename__ = "tickets"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(255), nullable=False, index=True)
    channel = Column(String(40), nullable=False)
    # The shop's ids, as the shop backend gave them: no foreign keys, because the shop's
    # data may live in another database or platform altogether.
    customer_id = Column(String(64))
    order_id = Column(String(64))
    reason = Column(String(40), nullable=False)
    priority = Column(Integer, nullable=False)
    status = Column(String(20), nullable=False)
    summary = Column(Text, nullable=False)
    sentiment_trail = Column(Text, nullable=False, default="[]")  # JSON list of labels
    callback_contact = Column(String(254))
    created_at = Column(DateTime, nullable=False)
    assigned_at = Column(DateTime)
    agent_id = Column(ForeignKey("agents.id"))
    resolved_at = Column(DateTime)

    agent = relationship("Agent")

    __table_args__ = (Index("ix_tickets_queue", "status", "priority", "created_at"),)


class TicketNote(AssistantBase):
    """An agent's internal note on a ticket: for colleagues, never sent to the shopper."""

    __tablename__ = "ticket_notes"

    id = Column(Integer, primary_key=True)
    ticket_id = Column(ForeignKey("tickets.id"), nullable=False, index=True)
    agent_id = Column(ForeignKey("agents.id"), nullable=False)
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False)

    agent = relationship("Agent")


class TicketTag(AssistantBase):
    """A word agents file a ticket under ("kargo", "iade"...), to find it again."""

    __tablename__ = "ticket_tags"

    ticket_id = Column(ForeignKey("tickets.id"), primary_key=True)
    tag = Column(String(40), primary_key=True)


class CannedReply(AssistantBase):
    """A prepared answer agents insert and edit; ``{customer_name}``, ``{order_id}`` and
    ``{agent_name}`` are filled in by the console. Supervisors manage them."""

    __tablename__ = "canned_replies"

    id = Column(Integer, primary_key=True)
    title = Column(String(80), nullable=False, unique=True)
    text = Column(Text, nullable=False)
