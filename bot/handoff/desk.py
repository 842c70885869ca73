"""What agents keep around a ticket: internal notes, tags, prepared answers; and how they
find tickets again: finished ones, a customer's earlier ones, a search.

The search reads what Asistan stores itself (the ticket's summary with the shopper's last
words masked, order and customer ids, tags, notes): transcripts stay in Rasa's tracker
store and are read one conversation at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Dict, List, Sequence

import yaml
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from bot.handoff.models import CannedReply, Ticket, TicketNote, TicketStatus, TicketTag
from bot.handoff.queue import TicketView, ticket_view
from bot.text.turkish import turkish_lower

DEMO_CANNED = Path(__file__).parent / "data" / "canned_replies.yml"
FINISHED = (TicketStatus.RESOLVED.value, TicketStatus.RETURNED_TO_BOT.value)
MAX_TAGS = 10
MAX_TAG = 40
MAX_NOTE = 4000
MAX_TITLE = 80


@dataclass(frozen=True)
class NoteView:
    id: int
    ticket_id: int
    agent_name: str
    text: str
    created_at: datetime


@dataclass(frozen=True)
class CannedView:
    id: int
    title: str
    text: str


def add_note(session: Session, ticket_id: int, agent_id: int, text: str,
             now: datetime) -> NoteView:
    note = TicketNote(ticket_id=ticket_id, agent_id=agent_id, text=text[:MAX_NOTE],
                      created_at=now)
    session.add(note)
    session.flush()
    return NoteView(note.id, ticket_id, note.agent.display_name, note.text, now)


def notes(session: Session, ticket_id: int) -> List[NoteView]:
    query = select(TicketNote).where(TicketNote.ticket_id == ticket_id).order_by(TicketNote.id)
    return [NoteView(n.id, n.ticket_id, n.agent.display_name, n.text, n.created_at)
            for n in session.execute(query).scalars()]


def clean_tags(raw: Sequence[str]) -> List[str]:
    """Lower-case (Turkish rules), trimmed, unique, in the given order; ``MAX_TAGS`` at most."""
    tags: List[str] = []
    for tag in raw:
        cleaned = turkish_lower(" ".join(str(tag).split()))[:MAX_TAG]
        if cleaned and cleaned not in tags:
            tags.append(cleaned)
    return tags[:MAX_TAGS]


def set_tags(session: Session, ticket_id: int, raw: Sequence[str]) -> List[str]:
    tags = clean_tags(raw)
    session.execute(delete(TicketTag).where(TicketTag.ticket_id == ticket_id))
    session.add_all(TicketTag(ticket_id=ticket_id, tag=tag) for tag in tags)
    return sorted(tags)  # as `tags_of` reads them


def tags_of(session: Session, ticket_ids: Sequence[int]) -> Dict[int, List[str]]:
    found: Dict[int, List[str]] = {ticket_id: [] for ticket_id in ticket_ids}
    if ticket_ids:
        query = select(TicketTag).where(TicketTag.ticket_id.in_(ticket_ids)).order_by(
            TicketTag.tag)
        for row in session.execute(query).scalars():
            found[row.ticket_id].append(row.tag)
    return found


def canned_replies(session: Session) -> List[CannedView]:
    query = select(CannedReply).order_by(CannedReply.title)
    return [CannedView(c.id, c.title, c.text) for c in session.execute(query).scalars()]


def save_canned(session: Session, canned_id: int | None, title: str, text: str,
                ) -> CannedView | None:
    """Create (``canned_id`` None) or change a prepared answer; None if there is no such one."""
    reply = CannedReply() if canned_id is None else session.get(CannedReply, canned_id)
    if reply is None:
        return None
    reply.title, reply.text = title[:MAX_TITLE], text[:MAX_NOTE]
    session.add(reply)
    session.flush()
    return CannedView(reply.id, reply.title, reply.text)


def delete_canned(session: Session, canned_id: int) -> bool:
    return session.execute(delete(CannedReply).where(CannedReply.id == canned_id)).rowcount > 0


def title_taken(session: Session, title: str, canned_id: int | None) -> bool:
    query = select(CannedReply.id).where(CannedReply.title == title[:MAX_TITLE])
    found = session.execute(query).scalar_one_or_none()
    return found is not None and found != canned_id


def seed_demo_canned(session: Session) -> None:
    """The demo's prepared answers, once (a shop's own edits are never overwritten)."""
    if session.execute(select(func.count(CannedReply.id))).scalar_one():
        return
    for entry in yaml.safe_load(DEMO_CANNED.read_text("utf-8")):
        session.add(CannedReply(title=entry["title"], text=entry["text"]))


def finished(session: Session, limit: int = 50) -> List[TicketView]:
    """Resolved and handed-back tickets, the latest first."""
    query = (select(Ticket).where(Ticket.status.in_(FINISHED))
             .order_by(Ticket.resolved_at.desc(), Ticket.id.desc()).limit(limit))
    return [ticket_view(t) for t in session.execute(query).scalars()]


def history(session: Session, ticket: TicketView, limit: int = 20) -> List[TicketView]:
    """The customer's other tickets (same customer, or the same conversation), latest first."""
    same = [Ticket.conversation_id == ticket.conversation_id]
    if ticket.customer_id:
        same.append(Ticket.customer_id == ticket.customer_id)
    query = (select(Ticket).where(or_(*same), Ticket.id != ticket.id)
             .order_by(Ticket.id.desc()).limit(limit))
    return [ticket_view(t) for t in session.execute(query).scalars()]


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search(session: Session, text: str, limit: int = 50) -> List[TicketView]:
    """Tickets whose order, customer, conversation, summary, tags or notes contain ``text``
    (case-insensitive), the latest first."""
    needle = _like(turkish_lower(" ".join(text.split())))
    tagged = select(TicketTag.ticket_id).where(func.lower(TicketTag.tag).like(needle, "\\"))
    noted = select(TicketNote.ticket_id).where(func.lower(TicketNote.text).like(needle, "\\"))
    query = (select(Ticket).where(or_(
        func.lower(Ticket.order_id).like(needle, "\\"),
        func.lower(Ticket.customer_id).like(needle, "\\"),
        func.lower(Ticket.conversation_id).like(needle, "\\"),
        func.lower(Ticket.summary).like(needle, "\\"),
        Ticket.id.in_(tagged), Ticket.id.in_(noted),
    )).order_by(Ticket.id.desc()).limit(limit))
    return [ticket_view(t) for t in session.execute(query).scalars()]
