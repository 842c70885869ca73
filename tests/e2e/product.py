"""The real product on loopback: action server, Rasa server and console on free ports.

Its fixtures are registered by ``tests/conftest.py``, so that one running product serves
every suite that needs it (``tests/e2e``, ``tests/security``) in a test session.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from bot.ops.environment import rasa_environment
from bot.ops.model import model_path
from bot.ops.processes import product_services, start_all, stop_all
from bot.settings import Settings, get_settings, load_settings
from tests.e2e.graph_api import GraphApiStandIn
from tools.loopback import loopback_environment

# The shop's WhatsApp app as the e2e product is configured with (tests/e2e/test_whatsapp.py).
WHATSAPP = {"WHATSAPP_VERIFY_TOKEN": "e2e-verify-token", "WHATSAPP_APP_SECRET": "e2e-app-secret",
            "WHATSAPP_ACCESS_TOKEN": "e2e-access-token", "WHATSAPP_PHONE_NUMBER_ID": "1098765432"}


class Product:
    """Every process of the product on free loopback ports, on a store of its own."""

    def __init__(self, runtime: Path, graph_api_url: str) -> None:
        self.model = model_path(get_settings().model_dir)
        if not self.model.exists():
            pytest.fail(f"no model for the current data ({self.model.name}): run `make train`")
        self.runtime = runtime
        # A seeded store (agents on duty around the clock), a tracker and free ports.
        self.env = {**loopback_environment(runtime, os.environ, "e2e-token"), **WHATSAPP,
                    "WHATSAPP_GRAPH_URL": graph_api_url}
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
def graph_api() -> Iterator[GraphApiStandIn]:
    stand_in = GraphApiStandIn()
    yield stand_in
    stand_in.close()


@pytest.fixture(scope="session")
def running_product(tmp_path_factory: pytest.TempPathFactory,
                    graph_api: GraphApiStandIn) -> Iterator[Product]:
    """The product, started once for the e2e tests (fault tests stop and resume parts)."""
    running = Product(tmp_path_factory.mktemp("e2e-runtime"), graph_api.url)
    running.start()
    yield running
    running.stop()
    running.print_logs()


@pytest.fixture(scope="session")
def product(running_product: Product) -> Settings:
    return running_product.settings
