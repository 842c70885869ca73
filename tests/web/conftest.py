"""The agent console on loopback, on a store of its own."""

from __future__ import annotations

import json
import os
import re
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Iterator

import pytest
import requests

from bot.database.engine import Database
from bot.handoff import queue
from bot.ops.environment import rasa_environment
from bot.ops.processes import Service
from bot.schema import seed_demo
from bot.settings import Settings, get_settings, load_settings
from tools.loopback import free_port

PASSWORD = "asistan-demo"


@contextmanager
def running_console(runtime: Path, **settings: str) -> Iterator[Settings]:
    """The console process on a seeded store of its own in ``runtime``, with Rasa "down";
    ``settings`` are environment values on top of the defaults."""
    store = Database(f"sqlite:///{runtime / 'store.db'}")
    tz = get_settings().timezone
    seed_demo(store, datetime.now(tz).date(), tz)
    store.dispose()
    env = {**os.environ, "ASISTAN_RUNTIME_DIR": str(runtime), "DATABASE_URL": store.url,
           "TRACKER_DATABASE_URL": f"sqlite:///{runtime / 'tracker.db'}",
           "RASA_TOKEN": "console-test", "WEB_PORT": str(free_port()),
           "RASA_PORT": str(free_port()),  # nothing listens there: Rasa is "down"
           # The demo store with one slow customer (test_console_slow_shop.py).
           "SHOP_BACKEND": "tools.slow_shop:SlowSqlShop", **settings}
    loaded = load_settings(env)
    service = Service("console", [os.sys.executable, "-m", "bot", "serve", "console"],
                      f"http://{loaded.host}:{loaded.web_port}/health")
    service.start(rasa_environment(loaded, env), runtime / "logs")
    try:
        service.wait_ready(60)
        yield loaded
    finally:
        service.stop()


@pytest.fixture(scope="module")
def console(tmp_path_factory) -> Iterator[Settings]:
    # The tests log in one after another from one address: no wait after a failure.
    with running_console(tmp_path_factory.mktemp("console"),
                         LOGIN_FIRST_DELAY_SECONDS="0") as settings:
        yield settings


def open_ticket(settings: Settings, conversation: str, reason: str = "asked_for_human",
                customer_id: str = "1") -> int:
    database = Database(settings.database_url)
    with database.unit_of_work() as session:
        ticket, _ = queue.open_ticket(
            session, conversation_id=conversation, channel="rest", reason=reason,
            summary=json.dumps({"intents": ["complaint"], "last_message": "<script>x</script>"}),
            sentiment_trail=["angry"], now=datetime.utcnow() - timedelta(minutes=3),
            customer_id=customer_id, order_id="10045821")
    database.dispose()
    return ticket.id


def base(settings: Settings) -> str:
    return f"http://{settings.host}:{settings.web_port}"


def login(settings: Settings, username: str = "temsilci",
          password: str = PASSWORD) -> requests.Session:
    """A browser-like session: fetch the form (CSRF cookie), post it, keep the cookie."""
    browser = requests.Session()
    page = browser.get(f"{base(settings)}/login", timeout=10)
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    browser.post(f"{base(settings)}/login", data={"csrf": token, "username": username,
                                                  "password": password}, timeout=10)
    me = browser.get(f"{base(settings)}/api/me", timeout=10)
    if me.ok:
        browser.headers["X-CSRF-Token"] = me.json()["csrf"]
    return browser
