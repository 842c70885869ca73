"""The action server frozen or gone while shoppers chat: never silence, and back to normal.

The action gateway (bot/gateway.py) answers for the action servers within its deadline
(2 s); Rasa then needs a moment for the turn itself, hence the 3-second promise.
"""

from __future__ import annotations

import os
import signal
import time

import pytest

from bot.ops.environment import rasa_environment
from bot.ops.processes import Service
from tests.e2e.conftest import Product
from tests.e2e.test_rest_conversation import Shopper, variations

pytestmark = pytest.mark.e2e
UNAVAILABLE = variations("utter_service_unavailable")


def action_server(product: Product) -> Service:
    return next(s for s in product.services if s.name.startswith("actions-"))


def timed(shopper: Shopper, text: str) -> tuple[str, float]:
    started = time.monotonic()
    answer = shopper.says(text)
    return answer, time.monotonic() - started


def test_a_frozen_action_server_gets_a_polite_answer_within_3_seconds(
        running_product: Product) -> None:
    shopper = Shopper(running_product.settings)
    assert "sipariş numara" in shopper.says("siparişim nerede").lower()
    process = action_server(running_product).process
    os.kill(process.pid, signal.SIGSTOP)  # accepts connections, never answers
    try:
        answer, seconds = timed(shopper, "10045821")
    finally:
        os.kill(process.pid, signal.SIGCONT)
    assert answer in UNAVAILABLE
    assert seconds < 3
    # Back: the same conversation goes on (the order number it kept, or a new ask).
    shopper.says("siparişim nerede")
    assert "10045821 numaralı" in shopper.says("10045821 ayse.yilmaz@example.com")


def test_a_stopped_action_server_gets_a_polite_answer_then_recovers(
        running_product: Product) -> None:
    shopper = Shopper(running_product.settings)
    server = action_server(running_product)
    server.stop()
    try:
        answer, seconds = timed(shopper, "kargo ücreti ne kadar")
    finally:
        server.start(rasa_environment(running_product.settings, running_product.env),
                     running_product.runtime / "logs")
        server.wait_ready(120)
    assert answer in UNAVAILABLE
    assert seconds < 3
    assert "kargo" in shopper.says("kargo ücreti ne kadar").lower()
