"""Tables of the agent queue: agents, their console sessions, and handoff tickets.

They share the store's metadata (and so its database by default), so one unit of work can
read a ticket together with the customer's orders.
"""

from __future__ import annotations

import enum

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import relationship

from bot.store.models import Base


class TicketStatus(str, enum.Enum):
    WAITING = "waiting"
    ASSIGNED = "assigned"
    RESOLVED = "resolved"
    RETURNED_TO_BOT = "returned_to_bot"


class Agent(Base):
    __tablename__ = "agents"

    id = Column(Integer, primary_key=True)
    username = Column(String(60), nullable=False, unique=True)
    display_name = Column(String(80), nullable=False)
    password_hash = Column(String(255), nullable=False)
    is_supervisor = Column(Boolean, nullable=False, default=False)
    active = Column(Boolean, nullable=False, default=True)


class AgentSession(Base):
    """A logged-in console session; the cookie holds only its random token."""

    __tablename__ = "agent_sessions"

    token_hash = Column(String(64), primary_key=True)
    agent_id = Column(ForeignKey("agents.id"), nullable=False, index=True)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(DateTime, nullable=False)
    expires_at = Column(DateTime, nullable=False)

    agent = relationship("Agent")


class Ticket(Base):
    """One conversation handed to people, with everything the agent needs to start."""

    __tablename__ = "tickets"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(255), nullable=False, index=True)
    channel = Column(String(40), nullable=False)
    customer_id = Column(ForeignKey("customers.id"))
    order_id = Column(ForeignKey("orders.id"))
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
