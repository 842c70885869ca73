"""The agent inbox's records (notes, tags, prepared answers) and the ownership check's
failed attempts, counted in the database so every process of a shop sees them.

Frozen history, like every migration; each table is created only when it is missing (a
database the models created before migrations existed has them).

Revision ID: assistant_0003
"""

import sqlalchemy as sa
from alembic import op

revision = "assistant_0003"
down_revision = "assistant_0002"
branch_labels = None
depends_on = None


def _canned_replies() -> None:
    op.create_table(
        "canned_replies",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(80), nullable=False, unique=True),
        sa.Column("text", sa.Text, nullable=False),
    )


def _failed_attempts() -> None:
    op.create_table(
        "failed_attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("subject", sa.String(80), nullable=False),
        sa.Column("failed_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_failed_attempts_failed_at", "failed_attempts", ["failed_at"])
    op.create_index("ix_failed_attempts_subject_time", "failed_attempts",
                    ["subject", "failed_at"])


def _ticket_notes() -> None:
    op.create_table(
        "ticket_notes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ticket_id", sa.Integer, sa.ForeignKey("tickets.id"), nullable=False),
        sa.Column("agent_id", sa.Integer, sa.ForeignKey("agents.id"), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_ticket_notes_ticket_id", "ticket_notes", ["ticket_id"])


def _ticket_tags() -> None:
    op.create_table(
        "ticket_tags",
        sa.Column("ticket_id", sa.Integer, sa.ForeignKey("tickets.id"), primary_key=True),
        sa.Column("tag", sa.String(40), primary_key=True),
    )


def upgrade() -> None:
    tables = set(sa.inspect(op.get_bind()).get_table_names())
    for name, create in (("canned_replies", _canned_replies),
                         ("failed_attempts", _failed_attempts),
                         ("ticket_notes", _ticket_notes), ("ticket_tags", _ticket_tags)):
        if name not in tables:
            create()
