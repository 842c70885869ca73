"""The real product on loopback: action server and Rasa server on free ports."""

from __future__ import annotations

import os
import socket
from datetime import datetime
from pathlib import Path
from typing import Iterator

import pytest

from bot.model import model_path
from bot.services import product_services, rasa_environment, start_all, stop_all
from bot.settings import Settings, get_settings, load_settings
from bot.store.db import Database
from bot.store.policies import write_policies
from bot.store.seed import seed


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Product:
    """Every process of the product on free loopback ports, on a store of its own."""

    def __init__(self, runtime: Path) -> None:
        self.model = model_path(get_settings().model_dir)
        if not self.model.exists():
            pytest.fail(f"no model for the current data ({self.model.name}): run `make train`")
        self.runtime = runtime
        store = Database(f"sqlite:///{runtime / 'store.db'}")
        tz = get_settings().timezone
        seed(store, datetime.now(tz).date(), tz)
        with store.unit_of_work() as session:  # agents on duty around the clock, for tests
            write_policies(session, {"support_open": {d: "00:00-23:59" for d in range(1, 8)}})
        store.dispose()
        self.env = {
            **os.environ,
            "ASISTAN_RUNTIME_DIR": str(runtime),
            "DATABASE_URL": store.url,
            "TRACKER_DATABASE_URL": f"sqlite:///{runtime / 'tracker.db'}",
            "RASA_TOKEN": "e2e-token",
            "RASA_PORT": str(free_port()),
            "ACTION_PORT": str(free_port()),
            "WEB_PORT": str(free_port()),
        }
        self.settings = load_settings(self.env)
        self.services = product_services(self.settings, self.model)

    def start(self) -> None:
        start_all(self.services, rasa_environment(self.settings, self.env),
                  self.runtime / "logs", timeout=300)

    def stop(self) -> None:
        stop_all(self.services)

    def print_logs(self) -> None:
        for log in Path(self.runtime / "logs").glob("*.out"):
            tail = "\n".join(log.read_text("utf-8", "replace").splitlines()[-20:])
            print(f"--- {log.name} (tail) ---\n{tail}")


@pytest.fixture(scope="session")
def product(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """The product, started once for the e2e tests."""
    running = Product(tmp_path_factory.mktemp("e2e-runtime"))
    running.start()
    yield running.settings
    running.stop()
    running.print_logs()
