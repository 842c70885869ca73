"""Typed Rasa commands are text; offered button payloads are intents (bot/server/commands.py)."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Restarted,
    SessionStarted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.server.commands import command_allowed, offered_payloads

RATING = '/inform{"rating":"5"}'
CARD_MORE = '/more_like{"product_id":"42"}'


def tracker(*events) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("rest:t", [SessionStarted(), *events])


def offered() -> DialogueStateTracker:
    return tracker(
        UserUttered("merhaba"), ActionExecuted("utter_greet"),
        BotUttered("Puanlar mısınız?", {"buttons": [{"title": "5", "payload": RATING}]}),
        BotUttered("Termos", {"custom": {"product": {"buttons": [
            {"title": "Benzerleri", "payload": CARD_MORE}, {"title": "Sayfa", "url": "x"}]}}}))


def test_payloads_of_the_buttons_just_offered_are_commands() -> None:
    assert offered_payloads(offered()) == {RATING, CARD_MORE}
    assert command_allowed(RATING, offered()) and command_allowed(f" {CARD_MORE} ", offered())


@pytest.mark.parametrize("text", [
    "/restart", "/session_start", "/back", "/inform{\"rating\":\"1\"}", "/affirm",
    '/inform{"order_id":"10045821"}', "//restart", " /restart", "/"])
def test_anything_else_typed_with_a_slash_is_text(text: str) -> None:
    assert not command_allowed(text, offered())
    assert not command_allowed(text, None)


def test_buttons_offered_earlier_in_the_session_still_work_but_not_after_it() -> None:
    later = offered()
    later.update(UserUttered("5"))
    assert command_allowed(CARD_MORE, later)  # a card scrolled up
    expired = offered()
    expired.update(SessionStarted())
    assert not command_allowed(RATING, expired)
    restarted = offered()
    restarted.update(Restarted())
    assert not command_allowed(RATING, restarted)


def test_plain_text_and_channel_intents_pass() -> None:
    assert command_allowed("siparişim nerede", None)
    assert command_allowed("/EXTERNAL_unsupported_message", None)
