"""Every setting of Asistan, read once from the environment.

Nothing else in the project reads ``os.environ``: processes call :func:`get_settings` and
pass what they need on. The defaults run everything embedded on one machine (SQLite files
under ``runtime/``); a shop scales out by setting URLs, never by editing code.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
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
# on to Rasa's credentials.yml under the same names (`bot.ops.environment.rasa_environment`).
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


def _url_list(value: str) -> List[str]:
    return [url.strip().rstrip("/") for url in value.split(",") if url.strip()]


@dataclass(frozen=True)
class Settings:
    """The whole configuration; build it with :func:`load_settings`.

    Every component is named by a full URL, so each can live on a machine of its own; the
    defaults put everything on this machine, one process each.
    """

    runtime_dir: Path
    database_url: str  # the shop's store, the agent queue and Asistan's own records
    tracker_database_url: str  # Rasa's conversations (any SQLAlchemy URL)
    lock_store_url: str | None  # redis://[:password@]host:port/db or rediss:// (TLS)
    event_broker_url: str | None  # amqp://user:password@host:port/vhost (RabbitMQ)
    event_queue: str  # the RabbitMQ queue (and exchange) Rasa's events travel through
    host: str  # the interface this machine's servers listen on
    rasa_url: str  # where shoppers and the console reach Rasa (the balancer if several)
    rasa_server_urls: List[str]  # each Rasa server
    action_server_urls: List[str]  # each action server's webhook
    action_endpoint_url: str  # what Rasa calls for an action (the balancer if several)
    action_timeout: float  # seconds an action may take before the polite answer
    web_port: int
    rasa_token: str
    timezone: ZoneInfo
    # Failed proofs of ownership an order or a contact may have in the sliding window
    # (across conversations and channels, bot/records/ownership.py) before it is locked.
    max_verification_failures: int
    verification_window: timedelta
    # Console logins (bot/handoff/logins.py): failures per user name and per address in
    # the window before both are locked, and the wait after the first failure (doubling).
    login_max_failures: int
    login_window: timedelta
    login_first_delay: float
    # KVKK: a conversation idle this long (and not with people) loses its personal data
    # (`python -m bot forget --expired`, bot/privacy.py).
    retention: timedelta
    # The shop's order numbers, as a regular expression (the NLU and validation share it).
    order_number_pattern: str
    # Where the shop's data comes from: "module:Class" of a bot.shop.ShopBackend.
    shop_backend: str
    # The shop's JSON API, for bot.shop.http:HttpShopBackend (docs/shop-api.md): its base
    # URL, a bearer token ("" for none) and how long one call may take, in seconds (less
    # than the action's deadline, so a slow shop still gets the shopper a polite answer).
    shop_api_url: str
    shop_api_token: str
    shop_api_timeout: float
    log_level: str
    # Where shoppers' browsers reach Rasa's socket.io (the widget); Rasa's own URL by default.
    chat_public_url: str
    # Where shoppers reach Asistan's web app (product pages and images in suggestions).
    web_public_url: str
    whatsapp: WhatsAppSettings
    model_dir: Path = field(default=PROJECT_ROOT / "models")
    # Labelled text that is not part of the project (no licence to ship it): only the
    # maintainer's sentiment training and `make eval` read it, when it is there.
    datasets_dir: Path = field(default=PROJECT_ROOT.parent / "shared" / "datasets")

    @property
    def balances_rasa(self) -> bool:
        """Whether HAProxy, at ``rasa_url``, stands before the Rasa servers."""
        return self.rasa_server_urls != [self.rasa_url]

    @property
    def balances_actions(self) -> bool:
        """Whether HAProxy, at ``action_endpoint_url``, stands before the action servers."""
        return self.action_endpoint_url not in self.action_server_urls

    @property
    def balanced(self) -> bool:
        return self.balances_rasa or self.balances_actions


def load_settings(env: Mapping[str, str]) -> Settings:
    """Build settings from an environment mapping (``os.environ`` or a test's dict)."""
    runtime = Path(env.get("ASISTAN_RUNTIME_DIR", PROJECT_ROOT / "runtime")).resolve()
    token = env.get("RASA_TOKEN") or _read_or_create_secret(runtime / "rasa_token")
    host = env.get("ASISTAN_HOST", "127.0.0.1")
    rasa_url = (env.get("RASA_URL") or f"http://{host}:{env.get('RASA_PORT', '5005')}"
                ).rstrip("/")
    actions = _url_list(env.get("ACTION_SERVER_URLS", "")) or [
        f"http://{host}:{env.get('ACTION_PORT', '5055')}/webhook"]
    balancer = f"http://{host}:{env.get('ACTION_BALANCER_PORT', '5054')}/webhook"
    return Settings(
        runtime_dir=runtime,
        database_url=env.get("DATABASE_URL") or _sqlite_url(runtime / "store.db"),
        tracker_database_url=env.get("TRACKER_DATABASE_URL")
        or _sqlite_url(runtime / "tracker.db"),
        lock_store_url=env.get("LOCK_STORE_URL") or None,
        event_broker_url=env.get("EVENT_BROKER_URL") or None,
        event_queue=env.get("EVENT_QUEUE", "asistan_events"),
        host=host,
        rasa_url=rasa_url,
        rasa_server_urls=_url_list(env.get("RASA_SERVER_URLS", "")) or [rasa_url],
        action_server_urls=actions,
        action_endpoint_url=env.get("ACTION_ENDPOINT_URL")
        or (actions[0] if len(actions) == 1 else balancer),
        action_timeout=float(env.get("ACTION_TIMEOUT", "2")),
        web_port=int(env.get("WEB_PORT", "8080")),
        rasa_token=token,
        timezone=ZoneInfo(env.get("SHOP_TIMEZONE", "Europe/Istanbul")),
        max_verification_failures=int(env.get("MAX_VERIFICATION_FAILURES", "3")),
        verification_window=timedelta(
            minutes=float(env.get("VERIFICATION_WINDOW_MINUTES", "60"))),
        login_max_failures=int(env.get("LOGIN_MAX_FAILURES", "10")),
        login_window=timedelta(minutes=float(env.get("LOGIN_WINDOW_MINUTES", "15"))),
        login_first_delay=float(env.get("LOGIN_FIRST_DELAY_SECONDS", "1")),
        retention=timedelta(days=float(env.get("RETENTION_DAYS", "180"))),
        order_number_pattern=env.get("ORDER_NUMBER_PATTERN", r"1\d{7}"),
        shop_backend=env.get("SHOP_BACKEND", "bot.store.backend:SqlShopBackend"),
        shop_api_url=env.get("SHOP_API_URL", "").rstrip("/"),
        shop_api_token=env.get("SHOP_API_TOKEN", ""),
        shop_api_timeout=float(env.get("SHOP_API_TIMEOUT", "1.5")),
        log_level=env.get("LOG_LEVEL", "INFO").upper(),
        chat_public_url=env.get("CHAT_PUBLIC_URL") or rasa_url,
        web_public_url=(env.get("WEB_PUBLIC_URL")
                        or f"http://{host}:{env.get('WEB_PORT', '8080')}").rstrip("/"),
        whatsapp=WhatsAppSettings.from_env(env),
        datasets_dir=Path(env.get("DATASETS_DIR")
                          or PROJECT_ROOT.parent / "shared" / "datasets").resolve(),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, read from the environment on first use."""
    return load_settings(os.environ)
