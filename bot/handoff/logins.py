"""Console logins braked per user name and per client address.

Without a brake, a password can be guessed at the speed of the network. Every failed login
counts against the user name and against the client address (both hashed, in
:mod:`bot.database.attempts`, so every console process sees them): after a failure the next
attempt must wait, twice as long after each further failure, and after ``max_failures`` in
the window both are locked until the window has passed since the last failure. An attempt
that comes too early is refused without checking the password, so it teaches nothing and
costs nothing. The numbers are settings (``LOGIN_*``, README).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import List

from sqlalchemy.orm import Session

from bot.database import attempts

USERNAME_LIMIT = 100
PASSWORD_LIMIT = 1000


@dataclass(frozen=True)
class LoginBrake:
    max_failures: int  # failures in the window that lock the name and the address
    window: timedelta
    first_delay: float  # seconds to wait after the first failure; doubled after each


def _subjects(username: str, address: str) -> List[str]:
    return [attempts.hashed("login-user", username.strip().lower()),
            attempts.hashed("login-address", address)]


def wait_seconds(session: Session, username: str, address: str, now: datetime,
                 brake: LoginBrake) -> float:
    """Seconds before this user name may try from this address (0: it may now)."""
    count = attempts.failures(session, _subjects(username, address), now, brake.window)
    if count.failures == 0 or count.last_at is None:
        return 0.0
    if count.failures >= brake.max_failures:
        until = count.last_at + brake.window
    else:
        until = count.last_at + timedelta(seconds=brake.first_delay
                                          * 2 ** (count.failures - 1))
    return max(0.0, (until - now).total_seconds())


def record_failure(session: Session, username: str, address: str, now: datetime,
                   brake: LoginBrake) -> None:
    attempts.record_failure(session, _subjects(username, address), now, brake.window)
