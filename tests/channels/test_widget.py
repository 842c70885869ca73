"""What the widget receives for each kind of bot message."""

from __future__ import annotations

from bot.channels.widget import widget_message


def test_text_buttons_card_and_agent_name_arrive_as_one_event() -> None:
    card = {"name": "Çelik Termos", "price": "349,90", "rating": "4,6", "rating_count": 31}
    assert widget_message({"text": "Çelik Termos · 349,90 TL", "custom": {"product": card},
                           "buttons": [{"title": "Daha fazla", "payload": "/more_products"}],
                           "timestamp": 1.0, "utter_action": "utter_product_item"}) == {
        "text": "Çelik Termos · 349,90 TL", "card": card,
        "buttons": [{"title": "Daha fazla", "payload": "/more_products"}]}
    assert widget_message({"text": "Merhaba, ben Zeynep", "agent_name": "Zeynep"}) == {
        "text": "Merhaba, ben Zeynep", "agent_name": "Zeynep"}


def test_stock_quick_replies_are_buttons_and_empty_messages_are_dropped() -> None:
    assert widget_message({"text": "Seçin", "quick_replies": [
        {"content_type": "text", "title": "Evet", "payload": "/affirm"}]}) == {
        "text": "Seçin", "buttons": [{"title": "Evet", "payload": "/affirm"}]}
    assert widget_message({"text": "", "custom": {"other": 1}}) is None
    assert widget_message({"text": None}) is None
