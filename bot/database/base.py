"""The declarative base of Asistan's own tables: the agent queue and what the assistant
records about conversations. The shop's data (orders, products...) is not Asistan's: it
lives behind :mod:`bot.shop`, and the demo shop's tables have a base of their own
(``bot.store.models.StoreBase``), so a shop that brings its own platform keeps Asistan's
tables and drops the demo's."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import declarative_base

AssistantBase: Any = declarative_base()
