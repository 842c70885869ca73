"""The whole product on loopback, on a store of its own: for end-to-end tests and `make bench`.

Both need the same thing: processes on free ports, so they never clash with a running shop
or with each other, and a freshly seeded store and tracker in a runtime folder of their own,
so they never touch ``runtime/``. The result is an environment mapping that
:func:`bot.settings.load_settings` and :func:`bot.ops.environment.rasa_environment` read as
usual.
"""

from __future__ import annotations

import socket
from datetime import datetime
from pathlib import Path
from typing import Dict, Mapping

from bot.database.engine import Database
from bot.schema import seed_demo
from bot.settings import get_settings
from bot.store.policies import write_policies


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def servers(count: int, path: str = "") -> str:
    """``count`` server URLs on free loopback ports, as the settings take them."""
    return ",".join(f"http://127.0.0.1:{free_port()}{path}" for _ in range(count))


def seed_store(url: str) -> None:
    """The demo shop, with agents on duty around the clock: a handoff then never depends on
    the hour the tests or the benchmark happen to run."""
    store = Database(url)
    tz = get_settings().timezone
    seed_demo(store, datetime.now(tz).date(), tz)
    with store.unit_of_work() as session:
        write_policies(session, {"support_open": {d: "00:00-24:00" for d in range(1, 8)}})
    store.dispose()


def loopback_environment(runtime: Path, base: Mapping[str, str], token: str,
                         store_url: str | None = None) -> Dict[str, str]:
    """``base`` plus a seeded store, a tracker, a token and free ports, all in ``runtime``
    (the store in ``store_url`` instead, when given)."""
    store_url = store_url or f"sqlite:///{runtime / 'store.db'}"
    seed_store(store_url)
    return {
        **base,
        "ASISTAN_RUNTIME_DIR": str(runtime),
        "DATABASE_URL": store_url,
        "TRACKER_DATABASE_URL": f"sqlite:///{runtime / 'tracker.db'}",
        "RASA_TOKEN": token,
        "RASA_PORT": str(free_port()),
        "ACTION_PORT": str(free_port()),
        "ACTION_BALANCER_PORT": str(free_port()),
        "WEB_PORT": str(free_port()),
    }


async def delete_queue(url: str, queue: str) -> None:
    """A RabbitMQ queue of a run (and its exchange) goes with the run."""
    import aio_pika

    from bot.server.broker import exchange_for

    connection = await aio_pika.connect_robust(url)
    async with connection:
        channel = await connection.channel()
        await channel.queue_delete(queue)
        await channel.exchange_delete(exchange_for(queue))
