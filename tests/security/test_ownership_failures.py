"""Failed ownership checks counted per order and per contact, in a sliding window, on
SQLite and PostgreSQL (bot/records/ownership.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.database.engine import Database
from bot.records.ownership import OwnershipFailure, failures, record_failure, subjects
from bot.schema import create_schema

WINDOW = timedelta(minutes=60)
T0 = datetime(2026, 1, 5, 12, 0)


def test_failures_count_per_order_and_contact_and_age_out(any_database: Database) -> None:
    create_schema(any_database)
    wrong_email = subjects("10045821", "email", "x@example.com")
    other_phone = subjects("10045821", "phone", "5550001122")
    with any_database.unit_of_work() as session:
        assert record_failure(session, wrong_email, T0, WINDOW) == 1
        # The same order with another contact: the order's count goes on.
        assert record_failure(session, other_phone, T0 + timedelta(minutes=10), WINDOW) == 2
        # The phone against another order: the phone's count is 2 now.
        assert record_failure(session, subjects("10045822", "phone", "5550001122"),
                              T0 + timedelta(minutes=20), WINDOW) == 2
        assert failures(session, subjects("10045823"), T0, WINDOW) == 0
        assert failures(session, subjects(None, "email", "x@example.com"),
                        T0 + timedelta(minutes=30), WINDOW) == 1
        # The window slides: the first failure no longer counts an hour later.
        assert failures(session, subjects("10045821"), T0 + timedelta(minutes=61), WINDOW) == 1
        # Recording deletes what left the window, so the table holds one window at most.
        record_failure(session, subjects("10045824"), T0 + timedelta(minutes=125), WINDOW)
        assert session.query(OwnershipFailure).count() == 1


def test_contacts_are_kept_only_as_hashes() -> None:
    kept = " ".join(subjects("10045821", "email", "ayse.yilmaz@example.com")
                    + subjects(None, "phone", "5321112233"))
    assert "ayse" not in kept and "5321112233" not in kept and "order:10045821" in kept
