"""A redelivered webhook is taken in once, whichever process sees it."""

from __future__ import annotations

from datetime import datetime

from bot.records.inbound import first_delivery
from bot.schema import create_schema


def test_the_same_message_id_is_new_only_once(any_database) -> None:
    create_schema(any_database)
    at = datetime(2026, 11, 22, 10, 0)
    assert first_delivery(any_database, "whatsapp", "wamid.1", at)
    assert not first_delivery(any_database, "whatsapp", "wamid.1", at)
    assert first_delivery(any_database, "whatsapp", "wamid.2", at)
    assert first_delivery(any_database, "other", "wamid.1", at)
