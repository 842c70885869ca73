"""Helpers to run actions on real `rasa_sdk` trackers against the seeded store."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.settings import PROJECT_ROOT

DOMAIN: Dict[str, Any] = yaml.safe_load(Path(PROJECT_ROOT / "domain.yml").read_text("utf-8"))


def initial_slots() -> Dict[str, Any]:
    slots: Dict[str, Any] = {}
    for name, spec in DOMAIN["slots"].items():
        slots[name] = spec.get("initial_value")
    slots["requested_slot"] = None
    return slots


def make_tracker(
    slots: Dict[str, Any] | None = None,
    new_slots: Dict[str, Any] | None = None,
    text: str = "",
    intent: str = "inform",
    active_loop: str | None = None,
    response_selector: Dict[str, Any] | None = None,
    history: List[Dict[str, Any]] | None = None,
    metadata: Dict[str, Any] | None = None,
    entities: List[Dict[str, Any]] | None = None,
) -> Tracker:
    """A tracker whose last user message set ``new_slots`` (what forms validate)."""
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.99},
              "entities": entities or [],
              "metadata": metadata or {}}
    if response_selector is not None:
        latest["response_selector"] = response_selector
    events = list(history or [])
    events.append({"event": "user", "text": text, "parse_data": latest})
    events += [{"event": "slot", "name": k, "value": v} for k, v in (new_slots or {}).items()]
    return Tracker(
        sender_id="test-shopper",
        slots={**initial_slots(), **(slots or {}), **(new_slots or {})},
        latest_message=latest,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


class Run:
    """The result of one action run: its events and what the bot said."""

    def __init__(self, events: List[Dict[str, Any]], dispatcher: Any) -> None:
        self.events = events
        self.messages = dispatcher.messages

    @property
    def responses(self) -> List[str]:
        return [m.get("response") for m in self.messages]

    def slots(self) -> Dict[str, Any]:
        return {e["name"]: e["value"] for e in self.events if e.get("event") == "slot"}


def run_action(action: Any, tracker: Tracker) -> Run:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    return Run(events, dispatcher)


@pytest.fixture(autouse=True)
def _store(seeded_database):
    """Every action test talks to the seeded store, with no failed ownership checks left
    by another test (they count across conversations, so they would lock its orders)."""
    from sqlalchemy import delete

    from bot.database.attempts import FailedAttempt

    with seeded_database.unit_of_work() as session:
        session.execute(delete(FailedAttempt))
    return seeded_database


@pytest.fixture()
def private_store(tmp_path, monkeypatch):
    """A freshly seeded store of this test's own, for actions that change data."""
    from datetime import datetime

    from bot.database.engine import Database
    from bot.schema import seed_demo
    from bot.settings import get_settings

    settings = get_settings()
    database = Database(f"sqlite:///{tmp_path / 'store.db'}")
    seed_demo(database, datetime.now(settings.timezone).date(), settings.timezone)
    use_store(monkeypatch, database)
    yield database
    database.dispose()


def use_store(monkeypatch: pytest.MonkeyPatch, database: Any) -> None:
    """Point actions at ``database``: as the shop backend and as Asistan's own tables."""
    import actions.common
    from bot.store.backend import SqlShopBackend

    backend = SqlShopBackend(database)
    monkeypatch.setattr(actions.common, "get_shop", lambda: backend)
    monkeypatch.setattr(actions.common, "get_database", lambda: database)
