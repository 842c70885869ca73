"""KVKK: retention and erasure on request, on SQLite and PostgreSQL (bot/privacy.py)."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta, timezone
from typing import List

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import privacy
from bot.cli import main
from bot.database.engine import Database
from bot.handoff import queue
from bot.handoff.models import Ticket
from bot.records.ratings import SatisfactionRating, record_rating
from bot.reporting.conversations import ShopperMessageRow
from bot.schema import create_schema
from bot.settings import PROJECT_ROOT

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
OLD = (NOW - timedelta(days=400)).timestamp()
RECENT = (NOW - timedelta(days=3)).timestamp()
RETENTION = timedelta(days=180)
WHATSAPP, AYSE, WIDGET, MEHMET = ("905321112233", "rest:ayse-1",
                                  "0123456789abcdef0123456789abcdef", "rest:mehmet-1")


def turn(text: str, at: float, contact: str | None = None,
         metadata: dict | None = None) -> List[Event]:
    events: List[Event] = [UserUttered(text, {"name": "inform", "confidence": 0.9},
                                       [{"entity": "email", "value": text}], timestamp=at,
                                       metadata=metadata)]
    if contact:
        events.append(SlotSet("contact", contact, timestamp=at))
    events.append(BotUttered(f"{text} için siparişiniz", {"buttons": [
        {"title": "10045821", "payload": '/inform{"order_id":"10045821"}'}]}, timestamp=at))
    return events


@pytest.fixture()
def stores(any_database: Database):
    url = any_database.engine.url.render_as_string(hide_password=False)
    tracker_store = SQLTrackerStore(Domain.load(str(PROJECT_ROOT / "domain.yml")), host=url)
    conversations = {
        WHATSAPP: turn("merhaba, numaram 0532 111 22 33", OLD, "5321112233",
                       {"whatsapp_phone": WHATSAPP}),
        AYSE: turn("ayse.yilmaz@example.com", RECENT, "ayse.yilmaz@example.com"),
        WIDGET: turn("kargo ücreti ne kadar", OLD),
        MEHMET: turn("mehmet.demir@example.com", RECENT, "mehmet.demir@example.com"),
    }
    for sender, events in conversations.items():
        asyncio.run(tracker_store.save(DialogueStateTracker.from_events(sender, events)))
    tracker_store.engine.dispose()
    create_schema(any_database)
    naive = NOW.replace(tzinfo=None)
    with any_database.unit_of_work() as session:
        for sender, status_open in ((WHATSAPP, False), (WIDGET, True)):
            ticket, _ = queue.open_ticket(
                session, conversation_id=sender, channel="whatsapp", reason="asked_for_human",
                summary=json.dumps({"intents": ["x"], "last_message": "numaram *** 33"}),
                sentiment_trail=[], now=naive - timedelta(days=400), customer_id="1",
                order_id="10045821")
            row = session.get(Ticket, ticket.id)
            row.callback_contact = "0532 111 22 33"
            if not status_open:
                row.status = "resolved"
        session.add(ShopperMessageRow(sender_id=WHATSAPP, timestamp=OLD, intent="inform",
                                      text="merhaba, numaram 0532 111 22 33"))
        record_rating(session, WHATSAPP, "order_status", 5, naive)
    return any_database


def rows(database: Database) -> List[tuple]:
    with database.unit_of_work() as session:
        return [tuple(r) for r in session.execute(
            sa.select(privacy.EVENTS.c.sender_id, privacy.EVENTS.c.data))]


def test_expired_conversations_lose_their_personal_data(stores: Database) -> None:
    assert privacy.erase_expired(stores, stores, RETENTION, NOW) == 1  # the widget's is open
    kept = rows(stores)
    senders = {sender for sender, _ in kept}
    assert WHATSAPP not in senders and {AYSE, WIDGET, MEHMET} <= senders
    erased = [json.loads(data) for sender, data in kept
              if sender == privacy.erased_id(WHATSAPP)]
    assert erased and all("0532" not in json.dumps(e) and "5321112233" not in json.dumps(e)
                          and "merhaba" not in json.dumps(e) for e in erased)
    assert any(e["event"] == "user" and e["parse_data"]["intent"]["name"] == "inform"
               for e in erased)  # what the report counts stays
    with stores.unit_of_work() as session:
        tickets = {t.conversation_id: t for t in session.execute(sa.select(Ticket)).scalars()}
        gone = tickets[privacy.erased_id(WHATSAPP)]
        assert gone.callback_contact is None and "last_message" not in gone.summary
        assert gone.order_id == "10045821"
        assert tickets[WIDGET].callback_contact == "0532 111 22 33"  # with people: kept
        message = session.execute(sa.select(ShopperMessageRow)).scalar_one()
        assert (message.sender_id, message.text) == (privacy.erased_id(WHATSAPP), "")
        assert session.execute(sa.select(SatisfactionRating.conversation_id)).scalar_one() \
            == privacy.erased_id(WHATSAPP)
    assert privacy.erase_expired(stores, stores, RETENTION, NOW) == 0  # nothing twice


def test_a_person_is_forgotten_on_request_whatever_the_age(stores: Database) -> None:
    assert privacy.forget_contact(stores, stores, "AYSE.Yilmaz@example.com ") == 1
    assert privacy.forget_contact(stores, stores, "+90 532 111 2233") == 2  # WhatsApp, ticket
    senders = {sender for sender, _ in rows(stores)}
    assert senders == {MEHMET, privacy.erased_id(AYSE), privacy.erased_id(WHATSAPP),
                       privacy.erased_id(WIDGET)}
    text = json.dumps(rows(stores))
    for secret in ("ayse.yilmaz", "5321112233", "0532 111 22 33"):
        assert secret not in text
    assert "mehmet.demir@example.com" in text
    with pytest.raises(ValueError):
        privacy.forget_contact(stores, stores, "not a contact")


def test_the_command_refuses_what_is_no_contact(capsys: pytest.CaptureFixture) -> None:
    assert main(["forget", "--contact", "ayse"]) == 2
    assert "--contact" in capsys.readouterr().out
