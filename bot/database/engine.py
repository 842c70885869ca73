"""Engines and units of work, for every database Asistan talks to.

One :class:`Database` per process and URL; every caller works inside
:meth:`Database.unit_of_work`, which commits on success and rolls back on error, so a failure
never leaves half-written rows and no session outlives the request that opened it. The
module knows no tables: the packages that own tables declare them (``bot.database.base``
for Asistan's own, ``bot.store.models`` for the demo shop) and ``bot.schema`` creates
them.
"""

from __future__ import annotations

import asyncio
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, TypeVar

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from bot.settings import get_settings

T = TypeVar("T")


def engine_options(url: str) -> Dict[str, Any]:
    """Options that make each backend answer quickly and safely under concurrent use
    (the store's engine here, and the tracker store's SQLite engine)."""
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        # The action server answers from worker threads; SQLite's own locking keeps it safe.
        options: Dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 15}}
        if make_url(url).database not in (None, "", ":memory:"):
            # SQLAlchemy 1.4 opens a new connection (and runs our PRAGMAs) for every unit
            # of work on a SQLite file; a pool keeps them, as SQLAlchemy 2.0 does by default.
            options["poolclass"] = QueuePool
        return options
    if backend == "postgresql":
        # A database that is down must fail fast so the shopper gets an answer, not silence.
        return {"pool_pre_ping": True, "connect_args": {"connect_timeout": 3}}
    return {"pool_pre_ping": True}


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


class Database:
    """An engine plus its session factory, for one database URL."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = create_engine(url, future=True, **engine_options(url))
        if self.engine.dialect.name == "sqlite":
            database = make_url(url).database
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            event.listen(self.engine, "connect", _tune_sqlite)
        self._sessions = sessionmaker(self.engine, future=True, expire_on_commit=False)

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A session inside one transaction: committed on success, rolled back on error."""
        with self._sessions.begin() as session:
            yield session

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        """``work(session, *args)`` in one unit of work on a worker thread, so a slow query
        never holds up the event loop that serves everyone else."""
        return await asyncio.to_thread(self._run, work, *args)

    def _run(self, work: Callable[..., T], *args: Any) -> T:
        with self.unit_of_work() as session:
            return work(session, *args)

    def dispose(self) -> None:
        self.engine.dispose()


def ensure_database(url: str, empty: bool = False) -> None:
    """Create the PostgreSQL database ``url`` names if it is missing (the production
    profile's first start), or drop and create it when it must start ``empty`` (the
    benchmark's run); SQLite files are created on first use anyway."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT",
                          **engine_options(url))
    try:
        with admin.connect() as connection:
            if empty:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" '
                                        "WITH (FORCE)"))
            found = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                       {"name": parsed.database}).scalar()
            if not found:
                connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    finally:
        admin.dispose()


@cache
def database_for(url: str) -> Database:
    return Database(url)


def get_database() -> Database:
    """The database named by this process's settings."""
    return database_for(get_settings().database_url)
