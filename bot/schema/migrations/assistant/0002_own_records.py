"""Asistan's tables stand apart from the shop's: tickets keep the shop's ids as text with no
foreign key into the demo shop; webhook deliveries are claimed and then marked handled
(``inbound_deliveries`` replaces ``inbound_messages``, whose rows were all handled); the
analytics table ``shopper_messages``.

Like every migration this is frozen history: it spells out its tables instead of importing
the models, which keep changing. Each step looks first, because a database created by the
models just before migrations existed already has some of it.

Revision ID: assistant_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "assistant_0002"
down_revision = "assistant_0001"
branch_labels = None
depends_on = None

# SQLite's foreign keys have no names; a batch operation names them this way to drop them.
NAMING = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}
SHOP_TABLES = {"customer_id": "customers", "order_id": "orders"}


def _deliveries() -> None:
    op.create_table(
        "inbound_deliveries",
        sa.Column("message_id", sa.String(160), primary_key=True),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("received_at", sa.DateTime, nullable=False),
        sa.Column("claimed_until", sa.DateTime, nullable=False),
        sa.Column("handled_at", sa.DateTime),
    )
    op.create_index("ix_inbound_deliveries_received_at", "inbound_deliveries", ["received_at"])


def _shopper_messages() -> None:
    op.create_table(
        "shopper_messages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("timestamp", sa.Float, nullable=False),
        sa.Column("intent", sa.String(255)),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("fallback", sa.Boolean, nullable=False),
        sa.UniqueConstraint("sender_id", "timestamp", name="uq_shopper_messages_event"),
    )
    op.create_index("ix_shopper_messages_time_sender", "shopper_messages",
                    ["timestamp", "sender_id"])


def _tickets_without_shop_keys(inspector: sa.engine.Inspector) -> None:
    keys = [fk for fk in inspector.get_foreign_keys("tickets")
            if fk["referred_table"] in SHOP_TABLES.values()]
    textual = all(isinstance(column["type"], sa.String)
                  for column in inspector.get_columns("tickets")
                  if column["name"] in SHOP_TABLES)
    if not keys and textual:
        return
    with op.batch_alter_table("tickets", naming_convention=NAMING) as batch:
        for key in keys:
            column = key["constrained_columns"][0]
            batch.drop_constraint(key["name"] or f"fk_tickets_{column}_{SHOP_TABLES[column]}",
                                  type_="foreignkey")
        for column in SHOP_TABLES:
            batch.alter_column(column, type_=sa.String(64), existing_nullable=True,
                               postgresql_using=f"{column}::varchar")


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    tables = set(inspector.get_table_names())
    if "inbound_deliveries" not in tables:
        _deliveries()
    if "inbound_messages" in tables:
        op.execute("INSERT INTO inbound_deliveries "
                   "(message_id, channel, received_at, claimed_until, handled_at) "
                   "SELECT message_id, channel, received_at, received_at, received_at "
                   "FROM inbound_messages")
        op.drop_table("inbound_messages")
    if "shopper_messages" not in tables:
        _shopper_messages()
    _tickets_without_shop_keys(inspector)
