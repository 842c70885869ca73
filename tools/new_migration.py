"""Draft the next migration of a chain from what the models have and its migrations lack:
``.venv/bin/python -m tools.new_migration store "coupon limits"``.

The chain's head is built as an upgrade builds it (the previous release's tables upgraded
by every migration, on SQLite) and compared with the models; the comparison becomes the
new revision's ``upgrade()``. Read it before committing: a rename looks like a drop and an
add, data is never moved, and like the others each step should look first at what is there
(a database the models created before migrations existed). ``tests/schema/test_migrate.py``
fails until the models and the migrations agree.
"""

from __future__ import annotations

import re
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import List

from alembic.autogenerate import produce_migrations, render_python_code
from alembic.runtime.migration import MigrationContext

from bot.database.engine import Database
from bot.schema import CHAINS
from bot.schema.migrate import MIGRATIONS, modelled, upgrade
from tools.previous_schema import create_previous_schema

TEMPLATE = '''"""{message}

Drafted by tools/new_migration.py: check each step, and make it look first at what is there.

Revision ID: {revision}
"""

import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = "{down_revision}"
branch_labels = None
depends_on = None


{upgrade}
'''


def draft(chain_name: str, message: str) -> Path | None:
    """Write the draft; None when the models and the migrations already agree."""
    chain = next(chain for chain in CHAINS if chain.name == chain_name)
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{Path(folder) / 'head.db'}")
        create_previous_schema(database)
        with database.engine.begin() as connection:
            for each in CHAINS:
                upgrade(connection, each)
            context = MigrationContext.configure(connection, opts={
                "include_object": lambda item, name, kind, reflected, compared: (
                    modelled(item, name, kind, reflected, compared)
                    and (kind != "table" or name in chain.metadata.tables)),
                "compare_type": True})
            operations = produce_migrations(context, chain.metadata).upgrade_ops
        database.dispose()
    if operations is None or operations.is_empty():
        return None
    head = chain.script.get_current_head()
    number = int(str(head).rsplit("_", 1)[1]) + 1
    revision = f"{chain.name}_{number:04d}"
    slug = re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")[:40]
    path = MIGRATIONS / chain.name / f"{number:04d}_{slug}.py"
    steps = textwrap.dedent("\n".join(
        line for line in render_python_code(operations).splitlines()
        if line.strip() and not line.lstrip().startswith("# ###")))  # Alembic's markers
    path.write_text(TEMPLATE.format(message=message, revision=revision, down_revision=head,
                                    upgrade="def upgrade() -> None:\n"
                                    + textwrap.indent(steps, "    ")),
                    encoding="utf-8")
    return path


def main(argv: List[str]) -> int:
    names = [chain.name for chain in CHAINS]
    if len(argv) != 2 or argv[0] not in names:
        print(f"usage: python -m tools.new_migration {'|'.join(names)} \"what changes\"")
        return 2
    path = draft(*argv)
    print(f"wrote {path}" if path else "nothing to migrate: the models and migrations agree")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
