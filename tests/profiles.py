"""The product as a shop runs it, on loopback, under the supervisor `make run` uses.

Two profiles, built from the same settings a shop sets: ``default`` (everything embedded:
SQLite, one Rasa server, one action server, no balancer) and ``prod`` (`profiles/prod.env`
itself, with ports, a PostgreSQL database, a Redis db and a RabbitMQ queue of the run's
own: HAProxy before two Rasa servers and two action servers, Redis locks, the RabbitMQ
event feed). In ``prod``, the tracker database, the store and Redis are reached through
forwarders a test can cut (``tests/faults/tcp.py``): a service that goes down looks the
same from the product's side, and the machine's own services stay up for everyone else.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
import uuid
from pathlib import Path
from typing import Dict, List

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.database.engine import ensure_database
from bot.ops.environment import rasa_environment
from bot.ops.model import model_path
from bot.ops.processes import Service, product_services
from bot.ops.supervisor import Backoff, Supervisor
from bot.settings import PROJECT_ROOT, Settings, get_settings, load_settings
from tests.faults.tcp import Forwarder
from tools.loopback import delete_queue, loopback_environment, servers

POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
RABBITMQ = "amqp://guest:guest@127.0.0.1:5672/%2F"


def profile(name: str) -> Dict[str, str]:
    lines = (PROJECT_ROOT / "profiles" / f"{name}.env").read_text("utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def _via(forwarder: Forwarder, url: str) -> str:
    return make_url(url).set(port=forwarder.port).render_as_string(hide_password=False)


class Shop:
    """Every process of one profile, supervised, on a runtime folder of its own."""

    def __init__(self, name: str, runtime: Path, extra: Dict[str, str] | None = None,
                 redis_db: int = 2) -> None:
        self.model = model_path(get_settings().model_dir)
        if not self.model.exists():
            pytest.fail(f"no model for the current data ({self.model.name}): run `make train`")
        self.name = name
        self.runtime = runtime
        self.cables: Dict[str, Forwarder] = {}
        self._database: str | None = None
        base = {**os.environ, **(extra or {})}
        if name == "default":
            env = loopback_environment(runtime, base, f"{name}-token")
        else:
            env = self._production(runtime, base, redis_db)
        self.env = env
        self.settings: Settings = load_settings(env)
        self.supervisor = Supervisor(product_services(self.settings, self.model),
                                     rasa_environment(self.settings, env), runtime / "logs",
                                     Backoff(first=0.5, longest=5))
        self._watching: threading.Thread | None = None

    def _production(self, runtime: Path, base: Dict[str, str], redis_db: int) -> Dict[str, str]:
        prod = profile("prod")
        self._database = f"asistan_faults_{uuid.uuid4().hex[:8]}"
        direct = make_url(prod["DATABASE_URL"]).set(database=self._database)
        url = direct.render_as_string(hide_password=False)
        ensure_database(url)
        env = loopback_environment(runtime, base, "prod-token", store_url=url)
        redis = make_url(prod["LOCK_STORE_URL"])
        self.cables = {"store": Forwarder(("127.0.0.1", direct.port or 5432)),
                       "tracker": Forwarder(("127.0.0.1", direct.port or 5432)),
                       "redis": Forwarder((redis.host or "127.0.0.1", redis.port or 6379))}
        self.queue = f"asistan_faults_{uuid.uuid4().hex[:8]}"
        return {**env, **prod,
                "DATABASE_URL": _via(self.cables["store"], url),
                "TRACKER_DATABASE_URL": _via(self.cables["tracker"], url),
                "LOCK_STORE_URL": f"redis://127.0.0.1:{self.cables['redis'].port}/{redis_db}",
                "EVENT_QUEUE": self.queue,
                "RASA_SERVER_URLS": servers(2), "ACTION_SERVER_URLS": servers(2, "/webhook")}

    def start(self) -> None:
        self.supervisor.start(timeout=300)
        self._watching = threading.Thread(target=self.supervisor.watch, daemon=True)
        self._watching.start()

    def stop(self) -> None:
        self.supervisor.stop()
        if self._watching is not None:
            self._watching.join(60)
        for cable in self.cables.values():
            cable.cut()
        if self._database:
            admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{self._database}" '
                                        "WITH (FORCE)"))
            admin.dispose()
            asyncio.run(delete_queue(RABBITMQ, self.queue))

    def services(self, prefix: str) -> List[Service]:
        return [s for s in self.supervisor.services if s.name.startswith(prefix)]

    def kill(self, service: Service, signum: int = signal.SIGKILL) -> int:
        """Signal ``service``; a kill returns once the process is gone (its sockets closed)."""
        assert service.process is not None
        process = service.process
        os.kill(process.pid, signum)
        if signum == signal.SIGKILL:
            process.wait(30)
        return process.pid

    def wait_restarted(self, service: Service, old_pid: int, timeout: float = 240) -> None:
        """Until the supervisor has started ``service`` again and it answers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            process = service.process
            if process is not None and process.pid != old_pid and service.ready():
                return
            time.sleep(0.2)
        raise TimeoutError(f"{service.name} not back after {timeout:.0f} s:\n"
                           + service.log_tail())

    def print_logs(self) -> None:
        for log in sorted((self.runtime / "logs").glob("*.out")):
            tail = "\n".join(log.read_text("utf-8", "replace").splitlines()[-15:])
            print(f"--- {self.name}: {log.name} (tail) ---\n{tail}")

