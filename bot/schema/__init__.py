"""Every table Asistan uses, created and dropped in one place, and the demo install.

It imports every package that declares tables, so nothing else has to: the database engine
stays free of models, and no package imports another only to register its tables.
"""

from __future__ import annotations

from datetime import date
from typing import List
from zoneinfo import ZoneInfo

from sqlalchemy import MetaData

import bot.handoff.models  # noqa: F401  (registers the queue's tables)
import bot.records.inbound  # noqa: F401
import bot.records.ratings  # noqa: F401
import bot.reporting.conversations  # noqa: F401  (the analytics table)
from bot.database.base import AssistantBase
from bot.database.engine import Database
from bot.handoff.agents import seed_demo_agents
from bot.handoff.desk import seed_demo_canned
from bot.store.models import StoreBase
from bot.store.seed import seed_shop


def metadatas() -> List[MetaData]:
    """Asistan's own tables, then the demo shop's."""
    return [AssistantBase.metadata, StoreBase.metadata]


def create_schema(database: Database) -> None:
    """Create every missing table (existing ones are left as they are)."""
    for metadata in metadatas():
        metadata.create_all(database.engine)


def drop_schema(database: Database) -> None:
    for metadata in reversed(metadatas()):
        metadata.drop_all(database.engine)


def seed_demo(database: Database, today: date, tz: ZoneInfo, progress: bool = False) -> int:
    """A new demo install: the schema, the demo shop dated around ``today`` and the demo
    agents; returns the number of orders."""
    create_schema(database)
    count = seed_shop(database, today, tz, progress)
    with database.unit_of_work() as session:
        seed_demo_agents(session)
        seed_demo_canned(session)
    return count
