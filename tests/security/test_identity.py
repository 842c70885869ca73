"""Conversation ids bound to their channel (bot/channels/identity.py)."""

from __future__ import annotations

import pytest

from bot.channels.identity import (
    REST,
    REST_SENDER,
    WIDGET,
    channel_of,
    issue_widget_session,
    rest_conversation,
    widget_session_issued,
)
from bot.channels.whatsapp_messages import CHANNEL as WHATSAPP

SECRET = "shop-token"


def test_issued_widget_ids_are_recognised_and_made_up_ones_are_not() -> None:
    issued = issue_widget_session(SECRET)
    assert widget_session_issued(issued, SECRET)
    assert issued != issue_widget_session(SECRET)
    for made_up in ("0123456789abcdef0123456789abcdef", issued.upper(), issued[:-1] + "0"
                    if issued[-1] != "0" else issued[:-1] + "1", "905321112233",
                    issue_widget_session("another-shop"), None, 12, f"{issued}\n"):
        assert not widget_session_issued(made_up, SECRET), made_up


def test_each_channel_names_only_its_own_conversations() -> None:
    assert channel_of("905321112233") == WHATSAPP
    assert channel_of(issue_widget_session(SECRET)) == WIDGET
    # A REST caller choosing a WhatsApp number or a widget id lands in the REST namespace.
    for sender in ("905321112233", issue_widget_session(SECRET), "rest:x", "e2e-1"):
        assert channel_of(rest_conversation(sender)) == REST
        assert rest_conversation(sender) != sender


@pytest.mark.parametrize("sender", ["abc\n", "", "a" * 129, "a b", "ç", "a/b", "abc\r"])
def test_rest_senders_are_checked_whole(sender: str) -> None:
    assert REST_SENDER.fullmatch(sender) is None
