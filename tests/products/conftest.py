"""A seeded store per backend for the product tests: SQLite in a temporary folder and a
PostgreSQL database of the run's own (which must be reachable when CI is set)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from bot.database.engine import Database
from bot.schema import seed_demo
from bot.settings import get_settings
from tests.conftest import POSTGRES_ADMIN_URL, shop_today


def _seeded(database: Database) -> Database:
    seed_demo(database, shop_today(), get_settings().timezone)
    return database


@pytest.fixture(scope="session")
def seeded_postgres() -> Iterator[Database]:
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT",
                          connect_args={"connect_timeout": 3})
    name = f"asistan_products_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL on 127.0.0.1:5432 is not reachable: {error.orig}")
    database = Database(f"postgresql+psycopg2://postgres@127.0.0.1:5432/{name}")
    yield _seeded(database)
    database.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


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
