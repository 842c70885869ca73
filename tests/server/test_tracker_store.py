"""The product's tracker store: Rasa's rows and sessions, commits that do not wait for the disk."""

from __future__ import annotations

import asyncio
import time
from typing import Iterator, List

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from bot.database.engine import Database
from bot.ops.environment import rasa_environment
from bot.server.tracker_store import QuickCommitSQLTrackerStore
from bot.settings import PROJECT_ROOT, get_settings
from tests.server.loop import ticks_during


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "domain.yml"))


@pytest.fixture()
def tracker_url(any_database: Database) -> Iterator[str]:
    """An empty database of each kind, for Rasa's ``events`` table."""
    url = any_database.engine.url.render_as_string(hide_password=False)
    any_database.dispose()
    yield url


def _store(cls: type, url: str, domain: Domain) -> SQLTrackerStore:
    return cls(domain, host=url)


def _turn(text: str, intent: str) -> List[Event]:
    return [UserUttered(text, {"name": intent, "confidence": 0.9}),
            ActionExecuted("action_answer_faq"), BotUttered("Yanıt"),
            ActionExecuted("action_listen")]


def _start() -> List[Event]:
    return [ActionExecuted("action_session_start"), SessionStarted(),
            ActionExecuted("action_listen")]


def _events(store: TrackerStore, sender: str) -> List[Event]:
    tracker = asyncio.run(store.retrieve(sender))
    return list(tracker.events) if tracker else []


def test_the_product_s_endpoints_use_it(tmp_path, monkeypatch, domain) -> None:
    """A class Rasa cannot import would silently become an in-memory store."""
    from rasa.core.tracker_store import create_tracker_store

    settings = get_settings()
    env = rasa_environment(settings, {})
    env["TRACKER_DATABASE_URL"] = f"sqlite:///{tmp_path / 'tracker.db'}"
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = read_endpoint_config(str(PROJECT_ROOT / "endpoints.yml"), "tracker_store")
    store = create_tracker_store(config, domain)
    assert isinstance(getattr(store, "_tracker_store", store), QuickCommitSQLTrackerStore)


def _conversation(store: TrackerStore, sender: str, turns: List[List[Event]],
                  domain: Domain) -> None:
    """Each turn as Rasa takes it: load, add the turn's events, save; then a save of a
    loaded tracker with nothing new."""
    for turn in turns:
        tracker = (asyncio.run(store.retrieve(sender))
                   or DialogueStateTracker(sender, domain.slots))
        for event in turn:
            tracker.update(event)
        asyncio.run(store.save(tracker))
    asyncio.run(store.save(asyncio.run(store.retrieve(sender))))


def _rows(engine: sa.engine.Engine, sender: str) -> List[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text(
            "SELECT type_name, intent_name, action_name, timestamp, data FROM events "
            "WHERE sender_id = :sender ORDER BY id"), {"sender": sender})]


def test_it_writes_and_reads_exactly_what_rasa_does(tracker_url, domain) -> None:
    turns = [_start(), _turn("merhaba", "greet"),
             [*_turn("kargo ücreti ne kadar", "faq"), SlotSet("order_id", "10045821")],
             [*_start(), *_turn("iade etmek istiyorum", "return_request")]]  # a new session
    rasa = _store(SQLTrackerStore, tracker_url, domain)
    ours = _store(QuickCommitSQLTrackerStore, tracker_url, domain)
    _conversation(rasa, "by-rasa", turns, domain)
    _conversation(ours, "by-us", turns, domain)
    written = _rows(ours.engine, "by-us")
    assert len(written) == sum(len(turn) for turn in turns)  # each event once
    assert written == _rows(rasa.engine, "by-rasa")
    assert ("user", "faq", None) in [row[:3] for row in written]
    for store in (rasa, ours):  # the latest session, read through either class
        assert _events(store, "by-us") == _events(rasa, "by-rasa")
        assert [e.type_name for e in _events(store, "by-us")][:2] == ["session_started",
                                                                      "action"]
    ours.engine.dispose()
    rasa.engine.dispose()


def test_commits_do_not_wait_for_the_disk(tracker_url, domain) -> None:
    store = _store(QuickCommitSQLTrackerStore, tracker_url, domain)
    asyncio.run(store.save(DialogueStateTracker.from_events("s3", _start(), domain.slots)))
    with store.engine.connect() as connection:
        if store.engine.dialect.name == "sqlite":
            assert connection.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(sa.text("PRAGMA synchronous")).scalar() == 1  # NORMAL
        else:
            assert connection.execute(sa.text("SHOW synchronous_commit")).scalar() == "off"
    store.engine.dispose()


def _statements(engine: sa.engine.Engine) -> List[str]:
    """Every SQL statement the engine runs from now on."""
    seen: List[str] = []
    sa.event.listen(engine, "before_cursor_execute",
                    lambda _c, _cur, statement, *_: seen.append(statement))
    return seen


def test_a_loaded_tracker_is_saved_without_counting_the_stored_events(tracker_url,
                                                                        domain) -> None:
    store = _store(QuickCommitSQLTrackerStore, tracker_url, domain)
    _conversation(store, "counted", [_start(), _turn("merhaba", "greet")], domain)
    statements = _statements(store.engine)
    tracker = asyncio.run(store.retrieve("counted"))
    for _ in range(2):  # two saves of one tracker, each with new events
        for event in _turn("kargo ücreti ne kadar", "faq"):
            tracker.update(event)
        asyncio.run(store.save(tracker))
    assert not [s for s in statements if "count(" in s.lower()]
    # The latest session is read from its SessionStarted on (the session's first action
    # came just before it).
    assert [e.type_name for e in _events(store, "counted")] == [
        e.type_name for e in _start() + _turn("", "greet") + _turn("", "faq") * 2][1:]
    store.engine.dispose()


def test_every_save_writes_only_what_the_database_lacks(tracker_url, domain) -> None:
    """A copy of a loaded tracker (counted as Rasa counts) and a tracker of every session."""
    store = _store(QuickCommitSQLTrackerStore, tracker_url, domain)
    _conversation(store, "copied", [_start()], domain)
    copy = asyncio.run(store.retrieve("copied")).copy()
    for event in _turn("merhaba", "greet"):
        copy.update(event)
    asyncio.run(store.save(copy))
    whole = asyncio.run(store.retrieve_full_tracker("copied"))
    asyncio.run(store.save(whole))  # nothing new: nothing written
    assert [e.type_name for e in _events(store, "copied")] == [
        e.type_name for e in _start() + _turn("", "greet")][1:]
    store.engine.dispose()


def test_loads_and_saves_leave_the_event_loop_free(tracker_url, domain) -> None:
    """While the database takes its time, the server's other turns go on."""
    store = _store(QuickCommitSQLTrackerStore, tracker_url, domain)
    _conversation(store, "slow", [_start()], domain)
    sa.event.listen(store.engine, "before_cursor_execute", lambda *_: time.sleep(0.2))

    async def turn() -> None:
        tracker = await store.retrieve("slow")
        tracker.update(SlotSet("order_id", "10045821"))
        await store.save(tracker)

    assert asyncio.run(ticks_during(turn())) >= 20  # at least 0.4 s of waiting, ticking
    store.engine.dispose()
