"""What every action shares: the store session, the shop's clock and policy texts."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from datetime import date, datetime, timezone
from typing import Dict, Iterator

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.settings import get_settings
from bot.store.db import get_database
from bot.store.policies import get_policies

logger = logging.getLogger(__name__)


class StoreUnavailable(Exception):
    """The store database did not answer; the shopper has already been told."""


@contextmanager
def store_session(dispatcher: CollectingDispatcher) -> Iterator[Session]:
    """One unit of work; a database failure becomes a polite reply and `StoreUnavailable`.

    Only database errors are translated: a bug in the action still fails loudly.
    """
    try:
        with get_database().unit_of_work() as session:
            yield session
    except SQLAlchemyError as error:
        logger.error("store unavailable: %s", type(error).__name__)
        dispatcher.utter_message(response="utter_store_unavailable")
        raise StoreUnavailable from error


def shop_now() -> datetime:
    return datetime.now(get_settings().timezone)


def shop_today() -> date:
    return shop_now().date()


def stored_time(moment: datetime) -> datetime:
    """A moment as the database keeps it: naive UTC, whatever the shop's time zone."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def policy_variables(session: Session) -> Dict[str, str]:
    """The shop's policies as response variables ({support_phone}, {shipping_fee}...)."""
    return get_policies(session).reply_variables()
