"""The REST channel's replies: a product card is one message with its text and payload."""

from __future__ import annotations

import asyncio

from bot.channels.rest import RestOutput

CARD = {"type": "product", "product": {"id": 1, "name": "Sony WH-CH520"}}


def collect(*messages: dict) -> list:
    output = RestOutput()
    for message in messages:
        asyncio.run(output.send_response("shopper", dict(message)))
    return output.messages


def test_a_card_is_one_message_with_text_and_payload() -> None:
    [message] = collect({"text": "Sony WH-CH520 · 1.499 TL", "custom": CARD})
    assert message == {"recipient_id": "shopper", "text": "Sony WH-CH520 · 1.499 TL",
                       "custom": CARD}


def test_other_messages_are_as_rasa_sends_them() -> None:
    text, buttons = collect(
        {"text": "Merhaba"},
        {"text": "Başka?", "buttons": [{"title": "Evet", "payload": "/affirm"}]})
    assert text == {"recipient_id": "shopper", "text": "Merhaba"}
    assert buttons["buttons"] == [{"title": "Evet", "payload": "/affirm"}]
