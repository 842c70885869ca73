"""Creating PostgreSQL databases: kept as they are, or emptied when asked."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import OperationalError

from bot.store.db import ensure_database

SERVER = "postgresql://postgres@127.0.0.1:5432"


def _tables(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        return inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_existing_database_is_kept_unless_it_must_start_empty() -> None:
    url = f"{SERVER}/asistan_test_{uuid.uuid4().hex[:10]}"
    try:
        ensure_database(url)
    except OperationalError as error:
        pytest.skip(f"PostgreSQL on 127.0.0.1:5432 is not reachable: {error.orig}")
    try:
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE kept (id integer)"))
        engine.dispose()
        ensure_database(url)
        assert _tables(url) == ["kept"]
        ensure_database(url, empty=True)
        assert _tables(url) == []
    finally:
        admin = create_engine(f"{SERVER}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            name = url.rsplit("/", 1)[1]
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
