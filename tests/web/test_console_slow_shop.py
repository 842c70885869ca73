"""One agent's slow customer panel keeps only that agent waiting: the console's handlers
run the shop's look-ups and their own queries off the event loop."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Tuple

import requests

from tests.web.conftest import base, login, open_ticket
from tools.slow_shop import SLOW_CUSTOMER, SLOW_SECONDS


def timed_get(browser: requests.Session, url: str) -> Tuple[float, int]:
    started = time.monotonic()
    status = browser.get(url, timeout=30).status_code
    return time.monotonic() - started, status


def test_a_slow_customer_panel_does_not_delay_another_agent(console) -> None:
    ticket = open_ticket(console, "slow-panel", customer_id=SLOW_CUSTOMER)
    zeynep, emre = login(console, "temsilci"), login(console, "temsilci2")
    assert zeynep.post(f"{base(console)}/api/tickets/{ticket}/claim",
                       timeout=10).status_code == 200
    with ThreadPoolExecutor(max_workers=1) as pool:
        slow = pool.submit(timed_get, zeynep, f"{base(console)}/api/tickets/{ticket}")
        time.sleep(0.3)  # the panel's look-up is under way
        fast_seconds, fast_status = timed_get(emre, f"{base(console)}/api/queue")
        slow_seconds, slow_status = slow.result()
    assert (slow_status, fast_status) == (200, 200)
    assert slow_seconds >= SLOW_SECONDS
    assert fast_seconds < 0.5 * SLOW_SECONDS
