"""Upgrades: a database holding the previous release's schema and rows is brought to the
current schema by `create_schema` (what `python -m bot seed` runs), on SQLite and
PostgreSQL, and everything that reads it works afterwards."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from decimal import Decimal
from typing import Any, List

import pytest
from sqlalchemy import inspect, text

from bot.database.engine import Database
from bot.handoff.queue import open_ticket_of
from bot.records.inbound import Claim, claim
from bot.schema import CHAINS, create_schema, metadatas
from bot.schema.migrate import current_revision, differences, upgrade
from bot.shop.types import ProductMode, ProductOutcome, ProductQuery
from bot.store.backend import SqlShopBackend
from bot.store.policies import get_policies, load_policy_file
from tools.previous_schema import create_previous_schema

NOW = datetime(2026, 11, 20, 10, 0)
MISSING_POLICY = "coupon_limit"

# Rows as the previous release wrote them: integer shop ids in the queue, a handled webhook
# in `inbound_messages`, a catalogue without descriptions.
ROWS = [
    ("INSERT INTO agents VALUES (1, 'ayse', 'Ayşe', 'x', :no, :yes)", {}),
    ("INSERT INTO customers VALUES (7, 'Deniz Kaya', 'deniz@example.com', '5321234567', "
     "'İzmir', :now)", {}),
    ("INSERT INTO categories VALUES ('kulaklik', 'Kulaklık', :yes, 'kulaklık')", {}),
    ("INSERT INTO products VALUES (1, 'KLK-1', 'Kablosuz Kulaklık', 'kulaklik', 'Sesli', "
     "129990, 5, 4.6, 40, 'bluetooth')", {}),
    ("INSERT INTO orders VALUES (10000001, 7, 'preparing', :now, 129990, 0, 129990, 'card', "
     "'İzmir', NULL)", {}),
    ("INSERT INTO order_lines VALUES (1, 10000001, 1, 1, 129990)", {}),
    ("INSERT INTO tickets (id, conversation_id, channel, customer_id, order_id, reason, "
     "priority, status, summary, sentiment_trail, created_at, agent_id) VALUES (1, 'shopper-1', "
     "'rest', 7, 10000001, 'human_request', 2, 'waiting', '{}', '[]', :now, NULL)", {}),
    ("INSERT INTO inbound_messages VALUES ('whatsapp:wamid.1', 'whatsapp', :now)", {}),
    ("INSERT INTO satisfaction_ratings VALUES (1, 'shopper-1', 'order_status', 5, :now)", {}),
]


def _previous_release(database: Database) -> None:
    """The previous release's tables and a few of its rows."""
    create_previous_schema(database)
    policies = {key: value for key, value in load_policy_file().items() if key != MISSING_POLICY}
    policies["shipping_fee"] = 59.9
    with database.engine.begin() as connection:
        for statement, params in ROWS:
            connection.execute(text(statement), {"now": NOW, "yes": True, "no": False, **params})
        for key, value in policies.items():
            connection.execute(text("INSERT INTO policies VALUES (:key, :value)"),
                               {"key": key, "value": json.dumps(value, ensure_ascii=False)})


def _differences(database: Database) -> List[Any]:
    with database.engine.connect() as connection:
        return differences(connection, metadatas())


@pytest.fixture()
def upgraded(any_database: Database) -> Database:
    _previous_release(any_database)
    create_schema(any_database)
    return any_database


def test_the_previous_release_upgrades_to_the_models(upgraded: Database) -> None:
    assert _differences(upgraded) == []
    with upgraded.engine.connect() as connection:
        for chain in CHAINS:
            assert current_revision(connection, chain) == chain.script.get_current_head()
    keys = inspect(upgraded.engine).get_foreign_keys("tickets")
    assert [key["referred_table"] for key in keys] == ["agents"]


def test_rows_survive_in_their_new_shapes(upgraded: Database) -> None:
    with upgraded.unit_of_work() as session:
        ticket = open_ticket_of(session, "shopper-1")
        policies = get_policies(session)
    assert ticket is not None and (ticket.customer_id, ticket.order_id) == ("7", "10000001")
    # A webhook handled before the upgrade is still recognised as a replay.
    assert claim(upgraded, "whatsapp", "wamid.1", NOW) is Claim.HANDLED
    assert policies.shipping_fee == Decimal("59.9")
    assert policies.coupon_limit == load_policy_file()[MISSING_POLICY]


def test_the_shop_answers_from_an_upgraded_store(upgraded: Database) -> None:
    shop = SqlShopBackend(upgraded)
    order = asyncio.run(shop.order_for_customer("10000001", "7"))
    assert order is not None and order.items == ("Kablosuz Kulaklık",)
    answer = asyncio.run(shop.suggest_products(ProductQuery(ProductMode.ASKED,
                                                            text="kablosuz kulaklık")))
    assert answer.outcome is ProductOutcome.FOUND
    assert [product.product_id for product in answer.products] == ["1"]


def test_an_upgraded_database_is_not_upgraded_again(upgraded: Database) -> None:
    with upgraded.engine.begin() as connection:
        assert [upgrade(connection, chain) for chain in CHAINS] == [[], []]


def test_tables_the_models_made_before_migrations_are_adopted(any_database: Database) -> None:
    """A database a checkout of this release's models created, without a version table."""
    for metadata in metadatas():
        metadata.create_all(any_database.engine)
    create_schema(any_database)
    assert _differences(any_database) == []
    with any_database.engine.connect() as connection:
        assert all(current_revision(connection, chain) == chain.script.get_current_head()
                   for chain in CHAINS)
