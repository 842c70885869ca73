"""Every setting of Asistan, read once from the environment.

Nothing else in the project reads ``os.environ``: processes call :func:`get_settings` and
pass what they need on. The defaults run everything embedded on one machine (SQLite files
under ``runtime/``); a shop scales out by setting URLs, never by editing code.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Mapping
from zoneinfo import ZoneInfo

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def _read_or_create_secret(path: Path) -> str:
    """Return the secret kept in ``path``, creating a random one on first use.

    A fixed default token would be a shared password; a random one per install is safe and
    still lets every local process (server, console, tests) agree on it.
    """
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    path.write_text(token, encoding="utf-8")
    path.chmod(0o600)
    return token


# Each WhatsApp setting, its environment variable and its default: read here, and handed
# on to Rasa's credentials.yml under the same names (`bot.services.rasa_environment`).
_WHATSAPP_ENV = {
    "verify_token": ("WHATSAPP_VERIFY_TOKEN", ""),
    "app_secret": ("WHATSAPP_APP_SECRET", ""),
    "access_token": ("WHATSAPP_ACCESS_TOKEN", ""),
    "phone_number_id": ("WHATSAPP_PHONE_NUMBER_ID", ""),
    "graph_url": ("WHATSAPP_GRAPH_URL", "https://graph.facebook.com/v19.0"),
    "template": ("WHATSAPP_TEMPLATE", "agent_reply_waiting"),
    "template_language": ("WHATSAPP_TEMPLATE_LANGUAGE", "tr"),
}


@dataclass(frozen=True)
class WhatsAppSettings:
    """The shop's WhatsApp Cloud API app (README: "WhatsApp"); empty values switch it off."""

    verify_token: str
    app_secret: str
    access_token: str
    phone_number_id: str
    graph_url: str
    # The approved template an agent's reply becomes outside the 24-hour service window.
    template: str
    template_language: str

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> WhatsAppSettings:
        return cls(**{field_name: env.get(name, default)
                      for field_name, (name, default) in _WHATSAPP_ENV.items()})

    def as_env(self) -> Dict[str, str]:
        """The settings under their environment names, as credentials.yml reads them."""
        return {name: getattr(self, field_name)
                for field_name, (name, _) in _WHATSAPP_ENV.items()}


@dataclass(frozen=True)
class Settings:
    """The whole configuration; build it with :func:`load_settings`."""

    runtime_dir: Path
    database_url: str
    tracker_database_url: str
    lock_store_url: str | None
    host: str
    rasa_port: int  # where shoppers and the console reach Rasa (the proxy if several)
    rasa_instances: int
    action_port: int  # the first action server; more take the ports after it
    action_servers: int
    gateway_port: int
    action_timeout: float  # seconds Rasa's action gateway waits for an action server
    web_port: int
    rasa_token: str
    timezone: ZoneInfo
    max_verification_failures: int
    # The shop's order numbers, as a regular expression (the NLU and validation share it).
    order_number_pattern: str
    # Where the shop's data comes from: "module:Class" of a bot.shop.ShopBackend.
    shop_backend: str
    log_level: str
    # Where shoppers' browsers reach Rasa's socket.io (the widget); Rasa's own URL by default.
    chat_public_url: str
    # Where shoppers reach Asistan's web app (product pages and images in suggestions).
    web_public_url: str
    whatsapp: WhatsAppSettings
    model_dir: Path = field(default=PROJECT_ROOT / "models")

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def rasa_instance_ports(self) -> List[int]:
        """The Rasa servers: one on ``rasa_port``, or several behind the proxy there."""
        if self.rasa_instances == 1:
            return [self.rasa_port]
        return [self.rasa_port + n for n in range(1, self.rasa_instances + 1)]

    @property
    def rasa_instance_urls(self) -> List[str]:
        return [f"http://{self.host}:{port}" for port in self.rasa_instance_ports]

    @property
    def action_url(self) -> str:
        """Rasa's action endpoint: the gateway (bot/gateway.py)."""
        return f"http://{self.host}:{self.gateway_port}/webhook"

    @property
    def action_server_urls(self) -> List[str]:
        return [f"http://{self.host}:{self.action_port + n}/webhook"
                for n in range(self.action_servers)]


def load_settings(env: Mapping[str, str]) -> Settings:
    """Build settings from an environment mapping (``os.environ`` or a test's dict)."""
    runtime = Path(env.get("ASISTAN_RUNTIME_DIR", PROJECT_ROOT / "runtime")).resolve()
    token = env.get("RASA_TOKEN") or _read_or_create_secret(runtime / "rasa_token")
    host = env.get("ASISTAN_HOST", "127.0.0.1")
    rasa_port = int(env.get("RASA_PORT", "5005"))
    return Settings(
        runtime_dir=runtime,
        database_url=env.get("DATABASE_URL") or _sqlite_url(runtime / "store.db"),
        tracker_database_url=env.get("TRACKER_DATABASE_URL")
        or _sqlite_url(runtime / "tracker.db"),
        lock_store_url=env.get("LOCK_STORE_URL") or None,
        host=host,
        rasa_port=rasa_port,
        rasa_instances=max(1, int(env.get("RASA_INSTANCES", "1"))),
        action_port=int(env.get("ACTION_PORT", "5055")),
        action_servers=max(1, int(env.get("ACTION_SERVERS", "1"))),
        gateway_port=int(env.get("GATEWAY_PORT", "5054")),
        action_timeout=float(env.get("ACTION_TIMEOUT", "2")),
        web_port=int(env.get("WEB_PORT", "8080")),
        rasa_token=token,
        timezone=ZoneInfo(env.get("SHOP_TIMEZONE", "Europe/Istanbul")),
        max_verification_failures=int(env.get("MAX_VERIFICATION_FAILURES", "3")),
        order_number_pattern=env.get("ORDER_NUMBER_PATTERN", r"1\d{7}"),
        shop_backend=env.get("SHOP_BACKEND", "bot.store.backend:SqlShopBackend"),
        log_level=env.get("LOG_LEVEL", "INFO").upper(),
        chat_public_url=env.get("CHAT_PUBLIC_URL") or f"http://{host}:{rasa_port}",
        web_public_url=(env.get("WEB_PUBLIC_URL")
                        or f"http://{host}:{env.get('WEB_PORT', '8080')}").rstrip("/"),
        whatsapp=WhatsAppSettings.from_env(env),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, read from the environment on first use."""
    return load_settings(os.environ)
