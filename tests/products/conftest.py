"""A seeded store per backend for the product tests: SQLite in a temporary folder and a
PostgreSQL database of the run's own (which must be reachable when CI is set)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from bot.database.engine import Database
from bot.schema import seed_demo
from bot.settings import get_settings
from tests.conftest import new_postgres_database, shop_today


def _seeded(database: Database) -> Database:
    seed_demo(database, shop_today(), get_settings().timezone)
    return database


@pytest.fixture(scope="session")
def seeded_postgres() -> Iterator[Database]:
    with new_postgres_database("asistan_products") as database:
        yield _seeded(database)


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path: Path = tmp_path_factory.mktemp("products") / "store.db"
    database = _seeded(Database(f"sqlite:///{path}"))
    yield database
    database.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def shop(request: pytest.FixtureRequest) -> Database:
    """The seeded demo shop on each supported backend."""
    return request.getfixturevalue("seeded_postgres" if request.param == "postgresql"
                                   else "seeded_sqlite")
