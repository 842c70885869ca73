"""What the widget's socket receives for each kind of bot message: Rasa's socket.io shapes."""

from __future__ import annotations

from bot.channels.widget_messages import widget_messages

CARD = {"type": "product", "product": {
    "id": "P1", "name": "Çelik Termos", "price": 349.9, "price_text": "349,90 TL",
    "rating": 4.6, "rating_count": 31, "image_url": "https://shop.example/products/P1/image.png",
    "url": "https://shop.example/products/P1",
    "buttons": [{"title": "İncele", "url": "https://shop.example/products/P1"},
                {"title": "Benzerlerini göster", "payload": "/similar_products"}]}}


def test_a_product_card_is_a_generic_template_with_its_rating_under_metadata() -> None:
    assert widget_messages({"text": "Çelik Termos · 349,90 TL · ★ 4,6", "custom": CARD,
                            "timestamp": 1.0, "utter_action": "utter_product_item"}) == [{
        "attachment": {"type": "template", "payload": {"template_type": "generic", "elements": [{
            "title": "Çelik Termos", "subtitle": "349,90 TL",
            "image_url": "https://shop.example/products/P1/image.png",
            "default_action": {"type": "web_url", "url": "https://shop.example/products/P1"},
            "buttons": [
                {"type": "web_url", "title": "İncele", "url": "https://shop.example/products/P1"},
                {"type": "postback", "title": "Benzerlerini göster",
                 "payload": "/similar_products"}]}]}},
        "metadata": {"product": {"rating": 4.6, "rating_count": 31}}}]


def test_text_buttons_and_an_agents_reply_in_rasas_shapes() -> None:
    assert widget_messages({"text": "Seçin", "buttons": [
        {"title": "Evet", "payload": "/affirm"}]}) == [{"text": "Seçin", "quick_replies": [
            {"content_type": "text", "title": "Evet", "payload": "/affirm"}]}]
    assert widget_messages({"text": "Merhaba, ben Zeynep", "agent_name": "Zeynep"}) == [
        {"text": "Merhaba, ben Zeynep", "metadata": {"agent_name": "Zeynep"}}]
    assert widget_messages({"text": "Bakın", "image": "https://x.example/a.png"}) == [
        {"text": "Bakın"},
        {"attachment": {"type": "image", "payload": {"src": "https://x.example/a.png"}}}]
    video = {"type": "video", "payload": {"src": "https://x.example/v.mp4"}}
    assert widget_messages({"attachment": video}) == [{"attachment": video}]


def test_other_custom_json_goes_under_custom_and_empty_messages_send_nothing() -> None:
    assert widget_messages({"text": "", "custom": {"other": 1}}) == [{"custom": {"other": 1}}]
    assert widget_messages({"text": None}) == []
