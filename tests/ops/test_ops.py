"""The process list, the balancer's configuration and the supervisor, from settings alone."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from bot.ops.balancer import render
from bot.ops.environment import rasa_environment
from bot.ops.processes import Service, product_services
from bot.ops.supervisor import Backoff, Supervisor
from bot.server.broker import amqp_parts
from bot.settings import load_settings
from tests.faults.chat import until
from tests.profiles import profile


def test_the_embedded_default_is_one_of_each_without_a_balancer(tmp_path: Path) -> None:
    settings = load_settings({"ASISTAN_RUNTIME_DIR": str(tmp_path), "RASA_TOKEN": "t"})
    assert settings.rasa_url == "http://127.0.0.1:5005"
    assert settings.rasa_server_urls == ["http://127.0.0.1:5005"]
    assert settings.action_endpoint_url == "http://127.0.0.1:5055/webhook"
    assert not settings.balanced and settings.event_broker_url is None
    names = [s.name for s in product_services(settings, tmp_path / "model.tar.gz")]
    assert names == ["actions-5055", "rasa-5005", "console"]
    env = rasa_environment(settings, {})
    assert env["LOCK_STORE_TYPE"] == "bot.server.lock_store.PromptInMemoryLockStore"
    assert env["EVENT_BROKER_TYPE"] == "bot.server.broker.StoreEventBroker"
    assert env["EVENT_BROKER_URL"] == settings.database_url


def test_the_production_profile_names_every_part_by_url(tmp_path: Path) -> None:
    settings = load_settings({**profile("prod"), "ASISTAN_RUNTIME_DIR": str(tmp_path),
                              "RASA_TOKEN": "t"})
    assert settings.balanced
    assert settings.action_endpoint_url == "http://127.0.0.1:5054/webhook"  # HAProxy
    names = [s.name for s in product_services(settings, tmp_path / "model.tar.gz")]
    assert names == ["actions-5055", "actions-5056", "balancer", "rasa-5006", "rasa-5007",
                     "feed", "console"]
    env = rasa_environment(settings, {})
    assert env["LOCK_STORE_TYPE"] == "bot.server.lock_store.AtomicRedisLockStore"
    assert env["EVENT_BROKER_TYPE"] == "bot.server.broker.RabbitEventBroker"


def test_parts_on_other_machines_keep_their_urls_whole(tmp_path: Path) -> None:
    settings = load_settings({
        "ASISTAN_RUNTIME_DIR": str(tmp_path), "RASA_TOKEN": "t", "ASISTAN_HOST": "0.0.0.0",
        "RASA_URL": "https://chat.shop.example",
        "RASA_SERVER_URLS": "http://10.0.0.11:5005, http://10.0.0.12:5005",
        "ACTION_SERVER_URLS": "http://10.0.0.21:5055/webhook",
        "ACTION_ENDPOINT_URL": "http://10.0.0.20:5054/webhook",
        "LOCK_STORE_URL": "rediss://:s3cret@redis.internal:6380/4",
        "EVENT_BROKER_URL": "amqps://shop:pw@mq.internal:5671/asistan"})
    assert settings.rasa_server_urls == ["http://10.0.0.11:5005", "http://10.0.0.12:5005"]
    assert settings.action_endpoint_url == "http://10.0.0.20:5054/webhook"
    env = rasa_environment(settings, {})
    assert env["LOCK_STORE_URL"] == "rediss://:s3cret@redis.internal:6380/4"
    assert env["WIDGET_MESSAGE_QUEUE"] == "rediss://:s3cret@redis.internal:6380/4"
    assert amqp_parts(settings.event_broker_url) == {
        "host": "amqps://mq.internal/asistan", "port": 5671, "username": "shop",
        "password": "pw"}


def test_the_balancer_configuration_is_valid_haproxy(tmp_path: Path) -> None:
    settings = load_settings({**profile("prod"), "ASISTAN_RUNTIME_DIR": str(tmp_path),
                              "RASA_TOKEN": "t"})
    config = render(settings)
    for line in ("server rasa1 127.0.0.1:5006 id 1", "server rasa2 127.0.0.1:5007 id 2",
                 "server actions1 127.0.0.1:5055 id 1", "bind 127.0.0.1:5005",
                 "bind 127.0.0.1:5054", "use-server rasa2 if { var(txn.sticky) -m int 2 }",
                 "option httpchk GET /health", "timeout server 3s"):
        assert line in config
    (tmp_path / "haproxy.cfg").write_text(config, encoding="utf-8")
    check = subprocess.run(["haproxy", "-c", "-f", str(tmp_path / "haproxy.cfg")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_backoff_doubles_on_quick_failures_and_starts_over_after_a_stable_run() -> None:
    backoff = Backoff(first=1, longest=8, stable=60)
    assert [backoff.after_run_of(2) for _ in range(5)] == [1, 2, 4, 8, 8]
    assert backoff.after_run_of(61) == 1


def test_a_child_that_dies_is_logged_and_started_again(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    child = Service("sleeper", [sys.executable, "-c", "import time; time.sleep(600)"], None)
    supervisor = Supervisor([child], {}, tmp_path, Backoff(first=0.1, longest=0.2))
    supervisor.start()
    try:
        first = child.process
        first.kill()
        first.wait()
        with caplog.at_level(logging.WARNING):
            until(lambda: (supervisor.check(), child.process is not first
                           and child.running())[1], 10, "the child started again")
        assert supervisor.restarts == {"sleeper": 1}
        assert "sleeper exited (code -9); starting it again in 0.1 s" in caplog.text
    finally:
        supervisor.stop()
        supervisor.watch()  # stops at once, stopping the child
    assert not child.running()
