"""The event feed: Rasa's events from RabbitMQ into Asistan's analytics table.

Runs as its own process (`python -m bot serve feed`, started by `bot run` when
``EVENT_BROKER_URL`` is set). Messages are taken in batches and acknowledged only once
their batch is committed, so an event is never lost: while the database is down or this
process is restarting, RabbitMQ keeps them, and one delivered twice is recorded once
(``bot.reporting.conversations.record``).
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Dict, List

import aio_pika
from sqlalchemy.exc import SQLAlchemyError

from bot.database.engine import Database
from bot.reporting.conversations import ShopperMessageRow, record
from bot.server.broker import exchange_for
from bot.settings import Settings

logger = logging.getLogger(__name__)
BATCH = 200
WAIT = 0.2  # seconds a batch waits for more events
RETRY = 2.0  # seconds before a batch that could not be written is tried again


async def consume(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Feed the table until ``stop`` is set (forever without one)."""
    assert settings.event_broker_url
    database = Database(settings.database_url)
    ShopperMessageRow.__table__.create(database.engine, checkfirst=True)
    connection = await aio_pika.connect_robust(settings.event_broker_url)
    try:
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=BATCH)
        # As Rasa's Pika broker declares them (whichever process starts first).
        exchange = await channel.declare_exchange(exchange_for(settings.event_queue),
                                                  aio_pika.ExchangeType.FANOUT)
        queue = await channel.declare_queue(settings.event_queue, durable=True)
        await queue.bind(exchange, "")
        logger.info("feeding the analytics table from queue %s", settings.event_queue)
        stop = stop or asyncio.Event()
        arrived: asyncio.Queue[aio_pika.abc.AbstractIncomingMessage] = asyncio.Queue()
        await queue.consume(arrived.put)
        batch: List[aio_pika.abc.AbstractIncomingMessage] = []
        while not stop.is_set():
            try:
                batch.append(await asyncio.wait_for(arrived.get(), WAIT if batch else 1.0))
                if len(batch) < BATCH:
                    continue
            except asyncio.TimeoutError:
                if not batch:
                    continue
            await _write(database, batch)
            batch = []
    finally:
        await connection.close()
        database.dispose()


async def _write(database: Database, batch: List[Any]) -> None:
    """Commit the batch, then acknowledge it; until it commits, try again."""
    events: List[Dict[str, Any]] = [json.loads(message.body) for message in batch]
    while True:
        try:
            await asyncio.to_thread(_record, database, events)
            break
        except SQLAlchemyError as error:
            logger.error("analytics table unavailable, %d events kept: %s", len(events),
                         error)
            await asyncio.sleep(RETRY)
    await batch[-1].ack(multiple=True)


def _record(database: Database, events: List[Dict[str, Any]]) -> None:
    with database.unit_of_work() as session:
        record(session, events)


def main(settings: Settings) -> None:
    logging.basicConfig(level=settings.log_level)
    asyncio.run(consume(settings))
