"""The rendered HAProxy configuration, run by a real HAProxy before small local servers."""

from __future__ import annotations

import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest
import requests

from bot.ops.balancer import command, health_url
from bot.settings import load_settings
from tests.faults.chat import until
from tools.loopback import free_port

# A Rasa server working through a burst answers its health check late: later than the
# check interval (1 s), well within the check's timeout.
BUSY_CHECK_SECONDS = 2.5


class BusyRasaServer(BaseHTTPRequestHandler):
    """Answers turns at once and its health check (``GET /``) only after a busy while."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if self.path == "/":
            time.sleep(BUSY_CHECK_SECONDS)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *_: object) -> None:
        """Quiet: the test reads answers, not access lines."""


@pytest.fixture
def busy_rasa(tmp_path: Path) -> Iterator[str]:
    """HAProxy, as the profile renders it, before one busy Rasa server; yields its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BusyRasaServer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    front = f"http://127.0.0.1:{free_port()}"
    settings = load_settings({
        "ASISTAN_RUNTIME_DIR": str(tmp_path), "RASA_TOKEN": "t", "RASA_URL": front,
        "RASA_SERVER_URLS": f"http://127.0.0.1:{server.server_address[1]}",
        "ACTION_SERVER_URLS": f"http://127.0.0.1:{free_port()}/webhook"})
    assert settings.balances_rasa and not settings.balances_actions
    haproxy = subprocess.Popen(command(settings), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        until(lambda: _answers(health_url(settings)), 10, "HAProxy up")
        until(lambda: _answers(front + "/webhooks/rest/webhook"), 15,
              "the first health checks passed")
        yield front
    finally:
        haproxy.terminate()
        haproxy.wait(10)
        server.shutdown()


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=5).status_code == 200
    except requests.ConnectionError:
        return False


def test_a_busy_server_whose_health_check_answers_late_keeps_getting_turns(
        busy_rasa: str) -> None:
    # Several check intervals: with a check timeout of one interval, two late answers
    # mark the server down and every turn gets a 503 while it works.
    deadline = time.monotonic() + 4 * BUSY_CHECK_SECONDS
    statuses = set()
    while time.monotonic() < deadline:
        statuses.add(requests.get(busy_rasa + "/webhooks/rest/webhook", timeout=10)
                     .status_code)
        time.sleep(0.1)
    assert statuses == {200}
