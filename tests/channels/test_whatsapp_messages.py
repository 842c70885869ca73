"""WhatsApp Cloud API limits and shapes, message by message."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from bot.channels.whatsapp_messages import (
    inbound_messages,
    outbound_messages,
    signature_valid,
    split_text,
    window_open,
)

SECRET = "app-secret"


def delivery(*messages: dict, statuses: list | None = None) -> dict:
    value = {"messaging_product": "whatsapp", "messages": list(messages)}
    if statuses is not None:
        value = {"messaging_product": "whatsapp", "statuses": statuses}
    return {"object": "whatsapp_business_account",
            "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}]}


def out(message: dict) -> list:
    return list(outbound_messages(message, "Seçenekler", "agent_reply_waiting", "tr"))


def buttons(count: int, title: str = "Seçenek") -> list:
    return [{"title": f"{title} {n}", "payload": f"/inform{{\"n\":\"{n}\"}}"}
            for n in range(1, count + 1)]


def test_signature_is_checked_over_the_raw_body() -> None:
    body = b'{"entry": []}'
    good = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert signature_valid(SECRET, body, good)
    assert not signature_valid(SECRET, body + b" ", good)
    assert not signature_valid("other", body, good)
    assert not signature_valid(SECRET, body, good.replace("sha256=", "sha1="))
    assert not signature_valid(SECRET, body, None)
    assert not signature_valid("", body, "sha256=" + hmac.new(b"", body,
                                                              hashlib.sha256).hexdigest())


def test_text_button_and_list_replies_become_messages_with_payloads() -> None:
    found = inbound_messages(delivery(
        {"from": "905321112233", "id": "wamid.1", "timestamp": "1700000000", "type": "text",
         "text": {"body": "Merhaba"}},
        {"from": "905321112233", "id": "wamid.2", "timestamp": "1700000001",
         "type": "interactive", "interactive": {"type": "button_reply", "button_reply": {
             "id": "/affirm", "title": "Evet"}}},
        {"from": "905321112233", "id": "wamid.3", "timestamp": "1700000002",
         "type": "interactive", "interactive": {"type": "list_reply", "list_reply": {
             "id": '/inform{"order_id":"10045821"}', "title": "10045821"}}},
    ))
    assert [(m.message_id, m.text, m.readable) for m in found] == [
        ("wamid.1", "Merhaba", True), ("wamid.2", "/affirm", True),
        ("wamid.3", '/inform{"order_id":"10045821"}', True)]
    assert {m.wa_id for m in found} == {"905321112233"}


def test_media_is_unreadable_and_statuses_and_reactions_are_no_messages() -> None:
    found = inbound_messages(delivery(
        {"from": "905321112233", "id": "wamid.4", "type": "image", "image": {"id": "x"}},
        {"from": "905321112233", "id": "wamid.5", "type": "location", "location": {}},
        {"from": "905321112233", "id": "wamid.6", "type": "reaction", "reaction": {}},
    ))
    assert [(m.message_id, m.readable) for m in found] == [("wamid.4", False),
                                                          ("wamid.5", False)]
    assert inbound_messages(delivery(statuses=[{"id": "wamid.9", "status": "read"}])) == []


@pytest.mark.parametrize("payload", [[], "text", {"entry": "x"}, 42])
def test_bodies_that_are_no_delivery_are_refused(payload) -> None:
    with pytest.raises(ValueError):
        inbound_messages(payload)


def test_the_service_window_lasts_24_hours() -> None:
    now = 1_700_000_000.0
    assert window_open(now - 23.9 * 3600, now)
    assert not window_open(now - 24 * 3600, now)
    assert not window_open(None, now)


def test_long_text_is_split_at_4096_on_word_boundaries() -> None:
    text = ("Kargo bilgisi " * 700).strip()  # 9,799 characters
    parts = split_text(text)
    assert len(parts) == 3 and all(len(p) <= 4096 for p in parts)
    assert " ".join(parts) == text
    assert [m["type"] for m in out({"text": text})] == ["text"] * 3


def test_up_to_three_buttons_are_reply_buttons_with_short_titles() -> None:
    [message] = out({"text": "Siparişi iptal edeyim mi?",
                     "buttons": [{"title": "Evet, iptal edilsin lütfen", "payload": "/affirm"},
                                 {"title": "Hayır", "payload": "/deny"}]})
    interactive = message["interactive"]
    assert interactive["type"] == "button"
    assert interactive["body"]["text"] == "Siparişi iptal edeyim mi?"
    replies = [b["reply"] for b in interactive["action"]["buttons"]]
    assert replies[0] == {"id": "/affirm", "title": "Evet, iptal edilsin…"}
    assert all(len(r["title"]) <= 20 for r in replies)


def test_four_to_ten_choices_are_a_list_with_24_character_rows() -> None:
    [message] = out({"text": "Hangi ürün?",
                     "buttons": buttons(9, "Paslanmaz çelik tencere seti")})
    interactive = message["interactive"]
    assert interactive["type"] == "list"
    assert interactive["action"]["button"] == "Seçenekler"
    rows = interactive["action"]["sections"][0]["rows"]
    assert len(rows) == 9
    assert all(len(r["title"]) <= 24 for r in rows)
    assert rows[0]["description"] == "Paslanmaz çelik tencere seti 1"
    assert rows[0]["id"] == '/inform{"n":"1"}'


def test_more_than_ten_choices_fall_back_to_numbered_text() -> None:
    [message] = out({"text": "Hangi ürün?", "buttons": buttons(12)})
    assert message["type"] == "text"
    assert message["text"]["body"].splitlines()[-1] == "12. Seçenek 12"


def test_a_long_question_with_buttons_keeps_the_buttons_on_its_last_part() -> None:
    messages = out({"text": "Uzun açıklama. " * 100, "buttons": buttons(2)})
    assert [m["type"] for m in messages] == ["text", "interactive"]
    assert len(messages[-1]["interactive"]["body"]["text"]) <= 1024


def test_a_reply_outside_the_window_goes_out_as_the_template() -> None:
    [message] = out({"text": "Merhaba, ben Zeynep", "whatsapp_template": True})
    assert message == {"type": "template", "template": {
        "name": "agent_reply_waiting", "language": {"code": "tr"}}}


CARD = {"id": 7, "name": "JBL Flip 6 Bluetooth Hoparlör", "price": 4499.0,
        "price_text": "4.499 TL", "image_url": "https://asistan.example/products/7/image.png",
        "url": "https://asistan.example/products/7",
        "buttons": [{"title": "İncele", "url": "https://asistan.example/products/7"},
                    {"title": "Benzerlerini göster",
                     "payload": '/similar_products{"product_id": "7"}'}]}


def test_a_product_card_is_one_interactive_message_with_its_image() -> None:
    [body] = out({"text": "JBL Flip 6 · 4.499 TL", "custom": {"type": "product", "product": CARD}})
    interactive = body["interactive"]
    assert body["type"] == "interactive" and interactive["type"] == "button"
    assert interactive["header"] == {"type": "image", "image": {"link": CARD["image_url"]}}
    assert interactive["body"]["text"] == (
        "JBL Flip 6 · 4.499 TL\nİncele: https://asistan.example/products/7")
    [button] = interactive["action"]["buttons"]
    assert button == {"type": "reply", "reply": {
        "id": '/similar_products{"product_id": "7"}', "title": "Benzerlerini göster"}}


def test_a_card_stays_within_the_limits() -> None:
    long_name = "Çok uzun ürün adı " * 100
    card = {**CARD, "buttons": CARD["buttons"] + [
        {"title": "Bir başka çok uzun düğme başlığı", "payload": f"/x{n}"} for n in range(4)]}
    [body] = out({"text": long_name, "custom": {"type": "product", "product": card}})
    interactive = body["interactive"]
    assert len(interactive["body"]["text"]) <= 1024
    buttons = interactive["action"]["buttons"]
    assert len(buttons) <= 3 and all(len(b["reply"]["title"]) <= 20 for b in buttons)


@pytest.mark.parametrize("payload", [
    {"entry": [1, "x", None, [], {"changes": "x"}]},
    {"entry": [{"changes": [1, {"value": "x"}, {"value": {"messages": "x"}}]}]},
    {"entry": [{"changes": [{"value": {"messages": [1, "x", {"from": 905321112233}]}}]}]},
    delivery({"from": "905321112233", "id": "wamid.x", "type": "text", "text": "x"}),
    delivery({"from": "905321112233", "id": "wamid.x", "type": "interactive",
              "interactive": "x"}),
    delivery({"from": "905321112233", "id": "wamid.x", "type": "interactive",
              "interactive": {"type": "button_reply", "button_reply": ["x"]}}),
    delivery({"from": "905321112233", "id": "wamid.x", "type": "interactive",
              "interactive": {"type": ["x"]}}),
    delivery({"from": "905321112233", "id": "wamid.x", "type": "button", "button": 3}),
    delivery({"from": "905321112233", "id": "wamid.x", "type": "text",
              "text": {"body": {"x": 1}}, "timestamp": "yesterday"}),
])
def test_wrongly_typed_parts_are_skipped_or_read_as_empty(payload) -> None:
    for message in inbound_messages(payload):
        assert message.text == "" and message.sent_at == 0.0


@pytest.mark.parametrize("sender", ["+905321112233", "90532\n", "", "abc", "1" * 21, None])
def test_messages_without_a_valid_sender_or_id_are_skipped(sender) -> None:
    assert inbound_messages(delivery({"from": sender, "id": "wamid.1", "type": "text",
                                      "text": {"body": "x"}})) == []
    assert inbound_messages(delivery({"from": "905321112233", "id": ["x"], "type": "text",
                                      "text": {"body": "x"}})) == []
