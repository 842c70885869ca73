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
    """The shop database holding the scenario, with its analytics table fed as the product
    feeds it: Rasa's tracker store (of the same kind: in the shop's PostgreSQL database when
    testing PostgreSQL, Rasa's ``events`` table does not clash with ours) saves the
    conversations and publishes their events to the product's event broker.
    """
    scenario.seed_shop(any_database)
    if any_database.engine.dialect.name == "sqlite":
        store = scenario.sqlite_tracker_store(tmp_path / "tracker.db", any_database)
    else:
        store = scenario.postgres_tracker_store(any_database.engine.url.database, any_database)
    scenario.write_conversations(store)
    store.engine.dispose()
    yield any_database.engine, any_database


@pytest.fixture(scope="module")
def report_console(request: pytest.FixtureRequest) -> Settings:
    """The agent console (its own seeded store, Rasa down) with the scenario in its stores."""
    settings: Settings = request.getfixturevalue("console")
    shop = Database(settings.database_url)
    scenario.write_shop(shop)
    store = scenario.sqlite_tracker_store(Path(make_url(settings.tracker_database_url).database),
                                          shop)
    scenario.write_conversations(store)
    store.engine.dispose()
    shop.dispose()
    return settings
