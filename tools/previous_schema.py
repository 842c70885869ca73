"""The tables of the release before migrations (commit 37e086e), as its models created
them on SQLite and PostgreSQL (``tests/schema/data/``): what the upgrade test starts from,
and what ``tools/new_migration.py`` upgrades to find a chain's head."""

from __future__ import annotations

from bot.database.engine import Database
from bot.settings import PROJECT_ROOT

SNAPSHOTS = PROJECT_ROOT / "tests" / "schema" / "data"


def create_previous_schema(database: Database) -> None:
    script = (SNAPSHOTS / f"previous_release.{database.engine.dialect.name}.sql").read_text(
        encoding="utf-8")
    lines = [line for line in script.splitlines() if not line.startswith("--")]
    with database.engine.begin() as connection:
        for statement in "\n".join(lines).split(";"):
            if statement.strip():
                connection.exec_driver_sql(statement)
