"""Agents: hashed passwords and console sessions that expire.

Passwords are hashed with scrypt (standard library, salted, memory-hard). A session cookie
holds a random token; only its SHA-256 is stored, so a copy of the database cannot be used
to log in. Each session has its own CSRF token for the console's forms and API calls.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import List, Tuple

import yaml
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.handoff.models import Agent, AgentSession

SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
SESSION_LIFETIME = timedelta(hours=8)
DEMO_AGENTS = Path(__file__).parent / "data" / "demo_agents.yml"


@dataclass(frozen=True)
class AgentView:
    id: int
    username: str
    display_name: str
    is_supervisor: bool


@dataclass(frozen=True)
class SessionView:
    agent: AgentView
    csrf_token: str
    expires_at: datetime


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), **SCRYPT)
    return hmac.compare_digest(candidate.hex(), digest)


def _view(agent: Agent) -> AgentView:
    return AgentView(agent.id, agent.username, agent.display_name, agent.is_supervisor)


def create_agent(session: Session, username: str, display_name: str, password: str,
                 is_supervisor: bool = False) -> AgentView:
    agent = Agent(username=username, display_name=display_name,
                  password_hash=hash_password(password), is_supervisor=is_supervisor)
    session.add(agent)
    session.flush()
    return _view(agent)


def seed_demo_agents(session: Session) -> None:
    """The console's demo agents (README), for a new install to try the console."""
    for agent in yaml.safe_load(DEMO_AGENTS.read_text("utf-8")):
        create_agent(session, agent["username"], agent["display_name"], agent["password"],
                     agent.get("supervisor", False))


def active_agents(session: Session) -> List[AgentView]:
    query = select(Agent).where(Agent.active.is_(True)).order_by(Agent.display_name)
    return [_view(a) for a in session.execute(query).scalars()]


@cache
def _stand_in_hash() -> str:
    """A hash to check unknown user names against, made once per process."""
    return hash_password(secrets.token_urlsafe(16))


def authenticate(session: Session, username: str, password: str) -> AgentView | None:
    agent = session.execute(
        select(Agent).where(Agent.username == username, Agent.active.is_(True))
    ).scalar_one_or_none()
    if agent is None:
        # Exactly the work of a real check (one scrypt), so timing reveals no user names.
        check_password(password, _stand_in_hash())
        return None
    return _view(agent) if check_password(password, agent.password_hash) else None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, agent_id: int, now: datetime) -> Tuple[str, str]:
    """A new session: (cookie token, CSRF token)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(AgentSession(token_hash=_token_hash(token), agent_id=agent_id, csrf_token=csrf,
                             created_at=now, expires_at=now + SESSION_LIFETIME))
    return token, csrf


def find_session(session: Session, token: str | None, now: datetime) -> SessionView | None:
    if not token:
        return None
    row = session.get(AgentSession, _token_hash(token))
    if row is None or row.expires_at <= now or not row.agent.active:
        return None
    return SessionView(_view(row.agent), row.csrf_token, row.expires_at)


def end_session(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(AgentSession).where(AgentSession.token_hash == _token_hash(token)))
