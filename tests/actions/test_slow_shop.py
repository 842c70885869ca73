"""One shopper's slow query keeps only that shopper waiting: on one real action server,
another shopper's order status comes back at once while the slow one is still running."""

from __future__ import annotations

import asyncio
import os
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, Iterator, Tuple

import pytest
import requests

from bot.database.engine import Database
from bot.ops.processes import Service, action_server_command
from bot.settings import load_settings
from bot.store.backend import SqlShopBackend
from bot.text.contacts import Contact
from tests.actions.conftest import DOMAIN, make_tracker
from tools.loopback import free_port, seed_store
from tools.slow_shop import SLOW_ORDER, SLOW_SECONDS

AYSE = Contact("email", "ayse.yilmaz@example.com")


@pytest.fixture(scope="module")
def action_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[str, str]]:
    """The action server's webhook on a demo store with a slow order, and Ayşe's id."""
    runtime = tmp_path_factory.mktemp("slow-shop")
    env = {**os.environ, "ASISTAN_RUNTIME_DIR": str(runtime),
           "DATABASE_URL": f"sqlite:///{runtime / 'store.db'}",
           "SHOP_BACKEND": "tools.slow_shop:SlowSqlShop"}
    seed_store(env["DATABASE_URL"])
    store = Database(env["DATABASE_URL"])
    ayse = asyncio.run(SqlShopBackend(store).order_for_contact(SLOW_ORDER, AYSE))
    store.dispose()
    assert ayse is not None
    port = free_port()
    service = Service("actions", action_server_command(load_settings(env), port),
                      f"http://127.0.0.1:{port}/health")
    service.start(env, runtime / "logs")
    try:
        service.wait_ready(120)
        yield f"http://127.0.0.1:{port}/webhook", ayse.customer_id
    finally:
        service.stop()


def order_status(server: Tuple[str, str], shopper: str,
                 order_id: str) -> Tuple[float, Dict[str, Any]]:
    """Seconds the action server took to tell Ayşe about her order, and its answer."""
    url, customer_id = server
    tracker = make_tracker(slots={"verified_customer_id": customer_id, "order_id": order_id,
                                  "csat_asked": True})
    call = {"next_action": "action_order_status", "sender_id": shopper,
            "tracker": {**tracker.current_state(), "sender_id": shopper}, "domain": DOMAIN}
    started = time.monotonic()
    answer = requests.post(url, json=call, timeout=30)
    answer.raise_for_status()
    return time.monotonic() - started, answer.json()


def responses(answer: Dict[str, Any]) -> list:
    return [message.get("response") for message in answer["responses"]]


def test_a_slow_query_does_not_delay_another_shopper(action_server: Tuple[str, str]) -> None:
    # 10045822 is another of Ayşe's orders (out for delivery), and fast.
    order_status(action_server, "warm-up", "10045822")
    with ThreadPoolExecutor(max_workers=1) as pool:
        slow = pool.submit(order_status, action_server, "shopper-slow", SLOW_ORDER)
        time.sleep(0.3)  # the slow query is under way
        fast_seconds, fast = order_status(action_server, "shopper-fast", "10045822")
        slow_seconds, slow_answer = slow.result()
    assert responses(fast)[0] == "utter_order_out_for_delivery"
    assert responses(slow_answer)[0] == "utter_order_in_transit"
    assert slow_seconds >= SLOW_SECONDS
    assert fast_seconds < 0.5 * SLOW_SECONDS
