"""The product's processes for the benchmark: the action side once, Rasa once per side.

The processes are the ones `make run` starts (bot.ops.processes.product_services): the action
side (the action servers, and the event feed when events go through RabbitMQ) is started
once and shared; each side (a model on a number of Rasa servers) gets its Rasa servers and,
in the production profile, its own HAProxy before them and before the shared action
servers, on ports of its own with a tracker database of its own. So the sides differ in
nothing but the model and the number of Rasa servers. The agent console takes no part in a
shopper's turn and is left out.

The databases are SQLite files in the run's folder, or, when the environment's tracker
store is PostgreSQL (`make bench PROFILE=prod`), empty PostgreSQL databases of the run's
own on that server (``asistan_bench_run_*``), never the shop's.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Mapping, Tuple

from sqlalchemy.engine import make_url

from bench.machine import cpu_seconds
from bot.database.engine import ensure_database
from bot.ops.environment import rasa_environment
from bot.ops.processes import Service, product_services
from bot.settings import Settings, load_settings
from tools.loopback import delete_queue, free_port, loopback_environment, servers

START_TIMEOUT = 300
SHARED = ("actions", "feed")
PER_SIDE = ("balancer", "rasa")


@dataclass
class RasaSide:
    """One model served by its own Rasa server(s)."""

    name: str
    model: Path
    env: Dict[str, str]
    services: List[Service]
    rasa_servers: int

    @property
    def settings(self) -> Settings:
        return load_settings(self.env)

    def pids(self) -> Dict[str, int]:
        return {f"{self.name} {s.name}": s.process.pid for s in self.services if s.process}


class Deployment:
    """The action side and each side's Rasa servers, on loopback, on a fresh runtime.

    ``sides`` maps a name to a model and a number of Rasa servers (0: as the environment
    says, one without a balancer in the default profile).
    """

    def __init__(self, runtime: Path, sides: Mapping[str, Tuple[Path, int]],
                 base: Mapping[str, str], token: str = "bench-token") -> None:
        runtime.mkdir(parents=True, exist_ok=True)
        self.runtime = runtime
        tracker = make_url(base.get("TRACKER_DATABASE_URL") or "sqlite://")
        self._postgres = tracker if tracker.get_backend_name() == "postgresql" else None
        profile = load_settings(base)
        self._rasa_servers = len(profile.rasa_server_urls) if profile.balances_rasa else 0
        env = loopback_environment(runtime, base, token,
                                   self._database("store") if self._postgres else None)
        if profile.balanced:  # the profile's number of servers, on ports of this run's own
            env["ACTION_SERVER_URLS"] = servers(len(profile.action_server_urls), "/webhook")
        if profile.event_broker_url:
            env["EVENT_QUEUE"] = f"asistan_bench_{uuid.uuid4().hex[:8]}"
        self.env = env
        self.settings = load_settings(env)
        any_model = next(iter(sides.values()))[0]
        self.actions = product_services(self.settings, any_model, SHARED)
        self.rasa: Dict[str, RasaSide] = {}
        for name, (model, count) in sides.items():
            count = count or self._rasa_servers
            env = self.side_env(name, count)
            self.rasa[name] = RasaSide(name, model, env, product_services(
                load_settings(env), model, PER_SIDE), max(count, 1))

    def _database(self, name: str) -> str:
        """An empty PostgreSQL database of this run's own, on the profile's server."""
        assert self._postgres is not None
        url = self._postgres.set(database=f"asistan_bench_run_{name.replace('-', '_')}")
        text = url.render_as_string(hide_password=False)
        ensure_database(text, empty=True)
        return text

    def side_env(self, name: str, rasa_servers: int) -> Dict[str, str]:
        """The environment of one side: its own folder, tracker, ports and (with several
        servers, or a balancer in the profile) HAProxy."""
        folder = self.runtime / name
        tracker = (self._database(f"tracker_{name}") if self._postgres
                   else f"sqlite:///{folder / 'tracker.db'}")
        env = {**self.env, "ASISTAN_RUNTIME_DIR": str(folder),
               "TRACKER_DATABASE_URL": tracker, "RASA_PORT": str(free_port()),
               "ACTION_BALANCER_PORT": str(free_port())}
        if rasa_servers:
            env["RASA_SERVER_URLS"] = servers(rasa_servers)
        return env

    def describe(self) -> Dict[str, str]:
        """How the product is deployed in this run, for the report."""
        settings = self.settings
        return {"Rasa servers per side": ", ".join(f"{name}: {side.rasa_servers}"
                                                   for name, side in self.rasa.items()),
                "balancer": "HAProxy" if next(iter(self.rasa.values())).settings.balanced
                else "none",
                "action servers": str(len(settings.action_server_urls)),
                "event broker": "RabbitMQ" if settings.event_broker_url
                else "store database",
                "lock store": "Redis" if settings.lock_store_url else "in memory",
                "tracker store": make_url(next(iter(self.rasa.values())).settings
                                          .tracker_database_url).get_backend_name(),
                "shop store": make_url(settings.database_url).get_backend_name()}

    @property
    def store_url(self) -> str:
        return self.settings.database_url

    def start(self) -> None:
        """The action side first (Rasa asks it for its actions' names), then each model."""
        try:
            for service in self.actions:
                self._start(service, self.env)
            for side in self.rasa.values():
                for service in side.services:
                    self._start(service, side.env)
        except BaseException:
            self.stop()
            raise

    @staticmethod
    def _start(service: Service, env: Dict[str, str]) -> None:
        settings = load_settings(env)
        settings.runtime_dir.mkdir(parents=True, exist_ok=True)
        service.start(rasa_environment(settings, env), settings.runtime_dir / "logs")
        service.wait_ready(START_TIMEOUT)

    def stop(self) -> None:
        for side in self.rasa.values():
            for service in reversed(side.services):
                service.stop()
        for service in reversed(self.actions):
            service.stop()
        if self.settings.event_broker_url:
            asyncio.run(delete_queue(self.settings.event_broker_url, self.settings.event_queue))

    def action_pids(self) -> Dict[str, int]:
        return {s.name: s.process.pid for s in self.actions if s.process}

    def pids(self) -> Dict[str, int]:
        pids = self.action_pids()
        for side in self.rasa.values():
            pids.update(side.pids())
        return pids

    def settle(self, idle_share: float = 0.05, timeout: float = 90) -> float:
        """Wait until no process works through an earlier level's backlog; seconds waited."""
        started = time.monotonic()
        pids = list(self.pids().values())
        while time.monotonic() - started < timeout:
            before = sum(cpu_seconds(p) for p in pids)
            time.sleep(1.0)
            if sum(cpu_seconds(p) for p in pids) - before < idle_share:
                break
        return time.monotonic() - started

