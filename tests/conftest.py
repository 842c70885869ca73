"""Shared fixtures: a seeded store in a temporary folder, and PostgreSQL (required in CI).

The process-wide settings point at a temporary runtime folder before anything imports them,
so no test touches the developer's own `runtime/` data.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Iterator

import pytest

_RUNTIME = Path(tempfile.mkdtemp(prefix="asistan-test-"))
os.environ["ASISTAN_RUNTIME_DIR"] = str(_RUNTIME)
os.environ["DATABASE_URL"] = f"sqlite:///{_RUNTIME / 'store.db'}"
os.environ["TRACKER_DATABASE_URL"] = f"sqlite:///{_RUNTIME / 'tracker.db'}"
os.environ.pop("LOCK_STORE_URL", None)

from bot.database.engine import Database, get_database  # noqa: E402
from bot.schema import seed_demo  # noqa: E402
from bot.settings import get_settings  # noqa: E402
from bot.store.seed import is_seeded  # noqa: E402

# One running product for every suite that plays against it (e2e, security).
from tests.e2e.product import graph_api, product, running_product  # noqa: E402,F401

POSTGRES_ADMIN_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"


def shop_today() -> date:
    return datetime.now(get_settings().timezone).date()


@pytest.fixture(scope="session")
def seeded_database() -> Database:
    """The process's own store (what actions use), seeded once for the whole run."""
    database = get_database()
    if not is_seeded(database):
        seed_demo(database, shop_today(), get_settings().timezone)
    return database


@pytest.fixture()
def fresh_sqlite(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'store.db'}")
    yield database
    database.dispose()


def service_unreachable(what: str) -> None:
    """A service the tests need does not answer: a failure when ``CI`` is set (``.ci/run``
    sets it: there every service is expected), a skip on a machine that lacks it."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} (CI is set, so it is expected)")
    pytest.skip(what)


@contextmanager
def new_postgres_database(prefix: str) -> Iterator[Database]:
    """A new, empty PostgreSQL database of this run's own, dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT",
                          connect_args={"connect_timeout": 3})
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        admin.dispose()
        service_unreachable(f"PostgreSQL on 127.0.0.1:5432 is not reachable: {error.orig}")
    database = Database(f"postgresql+psycopg2://postgres@127.0.0.1:5432/{name}")
    try:
        yield database
    finally:
        database.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture()
def fresh_postgres() -> Iterator[Database]:
    with new_postgres_database("asistan_test") as database:
        yield database


@pytest.fixture(params=["sqlite", "postgresql"])
def any_database(request: pytest.FixtureRequest) -> Database:
    """An empty database of each supported kind."""
    fixture = "fresh_postgres" if request.param == "postgresql" else "fresh_sqlite"
    return request.getfixturevalue(fixture)
