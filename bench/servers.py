"""The product's processes for the benchmark: the action side once, Rasa once per model.

The processes are the ones `make run` starts (bot.services.product_services): the action
side (action servers and the gateway in front of them) is started once and shared; for
each model, its Rasa side (the Rasa servers, and the proxy when there are several) is
started on ports of its own with a tracker database of its own. So the models differ in
nothing but the model. The agent console takes no part in a shopper's turn and is left out.

The databases are SQLite files in the run's folder, or, when the environment's tracker
store is PostgreSQL (`make bench PROFILE=prod`), empty PostgreSQL databases of the run's
own on that server (``asistan_bench_run_*``), never the shop's.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Mapping

from sqlalchemy.engine import make_url

from bench.machine import cpu_seconds
from bot.database.engine import ensure_database
from bot.loopback import free_port, loopback_environment
from bot.services import Service, product_services, rasa_environment
from bot.settings import Settings, load_settings

START_TIMEOUT = 300
LEFT_OUT = ("console",)


def is_rasa_side(service: Service) -> bool:
    return service.name.startswith("rasa") or service.name == "proxy"


@dataclass
class RasaSide:
    """One model served by its own Rasa process(es)."""

    name: str
    model: Path
    env: Dict[str, str]
    services: List[Service]

    @property
    def settings(self) -> Settings:
        return load_settings(self.env)

    def pids(self) -> Dict[str, int]:
        return {f"{self.name} {s.name}": s.process.pid for s in self.services if s.process}


class Deployment:
    """The action side and one Rasa side per model, on loopback, on a fresh runtime."""

    def __init__(self, runtime: Path, models: Mapping[str, Path], base: Mapping[str, str],
                 token: str = "bench-token") -> None:
        runtime.mkdir(parents=True, exist_ok=True)
        self.runtime = runtime
        tracker = make_url(base.get("TRACKER_DATABASE_URL") or "sqlite://")
        self._postgres = tracker if tracker.get_backend_name() == "postgresql" else None
        self.env = loopback_environment(runtime, base, token,
                                        self._database("store") if self._postgres else None)
        self.settings = load_settings(self.env)
        any_model = next(iter(models.values()))
        self.actions = [s for s in product_services(self.settings, any_model)
                        if not is_rasa_side(s) and s.name not in LEFT_OUT]
        self.rasa: Dict[str, RasaSide] = {}
        for name, model in models.items():
            env = self.model_env(name)
            services = [s for s in product_services(load_settings(env), model)
                        if is_rasa_side(s)]
            self.rasa[name] = RasaSide(name, model, env, services)

    def _database(self, name: str) -> str:
        """An empty PostgreSQL database of this run's own, on the profile's server."""
        assert self._postgres is not None
        url = self._postgres.set(database=f"asistan_bench_run_{name.replace('-', '_')}")
        text = url.render_as_string(hide_password=False)
        ensure_database(text, empty=True)
        return text

    def model_env(self, name: str) -> Dict[str, str]:
        """The environment of one model's Rasa side: its own folder, tracker and port."""
        folder = self.runtime / name
        tracker = (self._database(f"tracker_{name}") if self._postgres
                   else f"sqlite:///{folder / 'tracker.db'}")
        return {**self.env, "ASISTAN_RUNTIME_DIR": str(folder),
                "TRACKER_DATABASE_URL": tracker, "RASA_PORT": str(free_port())}

    def describe(self) -> Dict[str, str]:
        """How the product is deployed in this run, for the report."""
        settings = self.settings
        return {"Rasa processes per model": str(settings.rasa_instances),
                "action servers": str(settings.action_servers),
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
