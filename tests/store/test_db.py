"""Creating PostgreSQL databases: kept as they are, or emptied when asked."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect, text

from bot.database.engine import Database, ensure_database


def _tables(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        return inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_existing_database_is_kept_unless_it_must_start_empty(fresh_postgres: Database
                                                               ) -> None:
    url = fresh_postgres.url
    with fresh_postgres.engine.begin() as connection:
        connection.execute(text("CREATE TABLE kept (id integer)"))
    fresh_postgres.dispose()
    ensure_database(url)
    assert _tables(url) == ["kept"]
    ensure_database(url, empty=True)
    assert _tables(url) == []
