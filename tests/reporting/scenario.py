"""Three days of a shop, written into real stores, with every figure of its report known.

Shop-local days 18-20 March 2024 in Istanbul (UTC+3). Conversations go into the product's
tracker store (Rasa's `SQLTrackerStore`, `bot/server/tracker_store.py`) as real events, and
through the product's event broker into the shop database's analytics table; tickets,
ratings and orders go into the seeded shop database through the models. Around the range
sit events just before its first moment and just after its last, which no figure may count.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import List, Tuple
from zoneinfo import ZoneInfo

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import select

from bot.database.engine import Database
from bot.handoff.models import Agent, Ticket
from bot.records.ratings import SatisfactionRating
from bot.schema import seed_demo
from bot.server.broker import StoreEventBroker
from bot.server.tracker_store import QuickCommitSQLTrackerStore
from bot.settings import PROJECT_ROOT
from bot.store.models import Customer, Order

TZ = ZoneInfo("Europe/Istanbul")
FIRST, LAST = date(2024, 3, 18), date(2024, 3, 20)
SEEDED_ON = date(2024, 3, 15)  # every seeded order is placed before FIRST


def local(day: int, hour: int, minute: int) -> datetime:
    """A moment of March 2024 in Istanbul, as the naive UTC the shop database keeps."""
    moment = datetime(2024, 3, day, hour, minute, tzinfo=TZ)
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


@dataclass(frozen=True)
class Turn:
    at: datetime
    text: str
    intent: str
    action: str


@dataclass(frozen=True)
class Conversation:
    sender_id: str
    turns: Tuple[Turn, ...]
    external_at: Tuple[datetime, ...] = field(default=())  # console-triggered intents


def _turn(day: int, hour: int, minute: int, text: str, intent: str, action: str) -> Turn:
    return Turn(local(day, hour, minute), text, intent, action)


CONVERSATIONS = (
    Conversation("c1-two-days", (
        _turn(18, 10, 0, "siparişim nerede", "order_status", "action_order_status"),
        _turn(19, 9, 0, "kargom nerede kaldı", "order_status", "action_order_status"))),
    Conversation("c2-first-minutes", (
        _turn(18, 0, 0, "merhaba", "greet", "utter_greet"),  # the range's first moment
        _turn(18, 0, 1, "asdfgh qwe", "nlu_fallback", "action_fallback"),
        _turn(18, 0, 2, "iade etmek istiyorum", "return_request", "return_form"))),
    Conversation("c3-agent-helped", (
        _turn(19, 14, 0, "ayse.yilmaz@example.com adresime fatura gelmedi", "faq",
              "action_fallback"),
        _turn(19, 14, 1, "temsilci istiyorum", "human_handoff", "action_handoff")),
        external_at=(local(19, 14, 27),)),
    Conversation("c4-angry", (
        _turn(19, 16, 0, "rezalet bir hizmet", "complaint", "action_calm_apology"),)),
    Conversation("c5-last-minutes", (
        _turn(20, 23, 30, "asdfgh qwe", "nlu_fallback", "action_fallback"),
        _turn(20, 23, 31, "0532 111 22 33 beni arayın", "nlu_fallback", "action_fallback"))),
    Conversation("c8-cancel", (
        _turn(20, 9, 0, "siparişimi iptal et", "cancel_order", "cancel_form"),
        _turn(20, 9, 1, "10045821", "inform", "cancel_form"),
        _turn(20, 9, 2, "evet", "affirm", "action_cancel_order"),
        _turn(20, 9, 3, "hayır başka yok", "deny", "utter_goodbye"))),
    # Outside the range, or not a shopper at all: no figure may count these.
    Conversation("c6-day-before", (
        _turn(17, 23, 50, "önceki gün", "nlu_fallback", "action_fallback"),)),
    Conversation("c7-day-after", (
        _turn(21, 0, 0, "sonraki gün", "nlu_fallback", "action_fallback"),)),  # first after
    Conversation("c9-console-only", (), external_at=(local(19, 10, 0),)),
)


@dataclass(frozen=True)
class Handoff:
    conversation_id: str
    reason: str
    status: str
    created_at: datetime
    assigned_at: datetime | None = None
    resolved_at: datetime | None = None


HANDOFFS = (
    Handoff("c3-agent-helped", "asked_for_human", "resolved", local(19, 14, 2),
            local(19, 14, 7), local(19, 14, 27)),          # waited 5, handled 20
    Handoff("c4-angry", "angry", "returned_to_bot", local(19, 16, 1),
            local(19, 16, 4), local(19, 16, 14)),          # waited 3, handled 10
    Handoff("c4-angry", "frustration", "assigned", local(19, 16, 30),
            local(19, 16, 42)),                            # waited 12, still open
    Handoff("c5-last-minutes", "frustration", "waiting", local(20, 23, 32)),
    Handoff("c8-cancel", "sensitive", "resolved", local(20, 9, 1),
            local(20, 9, 10), local(20, 9, 40)),           # waited 9, handled 30
    # Opened at the range's first moment, for a conversation whose messages were all before.
    Handoff("c6-day-before", "angry", "resolved", local(18, 0, 0),
            local(18, 0, 1), local(18, 0, 3)),             # waited 1, handled 2
    Handoff("c7-day-after", "angry", "waiting", local(21, 0, 0)),
)

RATINGS = (  # conversation, task, score, given at
    ("c1-two-days", "order_status", 5, local(18, 10, 5)),      # bot: no ticket
    ("c3-agent-helped", "human", 4, local(19, 14, 28)),        # human: taken at 14:07
    ("c4-angry", "order_status", 2, local(19, 16, 20)),        # human: taken at 16:04
    ("c8-cancel", "cancel_order", 3, local(20, 9, 5)),         # bot: taken only at 09:10
    ("c6-day-before", "order_status", 1, local(17, 23, 59)),
    ("c7-day-after", "order_status", 1, local(21, 0, 0)),
)

# Twelve orders in the range (two at its edges) and two just outside it.
ORDERS_PLACED = ([local(18, 0, 0), local(20, 23, 59)]
                 + [local(19, 12, minute) for minute in range(10)]
                 + [local(17, 23, 59), local(21, 0, 0)])


@cache
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "domain.yml"))


def _events(conversation: Conversation) -> List[Event]:
    events: List[Event] = []
    for turn in conversation.turns:
        stamp = turn.at.replace(tzinfo=timezone.utc).timestamp()
        intent = {"name": turn.intent, "confidence": 0.9}
        events += [
            UserUttered(turn.text, intent, parse_data={"intent": intent, "entities": [],
                                                       "text": turn.text}, timestamp=stamp),
            ActionExecuted(turn.action, timestamp=stamp + 1),
            BotUttered("...", timestamp=stamp + 1),
            ActionExecuted("action_listen", timestamp=stamp + 2),
        ]
    for moment in conversation.external_at:
        external = UserUttered.create_external("EXTERNAL_handoff_resolved")
        external.timestamp = moment.replace(tzinfo=timezone.utc).timestamp()
        events.append(external)
    return events


def write_conversations(store: QuickCommitSQLTrackerStore) -> None:
    async def write() -> None:
        for conversation in CONVERSATIONS:
            await store.save(DialogueStateTracker.from_events(
                conversation.sender_id, _events(conversation), domain().slots))
        await store.event_broker.close()  # every event in the analytics table

    asyncio.run(write())


def sqlite_tracker_store(path: Path, shop: Database) -> QuickCommitSQLTrackerStore:
    return QuickCommitSQLTrackerStore(domain(), dialect="sqlite", db=str(path),
                                      event_broker=StoreEventBroker(shop))


def postgres_tracker_store(database_name: str, shop: Database) -> QuickCommitSQLTrackerStore:
    return QuickCommitSQLTrackerStore(domain(), dialect="postgresql", host="127.0.0.1",
                                      port=5432, db=database_name, username="postgres",
                                      event_broker=StoreEventBroker(shop))


def write_shop(database: Database) -> None:
    """The scenario's tickets, ratings and orders, into a seeded shop database."""
    with database.unit_of_work() as session:
        agent_id = session.execute(select(Agent.id).where(Agent.username == "temsilci")
                                   ).scalar_one()
        customer_id = session.execute(select(Customer.id).order_by(Customer.id)).scalars().first()
        session.add_all(Ticket(conversation_id=h.conversation_id, channel="rest",
                               reason=h.reason, priority=1, status=h.status, summary="{}",
                               sentiment_trail="[]", created_at=h.created_at,
                               assigned_at=h.assigned_at, resolved_at=h.resolved_at,
                               agent_id=agent_id if h.assigned_at else None)
                        for h in HANDOFFS)
        session.add_all(SatisfactionRating(conversation_id=conversation, task=task, score=score,
                                           created_at=at)
                        for conversation, task, score, at in RATINGS)
        session.add_all(Order(id=90000001 + n, customer_id=customer_id, status="preparing",
                              placed_at=at, subtotal=Decimal("100"), shipping_fee=Decimal("0"),
                              total=Decimal("100"), payment_method="credit_card",
                              shipping_address="Test Mah. 1, İstanbul")
                        for n, at in enumerate(ORDERS_PLACED))


def seed_shop(database: Database) -> None:
    seed_demo(database, SEEDED_ON, TZ)
    write_shop(database)
