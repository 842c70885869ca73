"""Every table Asistan uses, created, upgraded and dropped in one place, and the demo install.

It imports every package that declares tables, so nothing else has to: the database engine
stays free of models, and no package imports another only to register its tables. Upgrades
are Alembic migrations (:mod:`bot.schema.migrate`), one chain for Asistan's own tables and
one for the demo shop's.
"""

from __future__ import annotations

from datetime import date
from typing import List
from zoneinfo import ZoneInfo

from sqlalchemy import MetaData, func, select, text

import bot.database.attempts  # noqa: F401  (failed ownership checks and logins)
import bot.handoff.models  # noqa: F401  (registers the queue's tables)
import bot.records.inbound  # noqa: F401
import bot.records.ratings  # noqa: F401
import bot.reporting.conversations  # noqa: F401  (the analytics table)
from bot.database.base import AssistantBase
from bot.database.engine import Database
from bot.handoff.agents import seed_demo_agents
from bot.handoff.desk import seed_demo_canned
from bot.schema.migrate import Chain, upgrade
from bot.store.models import Product, ProductDocument, StoreBase
from bot.store.search import index_products
from bot.store.seed import seed_shop

ASSISTANT = Chain("assistant", AssistantBase.metadata, marker="tickets")
STORE = Chain("store", StoreBase.metadata, marker="customers")
CHAINS = (ASSISTANT, STORE)


def metadatas() -> List[MetaData]:
    """Asistan's own tables, then the demo shop's."""
    return [chain.metadata for chain in CHAINS]


def create_schema(database: Database) -> None:
    """Bring every table to the current schema: a new database gets the tables, an existing
    one (this release's or an earlier one's) is upgraded by the migrations."""
    with database.engine.begin() as connection:
        for chain in CHAINS:
            upgrade(connection, chain)
    with database.unit_of_work() as session:
        # The search index is derived from the products: an upgraded catalogue has none yet.
        if (session.execute(select(func.count()).select_from(ProductDocument)).scalar_one() == 0
                and session.execute(select(func.count(Product.id))).scalar_one() > 0):
            index_products(session)


def drop_schema(database: Database) -> None:
    for metadata in reversed(metadatas()):
        metadata.drop_all(database.engine)
    with database.engine.begin() as connection:
        for chain in CHAINS:
            connection.execute(text(f"DROP TABLE IF EXISTS {chain.version_table}"))


def seed_demo(database: Database, today: date, tz: ZoneInfo, progress: bool = False) -> int:
    """A new demo install: the schema, the demo shop dated around ``today`` and the demo
    agents; returns the number of orders."""
    create_schema(database)
    count = seed_shop(database, today, tz, progress)
    with database.unit_of_work() as session:
        seed_demo_agents(session)
        seed_demo_canned(session)
    return count
