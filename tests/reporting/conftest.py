"""The scenario's stores, on SQLite and on PostgreSQL, and in a running console."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, Tuple

import pytest
from sqlalchemy.engine import Engine, make_url

from bot.database.engine import Database
from bot.settings import Settings
from tests.reporting import scenario
from tests.web.conftest import console  # noqa: F401  (the console fixture, for this folder)


@pytest.fixture()
def stores(any_database: Database, tmp_path: Path) -> Iterator[Tuple[Engine, Database]]:
    """Rasa's tracker store and the shop database, both of one kind, holding the scenario.

    The tracker store is written by the product's `SQLTrackerStore` (in the shop's PostgreSQL
    database when testing PostgreSQL: Rasa's ``events`` table does not clash with ours), and
    read back through the project's engine, as the console and the CLI read it.
    """
    scenario.seed_shop(any_database)
    if any_database.engine.dialect.name == "sqlite":
        store = scenario.sqlite_tracker_store(tmp_path / "tracker.db")
    else:
        store = scenario.postgres_tracker_store(any_database.engine.url.database)
    scenario.write_conversations(store)
    store.engine.dispose()
    tracker = Database(store.engine.url.render_as_string(hide_password=False))
    yield tracker.engine, any_database
    tracker.dispose()


@pytest.fixture(scope="module")
def report_console(request: pytest.FixtureRequest) -> Settings:
    """The agent console (its own seeded store, Rasa down) with the scenario in its stores."""
    settings: Settings = request.getfixturevalue("console")
    shop = Database(settings.database_url)
    scenario.write_shop(shop)
    shop.dispose()
    store = scenario.sqlite_tracker_store(Path(make_url(settings.tracker_database_url).database))
    scenario.write_conversations(store)
    store.engine.dispose()
    return settings
