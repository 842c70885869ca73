"""The replay guard: a delivery is handled once, and one cut short is handled again."""

from datetime import datetime, timedelta

from bot.records.inbound import LEASE, Claim, claim, handled, release
from bot.schema import create_schema

AT = datetime(2024, 3, 18, 12, 0)


def test_a_handled_message_is_a_replay_on_any_channel_key(any_database) -> None:
    create_schema(any_database)
    assert claim(any_database, "whatsapp", "wamid.1", AT) is Claim.NEW
    handled(any_database, "whatsapp", "wamid.1", AT)
    assert claim(any_database, "whatsapp", "wamid.1", AT) is Claim.HANDLED
    assert claim(any_database, "whatsapp", "wamid.2", AT) is Claim.NEW
    assert claim(any_database, "other", "wamid.1", AT) is Claim.NEW


def test_a_message_being_handled_is_not_taken_twice(any_database) -> None:
    create_schema(any_database)
    assert claim(any_database, "whatsapp", "wamid.1", AT) is Claim.NEW
    assert claim(any_database, "whatsapp", "wamid.1", AT + LEASE / 2) is Claim.BUSY


def test_a_claim_whose_process_died_is_taken_over_once(any_database) -> None:
    create_schema(any_database)
    assert claim(any_database, "whatsapp", "wamid.1", AT) is Claim.NEW  # then the crash
    later = AT + LEASE + timedelta(seconds=1)
    assert claim(any_database, "whatsapp", "wamid.1", later) is Claim.NEW
    assert claim(any_database, "whatsapp", "wamid.1", later) is Claim.BUSY


def test_a_released_message_is_handled_at_its_next_delivery(any_database) -> None:
    create_schema(any_database)
    assert claim(any_database, "whatsapp", "wamid.1", AT) is Claim.NEW
    release(any_database, "whatsapp", "wamid.1", AT)
    assert claim(any_database, "whatsapp", "wamid.1", AT + timedelta(seconds=1)) is Claim.NEW
