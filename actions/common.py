"""What every action shares: the shop backend, Asistan's own database, the shop's clock.

Actions ask :func:`shop` for the shop's data and :func:`own_database` for Asistan's own
tables (queue, ratings), always off the event loop. When either cannot be reached the
shopper hears so politely (:func:`answered_if_down`), never silence.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from datetime import date, datetime, timezone
from typing import Dict, Iterator

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from bot.database.engine import Database, get_database
from bot.settings import get_settings
from bot.shop import ShopBackend, ShopUnavailable, get_shop

logger = logging.getLogger(__name__)


class StoreUnavailable(Exception):
    """The shop or Asistan's database did not answer; the shopper has already been told."""


def shop() -> ShopBackend:
    return get_shop()


def own_database() -> Database:
    """Asistan's own tables: the agent queue and satisfaction ratings."""
    return get_database()


@contextmanager
def answered_if_down(dispatcher: CollectingDispatcher) -> Iterator[None]:
    """Turn an unreachable shop or database into a polite reply and `StoreUnavailable`.

    Only outages are translated: a bug in the action still fails loudly.
    """
    try:
        yield
    except (ShopUnavailable, SQLAlchemyError) as error:
        logger.error("store unavailable: %s", type(error).__name__)
        dispatcher.utter_message(response="utter_store_unavailable")
        raise StoreUnavailable from error


async def policy_variables() -> Dict[str, str]:
    """The shop's policies as response variables ({support_phone}, {shipping_fee}...)."""
    return (await shop().policies()).reply_variables()


def shop_now() -> datetime:
    return datetime.now(get_settings().timezone)


def shop_today() -> date:
    return shop_now().date()


def stored_time(moment: datetime) -> datetime:
    """A moment as the databases keep it: naive UTC, whatever the shop's time zone."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None)
