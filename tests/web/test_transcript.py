"""The console's transcript: what the shopper saw and did, not Rasa's internals."""

from __future__ import annotations

from bot.web.rasa_api import transcript_messages

RATING = '/inform{"rating":"5"}'


def bot(text, buttons=None):
    return {"event": "bot", "text": text, "timestamp": 1.0,
            "data": {"buttons": buttons} if buttons else {}}


def user(text, **metadata):
    return {"event": "user", "text": text, "timestamp": 2.0, "metadata": metadata,
            "parse_data": {"sentiment": {"label": "neutral"}}}


def test_a_pressed_button_shows_its_title() -> None:
    events = [
        bot("Bu görüşmeyi nasıl değerlendirirsiniz?",
            [{"title": "⭐⭐⭐⭐⭐ Çok iyi", "payload": RATING},
             {"title": "⭐ Çok kötü", "payload": '/inform{"rating":"1"}'}]),
        {"event": "action", "name": "action_listen"},
        user(RATING),
    ]
    texts = [m["text"] for m in transcript_messages(events)]
    assert texts == ["Bu görüşmeyi nasıl değerlendirirsiniz?", "⭐⭐⭐⭐⭐ Çok iyi"]


def test_buttons_of_an_earlier_turn_do_not_rename_a_later_message() -> None:
    events = [bot("Seçin", [{"title": "Evet", "payload": "/affirm"}]), user("hayır"),
              bot("Peki."), user("/affirm")]
    assert [m["text"] for m in transcript_messages(events)][-1] == "/affirm"


def test_buttons_spread_over_the_turn_s_messages_all_count() -> None:
    events = [bot("Siparişlerinizden birini seçin", [{"title": "10045821", "payload": "/a"}]),
              bot("Ya da bir temsilciye bağlanın", [{"title": "Temsilci", "payload": "/b"}]),
              user("/a")]
    assert transcript_messages(events)[-1]["text"] == "10045821"


def test_console_triggered_intents_and_silent_events_are_left_out() -> None:
    events = [user("/EXTERNAL_handoff_resolved", is_external=True),
              {"event": "bot", "text": None, "data": {"custom": {"product": {}}}},
              {"event": "slot", "name": "x", "value": 1},
              bot("Merhaba, ben Zeynep.") | {"metadata": {"agent_name": "Zeynep"}}]
    assert transcript_messages(events) == [{
        "from": "agent", "agent_name": "Zeynep", "text": "Merhaba, ben Zeynep.",
        "template": False, "at": 1.0, "sentiment": None, "buttons": [], "custom": None}]


def test_bot_messages_keep_their_buttons_and_card_for_a_reload() -> None:
    card = {"type": "product", "product": {"name": "Termos"}}
    events = [bot("Seçin", [{"title": "Evet", "payload": "/affirm"}]),
              bot("Termos · 349 TL") | {"data": {"custom": card}}]
    first, second = transcript_messages(events)
    assert first["buttons"] == [{"title": "Evet", "payload": "/affirm"}]
    assert second["custom"] == card
