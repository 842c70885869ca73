"""Rasa's event brokers for Asistan's analytics table (``bot/reporting/conversations.py``).

- :class:`StoreEventBroker` (the embedded default) writes the events straight into the
  store database, in batches off the event loop, as Rasa's SQL event broker would write
  them into a table of its own.
- :class:`RabbitEventBroker` (the production profile) is Rasa's Pika broker configured by
  one URL (``amqp://user:password@host:port/vhost``) and one queue name: the events reach
  RabbitMQ, which keeps them while the feed process (``bot/ops/feed.py``) or the database
  is away.

Either way the tracker store publishes a turn's events after they are committed
(``bot/server/tracker_store.py``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List
from urllib.parse import unquote, urlsplit

from rasa.core.brokers.broker import EventBroker
from rasa.core.brokers.pika import PikaEventBroker
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy.exc import SQLAlchemyError

from bot.database.engine import Database, database_for
from bot.reporting.conversations import ShopperMessageRow, record

logger = logging.getLogger(__name__)


class StoreEventBroker(EventBroker):
    """Events into the store database's analytics table, a batch at a time."""

    def __init__(self, database: Database) -> None:
        self.database = database
        ShopperMessageRow.__table__.create(database.engine, checkfirst=True)
        self._waiting: List[Dict[str, Any]] = []
        self._flushing: asyncio.Task | None = None

    @classmethod
    async def from_endpoint_config(cls, broker_config: EndpointConfig | None,
                                   event_loop: Any = None) -> StoreEventBroker | None:
        if broker_config is None:
            return None
        return cls(database_for(broker_config.url))

    def publish(self, event: Dict[str, Any]) -> None:
        self._waiting.append(event)
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.get_running_loop().create_task(self.flush())

    async def flush(self) -> None:
        """Write every waiting event (the turn is not kept waiting for it)."""
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                await asyncio.to_thread(self._write, batch)
            except SQLAlchemyError as error:  # the analytics lose these; the chat does not
                logger.error("%d events not written to the analytics table: %s",
                             len(batch), error)

    def _write(self, events: List[Dict[str, Any]]) -> None:
        with self.database.unit_of_work() as session:
            record(session, events)

    def is_ready(self) -> bool:
        return True

    async def close(self) -> None:
        await self.flush()


def amqp_parts(url: str) -> Dict[str, Any]:
    """Rasa's Pika broker arguments from one ``amqp://`` or ``amqps://`` URL."""
    parts = urlsplit(url)
    return {"host": f"{parts.scheme}://{parts.hostname}/{parts.path.lstrip('/')}".rstrip("/"),
            "port": parts.port or (5671 if parts.scheme == "amqps" else 5672),
            "username": unquote(parts.username or "guest"),
            "password": unquote(parts.password or "guest")}


class RabbitEventBroker(PikaEventBroker):
    """Rasa's Pika broker from ``url`` and ``queue`` (the exchange is named after it)."""

    @classmethod
    async def from_endpoint_config(cls, broker_config: EndpointConfig | None,
                                   event_loop: Any = None) -> RabbitEventBroker | None:
        if broker_config is None:
            return None
        parts = amqp_parts(broker_config.url)
        queue = broker_config.kwargs["queue"]
        broker = cls(parts["host"], parts["username"], parts["password"], port=parts["port"],
                     queues=[queue], exchange_name=exchange_for(queue), event_loop=event_loop)
        await broker.connect()
        return broker

    async def _publish(self, event: Dict[str, Any], headers: Dict[str, str] | None = None
                       ) -> None:
        """Rasa's ``_publish`` without its deep copy of every event for a debug log line,
        made even when nothing is logged, and without the shopper's words in the error
        log."""
        if self._exchange is None:
            return
        try:
            await self._exchange.publish(self._message(event, headers), "")
        except Exception as error:
            logger.error("a %s event was not published to RabbitMQ: %r", event.get("event"),
                         error)
            if self.should_keep_unpublished_messages:
                self._unpublished_events.append(event)


def exchange_for(queue: str) -> str:
    return f"{queue}.exchange"
