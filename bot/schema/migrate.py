"""Schema upgrades with Alembic, for Asistan's own tables and the demo shop's.

Two chains of migrations, each with its own version table, because the two sets of tables
live and move apart: a shop on its own platform has Asistan's tables and never the demo
shop's. A chain's migrations are in ``bot/schema/migrations/<chain>/``; they run in-process
(no ``alembic.ini`` or ``env.py``), so ``python -m bot seed`` upgrades an existing database
on every start.

A database the chain has never seen is handled by what it holds:
- none of the chain's tables: created from the models at once and stamped at the head, as
  Alembic advises (replaying history would only be slower, and the models are the truth);
- the chain's tables without a version table: the schema of the release before migrations
  existed (the chain's first revision, which changes nothing), then upgraded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, List, Sequence

from alembic.autogenerate import compare_metadata
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, inspect
from sqlalchemy.engine import Connection

MIGRATIONS = Path(__file__).parent / "migrations"
# What the models add to their tables as raw DDL (SQLite's FTS5 table and its shadow
# tables, PostgreSQL's generated column and its index) and the version tables: not tables
# or columns of the models, so a comparison with the models leaves them out.
UNMODELLED = ("product_fts", "search_vector", "ix_product_documents_search", "alembic_version")


@dataclass(frozen=True)
class Chain:
    """One set of tables with its own history."""

    name: str
    metadata: MetaData
    # A table every release of the chain has had: present without a version table, it
    # means a database from before migrations.
    marker: str

    @property
    def version_table(self) -> str:
        return f"alembic_version_{self.name}"

    @property
    def script(self) -> ScriptDirectory:
        return ScriptDirectory(MIGRATIONS, version_locations=[MIGRATIONS / self.name])

    @property
    def baseline(self) -> str:
        """The revision of the schema as the release before migrations created it."""
        base = self.script.get_base()
        assert base is not None, f"no migrations in {MIGRATIONS / self.name}"
        return base


def _context(connection: Connection, chain: Chain, **opts: Any) -> MigrationContext:
    return MigrationContext.configure(connection, opts={
        "version_table": chain.version_table, "target_metadata": chain.metadata, **opts})


def modelled(_object: Any, name: str | None, _kind: str, _reflected: bool,
             _compared: Any) -> bool:
    """Whether a database object is one the models declare (Alembic's ``include_object``)."""
    return not (name or "").startswith(UNMODELLED)


def differences(connection: Connection, metadatas: Sequence[MetaData]) -> List[Any]:
    """What the database lacks or has beyond the models, as Alembic's comparison lists it."""
    context = MigrationContext.configure(connection, opts={"include_object": modelled,
                                                           "compare_type": True})
    return compare_metadata(context, list(metadatas))


def current_revision(connection: Connection, chain: Chain) -> str | None:
    return _context(connection, chain).get_current_revision()


def upgrade(connection: Connection, chain: Chain) -> List[str]:
    """Bring the chain's tables to its head; returns the revisions applied."""
    script = chain.script
    tables = set(inspect(connection).get_table_names())
    if chain.version_table not in tables:
        if chain.marker not in tables:
            chain.metadata.create_all(connection)
            _context(connection, chain).stamp(script, "heads")
            return []
        _context(connection, chain).stamp(script, chain.baseline)
    applied: List[str] = []

    def steps(revision: Any, _migration: MigrationContext) -> Any:
        found = script._upgrade_revs("heads", revision)
        applied.extend(step.revision.revision for step in found)
        return found

    context = _context(connection, chain, fn=steps, script=script)
    with Operations.context(context):
        context.run_migrations()
    return applied
