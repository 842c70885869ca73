"""The product in both profiles, each started once for the fault tests that need it."""

from __future__ import annotations

from typing import Iterator

import pytest

from tests.e2e.conftest import WHATSAPP
from tests.e2e.graph_api import GraphApiStandIn
from tests.profiles import Shop


@pytest.fixture(scope="session", params=["default", "prod"])
def shop(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
         graph_api: GraphApiStandIn) -> Iterator[Shop]:  # the session's stand-in
    running = Shop(request.param, tmp_path_factory.mktemp(f"faults-{request.param}"),
                   {**WHATSAPP, "WHATSAPP_GRAPH_URL": graph_api.url})
    try:
        running.start()
        yield running
    finally:
        running.stop()
        running.print_logs()


def production_only(shop: Shop) -> None:
    """Faults only the production profile can have (a second server, Redis)."""
    if shop.name != "prod":
        pytest.skip("the embedded default has one Rasa server and no Redis")
