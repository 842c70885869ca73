"""Failed attempts counted per subject in a sliding window, on SQLite and PostgreSQL
(bot/database/attempts.py), and what an ownership check counts against
(bot/records/ownership.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.database.attempts import FailedAttempt, failures, record_failure
from bot.database.engine import Database
from bot.records.ownership import subjects
from bot.schema import create_schema

WINDOW = timedelta(minutes=60)
T0 = datetime(2026, 1, 5, 12, 0)


def minutes(n: int) -> datetime:
    return T0 + timedelta(minutes=n)


def test_failures_count_per_order_and_contact_and_age_out(any_database: Database) -> None:
    create_schema(any_database)
    wrong_email = subjects("10045821", "email", "x@example.com")
    other_phone = subjects("10045821", "phone", "5550001122")
    with any_database.unit_of_work() as session:
        assert record_failure(session, wrong_email, T0, WINDOW).failures == 1
        # The same order with another contact: the order's count goes on.
        count = record_failure(session, other_phone, minutes(10), WINDOW)
        assert (count.failures, count.last_at) == (2, minutes(10))
        # The phone against another order: the phone's count is 2 now.
        assert record_failure(session, subjects("10045822", "phone", "5550001122"),
                              minutes(20), WINDOW).failures == 2
        assert failures(session, subjects("10045823"), T0, WINDOW).failures == 0
        assert failures(session, subjects(None, "email", "x@example.com"), minutes(30),
                        WINDOW).failures == 1
        # The window slides: the first failure no longer counts an hour later.
        assert failures(session, subjects("10045821"), minutes(61), WINDOW).failures == 1
        # Recording deletes what left the window, so the table holds one window at most.
        record_failure(session, subjects("10045824"), minutes(125), WINDOW)
        assert session.query(FailedAttempt).count() == 1


def test_contacts_are_kept_only_as_hashes() -> None:
    kept = " ".join(subjects("10045821", "email", "ayse.yilmaz@example.com")
                    + subjects(None, "phone", "5321112233"))
    assert "ayse" not in kept and "5321112233" not in kept and "order:10045821" in kept
