"""HAProxy's configuration, rendered from the settings, and the command that runs HAProxy.

The template is ``deploy/haproxy/haproxy.cfg.j2``: health checks, failover, socket.io
stickiness and timeouts are there; the servers and the addresses it listens on come from
the settings' URLs, so the balancer fronts servers on any machine.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Dict, List
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bot.settings import PROJECT_ROOT, Settings

TEMPLATE = PROJECT_ROOT / "deploy" / "haproxy" / "haproxy.cfg.j2"
# Answered by HAProxy itself: it is up (whatever the servers behind it are doing).
HEALTH_PATH = "/balancer/health"


def _servers(prefix: str, urls: List[str]) -> List[Dict[str, object]]:
    return [{"name": f"{prefix}{n}", "id": n, "address": urlsplit(url).netloc}
            for n, url in enumerate(urls, start=1)]


def _bind(settings: Settings, url: str) -> str:
    return f"{settings.host}:{urlsplit(url).port or 80}"


def render(settings: Settings) -> str:
    template = Environment(loader=FileSystemLoader(TEMPLATE.parent), undefined=StrictUndefined,
                           keep_trailing_newline=True).get_template(TEMPLATE.name)
    return template.render(
        rasa_bind=_bind(settings, settings.rasa_url),
        action_bind=_bind(settings, settings.action_endpoint_url),
        rasa_servers=_servers("rasa", settings.rasa_server_urls)
        if settings.balances_rasa else [],
        action_servers=_servers("actions", settings.action_server_urls)
        if settings.balances_actions else [],
        action_timeout=settings.action_timeout,
        health_path=HEALTH_PATH,
    )


def health_url(settings: Settings) -> str:
    """Where the balancer answers that it runs (on the Rasa side if it balances it)."""
    front = (settings.rasa_url if settings.balances_rasa
             else settings.action_endpoint_url.rsplit("/", 1)[0])
    return front + HEALTH_PATH


def write_config(settings: Settings) -> Path:
    path = settings.runtime_dir / "haproxy.cfg"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(settings), encoding="utf-8")
    return path


def command(settings: Settings) -> List[str]:
    """HAProxy in the foreground (``-db``), on a configuration written afresh."""
    haproxy = shutil.which("haproxy")
    if haproxy is None:
        raise SystemExit("haproxy is not installed: `apt-get install haproxy` (Debian)")
    return [haproxy, "-db", "-f", str(write_config(settings))]
