"""Starting the product's processes: the action server and the Rasa server.

`python -m bot run` and the end-to-end tests start the very same commands, built here from
one :class:`Settings`, so what the tests prove is what a shop runs.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Mapping, Sequence

import requests
from sqlalchemy.engine import make_url

from bot.settings import PROJECT_ROOT, Settings


def rasa_environment(settings: Settings, base: Mapping[str, str]) -> Dict[str, str]:
    """The environment that ``endpoints.yml`` reads its ``${...}`` values from."""
    env = dict(base)
    env["ACTION_ENDPOINT_URL"] = settings.action_url
    env["TRACKER_DATABASE_URL"] = settings.tracker_database_url
    if settings.lock_store_url:
        lock = make_url(settings.lock_store_url)
        env.update(LOCK_STORE_TYPE="bot.lock_store.AtomicRedisLockStore",
                   LOCK_STORE_HOST=lock.host or "127.0.0.1", LOCK_STORE_PORT=str(lock.port or 6379),
                   LOCK_STORE_DB=lock.database or "0")
    else:
        env.update(LOCK_STORE_TYPE="bot.lock_store.PromptInMemoryLockStore",
                   LOCK_STORE_HOST="", LOCK_STORE_PORT="0", LOCK_STORE_DB="0")
    # Children (action server, console) must see the same runtime folder and token.
    env["ASISTAN_RUNTIME_DIR"] = str(settings.runtime_dir)
    env["RASA_TOKEN"] = settings.rasa_token
    env["DATABASE_URL"] = settings.database_url
    # The action server has no authentication: it listens only where the settings say.
    env["SANIC_HOST"] = settings.host
    # credentials.yml: the widget's message queue between Rasa processes, and WhatsApp.
    env["WIDGET_MESSAGE_QUEUE"] = settings.lock_store_url or ""
    env.update(settings.whatsapp.as_env())
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # No telemetry or crash reports: the machine may have no internet, and shops' chats
    # are their own.
    env["RASA_TELEMETRY_ENABLED"] = "false"
    return env


def action_server_command(settings: Settings, port: int) -> List[str]:
    return [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port),
            "--log-file", str(settings.runtime_dir / f"actions-{port}.log")]


def rasa_server_command(settings: Settings, model: Path, port: int) -> List[str]:
    return [
        # Rasa's own command line with runtime fixes (bot/rasa_server.py).
        sys.executable, "-m", "bot.rasa_server", "run",
        "--model", str(model),
        "--endpoints", str(PROJECT_ROOT / "endpoints.yml"),
        "--credentials", str(PROJECT_ROOT / "credentials.yml"),
        "--interface", settings.host,
        "--port", str(port),
        "--enable-api", "--auth-token", settings.rasa_token,
        "--cors", "*",
        "--log-file", str(settings.runtime_dir / f"rasa-{port}.log"),
    ]


@dataclass
class Service:
    """A child process and the URL that tells when it is ready."""

    name: str
    command: Sequence[str]
    ready_url: str
    process: subprocess.Popen | None = None
    log_path: Path | None = None

    def start(self, env: Mapping[str, str], log_dir: Path) -> None:
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = log_dir / f"{self.name}.out"
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            list(self.command), cwd=PROJECT_ROOT, env=dict(env), stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with code {self.process.returncode}:\n"
                                   + self.log_tail())
            try:
                if requests.get(self.ready_url, timeout=2).status_code < 500:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise TimeoutError(f"{self.name} not ready after {timeout:.0f}s: {self.ready_url}")

    def log_tail(self, lines: int = 30) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text("utf-8", "replace").splitlines()[-lines:])

    def stop(self, timeout: float = 15) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def product_services(settings: Settings, model: Path) -> List[Service]:
    """Every process of the product, in start order."""
    base = f"http://{settings.host}"
    ports = [settings.action_port + n for n in range(settings.action_servers)]
    return [
        *(Service(f"actions-{port}", action_server_command(settings, port),
                  f"{base}:{port}/health") for port in ports),
        Service("gateway", [sys.executable, "-m", "bot", "gateway"],
                f"{base}:{settings.gateway_port}/health"),
        *(Service(f"rasa-{port}", rasa_server_command(settings, model, port),
                  f"{base}:{port}/status?token={settings.rasa_token}")
          for port in settings.rasa_instance_ports),
        *([Service("proxy", [sys.executable, "-m", "bot", "proxy"], f"{settings.rasa_url}/")]
          if settings.rasa_instances > 1 else []),
        Service("console", [sys.executable, "-m", "bot", "console"],
                f"{base}:{settings.web_port}/health"),
    ]


def start_all(services: Sequence[Service], env: Mapping[str, str], log_dir: Path,
              timeout: float = 180) -> None:
    """Start services in order, each ready before the next; stop all on any failure."""
    try:
        for service in services:
            service.start(env, log_dir)
            service.wait_ready(timeout)
    except BaseException:
        stop_all(services)
        raise


def stop_all(services: Sequence[Service]) -> None:
    for service in reversed(services):
        service.stop()
