"""An unknown user name costs the same work as a wrong password (bot/handoff/agents.py),
and the login brake's delays grow, then lock (bot/handoff/logins.py)."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import pytest

from bot.database.engine import Database
from bot.handoff import agents, logins
from bot.schema import create_schema

T0 = datetime(2026, 1, 5, 12, 0)
BRAKE = logins.LoginBrake(max_failures=4, window=timedelta(minutes=15), first_delay=1.0)


def test_unknown_and_known_users_cost_one_scrypt_each(fresh_sqlite: Database,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    create_schema(fresh_sqlite)
    with fresh_sqlite.unit_of_work() as session:
        agents.create_agent(session, "zeynep", "Zeynep", "dogru-parola")
    agents._stand_in_hash()  # made once per process, before counting
    calls = []
    real = hashlib.scrypt
    monkeypatch.setattr(hashlib, "scrypt", lambda *a, **k: calls.append(1) or real(*a, **k))
    with fresh_sqlite.unit_of_work() as session:
        for username in ("zeynep", "nobody", "zeynep", "nobody-else"):
            before = len(calls)
            assert agents.authenticate(session, username, "yanlis") is None
            assert len(calls) - before == 1, username


def test_waits_double_after_each_failure_then_the_window_locks(any_database: Database) -> None:
    create_schema(any_database)
    waits = []
    with any_database.unit_of_work() as session:
        for n in range(BRAKE.max_failures):
            logins.record_failure(session, "zeynep", "10.0.0.1", T0 + timedelta(minutes=n),
                                  BRAKE)
            waits.append(logins.wait_seconds(session, "zeynep", "10.0.0.1",
                                             T0 + timedelta(minutes=n), BRAKE))
        last = T0 + timedelta(minutes=BRAKE.max_failures - 1)
        assert waits == [1.0, 2.0, 4.0, 900.0]  # 1, 2, 4 s, then the 15-minute window
        # Locked for the name from anywhere, and for the address whatever the name.
        assert logins.wait_seconds(session, "ZEYNEP ", "10.0.0.9", last, BRAKE) == 900.0
        assert logins.wait_seconds(session, "emre", "10.0.0.1", last, BRAKE) == 900.0
        assert logins.wait_seconds(session, "emre", "10.0.0.9", last, BRAKE) == 0.0
        assert logins.wait_seconds(session, "zeynep", "10.0.0.1",
                                   last + BRAKE.window, BRAKE) == 0.0
