"""The product's processes, each as one command built from :class:`Settings`.

`python -m bot run`, the end-to-end and fault tests and the benchmark start the very same
commands, so what the tests prove is what a shop runs. A part can also run alone on a
machine of its own (`python -m bot serve PART`, the systemd units and the compose file).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import List, Mapping, Sequence
from urllib.parse import urlsplit

import requests

from bot.ops.balancer import health_url
from bot.settings import PROJECT_ROOT, Settings

# Every part, in start order: the action side first, the balancer before the Rasa servers
# (their action endpoint may be the balancer), the console and the event feed last.
PARTS = ("actions", "balancer", "rasa", "feed", "console")


def port_of(url: str) -> int:
    return urlsplit(url).port or 80


def action_server_command(settings: Settings, port: int) -> List[str]:
    return [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port),
            "--log-file", str(settings.runtime_dir / f"actions-{port}.log")]


def rasa_server_command(settings: Settings, model: Path, port: int) -> List[str]:
    return [
        # Rasa's own command line with the server's extensions (bot/server/).
        sys.executable, "-m", "bot.server", "run",
        "--model", str(model),
        "--endpoints", str(PROJECT_ROOT / "endpoints.yml"),
        "--credentials", str(PROJECT_ROOT / "credentials.yml"),
        "--interface", settings.host,
        "--port", str(port),
        "--enable-api", "--auth-token", settings.rasa_token,
        "--cors", "*",
        "--log-file", str(settings.runtime_dir / f"rasa-{port}.log"),
    ]


def serve_command(part: str) -> List[str]:
    """A part that `python -m bot serve` runs in the foreground."""
    return [sys.executable, "-m", "bot", "serve", part]


@dataclass
class Service:
    """A child process and the URL that tells when it is ready (none: started is ready)."""

    name: str
    command: Sequence[str]
    ready_url: str | None
    process: subprocess.Popen | None = None
    log_path: Path | None = None

    def start(self, env: Mapping[str, str], log_dir: Path) -> None:
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = log_dir / f"{self.name}.out"
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                list(self.command), cwd=PROJECT_ROOT, env=dict(env), stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def ready(self) -> bool:
        """Whether it answers its ready URL now (a started process without one: yes)."""
        if not self.running():
            return False
        if self.ready_url is None:
            return True
        try:
            return requests.get(self.ready_url, timeout=2).status_code < 500
        except requests.RequestException:
            return False

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with code {self.process.returncode}:\n"
                                   + self.log_tail())
            if self.ready():
                return
            time.sleep(0.2)
        raise TimeoutError(f"{self.name} not ready after {timeout:.0f}s: {self.ready_url}")

    def log_tail(self, lines: int = 30) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text("utf-8", "replace").splitlines()[-lines:])

    def stop(self, timeout: float = 15) -> None:
        if not self.running():
            return
        assert self.process is not None
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def product_services(settings: Settings, model: Path,
                     parts: Sequence[str] = PARTS) -> List[Service]:
    """The processes of ``parts`` on this machine, in start order."""
    services: List[Service] = []
    if "actions" in parts:
        for url in settings.action_server_urls:
            port = port_of(url)
            services.append(Service(f"actions-{port}", action_server_command(settings, port),
                                    url.rsplit("/", 1)[0] + "/health"))
    if "balancer" in parts and settings.balanced:
        services.append(Service("balancer", serve_command("balancer"), health_url(settings)))
    if "rasa" in parts:
        for url in settings.rasa_server_urls:
            port = port_of(url)
            services.append(Service(f"rasa-{port}", rasa_server_command(settings, model, port),
                                    f"{url}/status?token={settings.rasa_token}"))
    if "feed" in parts and settings.event_broker_url:
        services.append(Service("feed", serve_command("feed"), None))
    if "console" in parts:
        services.append(Service("console", serve_command("console"),
                                f"http://{settings.host}:{settings.web_port}/health"))
    return services


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
