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
from typing import Mapping
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


@dataclass(frozen=True)
class Settings:
    """The whole configuration; build it with :func:`load_settings`."""

    runtime_dir: Path
    database_url: str
    tracker_database_url: str
    lock_store_url: str | None
    host: str
    rasa_port: int
    action_port: int
    web_port: int
    rasa_token: str
    timezone: ZoneInfo
    max_verification_failures: int
    log_level: str
    model_dir: Path = field(default=PROJECT_ROOT / "models")

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://{self.host}:{self.action_port}/webhook"


def load_settings(env: Mapping[str, str]) -> Settings:
    """Build settings from an environment mapping (``os.environ`` or a test's dict)."""
    runtime = Path(env.get("ASISTAN_RUNTIME_DIR", PROJECT_ROOT / "runtime")).resolve()
    token = env.get("RASA_TOKEN") or _read_or_create_secret(runtime / "rasa_token")
    return Settings(
        runtime_dir=runtime,
        database_url=env.get("DATABASE_URL") or _sqlite_url(runtime / "store.db"),
        tracker_database_url=env.get("TRACKER_DATABASE_URL")
        or _sqlite_url(runtime / "tracker.db"),
        lock_store_url=env.get("LOCK_STORE_URL") or None,
        host=env.get("ASISTAN_HOST", "127.0.0.1"),
        rasa_port=int(env.get("RASA_PORT", "5005")),
        action_port=int(env.get("ACTION_PORT", "5055")),
        web_port=int(env.get("WEB_PORT", "8080")),
        rasa_token=token,
        timezone=ZoneInfo(env.get("SHOP_TIMEZONE", "Europe/Istanbul")),
        max_verification_failures=int(env.get("MAX_VERIFICATION_FAILURES", "3")),
        log_level=env.get("LOG_LEVEL", "INFO").upper(),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, read from the environment on first use."""
    return load_settings(os.environ)
