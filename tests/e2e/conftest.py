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


@pytest.fixture(scope="session")
def product(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Starts every process of the product once for the e2e tests, on a store of their own."""
    model = model_path(get_settings().model_dir)
    if not model.exists():
        pytest.fail(f"no model for the current data ({model.name}): run `make train` first")
    runtime = tmp_path_factory.mktemp("e2e-runtime")
    store = Database(f"sqlite:///{runtime / 'store.db'}")
    tz = get_settings().timezone
    seed(store, datetime.now(tz).date(), tz)
    with store.unit_of_work() as session:  # agents on duty around the clock, for the tests
        write_policies(session, {"support_open": {day: "00:00-23:59" for day in range(1, 8)}})
    store.dispose()
    env = {
        **os.environ,
        "ASISTAN_RUNTIME_DIR": str(runtime),
        "DATABASE_URL": store.url,
        "TRACKER_DATABASE_URL": f"sqlite:///{runtime / 'tracker.db'}",
        "RASA_TOKEN": "e2e-token",
        "RASA_PORT": str(free_port()),
        "ACTION_PORT": str(free_port()),
        "WEB_PORT": str(free_port()),
    }
    settings = load_settings(env)
    services = product_services(settings, model)
    start_all(services, rasa_environment(settings, env), runtime / "logs", timeout=300)
    yield settings
    stop_all(services)
    logs = Path(runtime / "logs")
    for log in logs.glob("*.out"):
        print(f"--- {log.name} (tail) ---\n" + "\n".join(log.read_text().splitlines()[-20:]))
