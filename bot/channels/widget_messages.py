"""The socket.io events of one bot message, in the shapes Rasa's own socket.io channel sends.

``{"text"}``, ``{"text", "quick_replies"}``, an ``attachment`` (a product card is a generic
template with one element, as Messenger and rasa-webchat draw it) or ``{"custom"}``: any
client made for Rasa's channel shows every reply. What only Asistan's widget uses (the
agent's name, the card's rating) rides under ``metadata``, which such clients read for
their own settings and otherwise ignore. No Rasa import here: the console's history route
(``bot/web/widget.py``) sends the same events after a reload.
"""

from __future__ import annotations

from typing import Any, Dict, List


def _card_button(button: Dict[str, Any]) -> Dict[str, Any]:
    if button.get("url"):
        return {"type": "web_url", "title": button["title"], "url": button["url"]}
    return {"type": "postback", "title": button["title"], "payload": button["payload"]}


def _card(card: Dict[str, Any]) -> Dict[str, Any]:
    """A product card as a generic template's element (title, subtitle, image, buttons)."""
    element: Dict[str, Any] = {
        "title": str(card.get("name") or ""),
        "subtitle": str(card.get("price_text") or ""),
        "buttons": [_card_button(b) for b in card.get("buttons") or []
                    if b.get("title") and (b.get("url") or b.get("payload"))],
    }
    if card.get("image_url"):
        element["image_url"] = card["image_url"]
    if card.get("url"):
        element["default_action"] = {"type": "web_url", "url": card["url"]}
    return {"attachment": {"type": "template", "payload": {
        "template_type": "generic", "elements": [element]}}}


def widget_messages(message: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The socket.io events for one bot message, in Rasa's formats; none when it is empty.

    A product card replaces its text (the same facts written out for text-only channels).
    """
    text = str(message.get("text") or "")
    buttons = message.get("buttons") or message.get("quick_replies") or []
    custom = message.get("custom")
    metadata: Dict[str, Any] = {}
    if message.get("agent_name"):
        metadata["agent_name"] = message["agent_name"]
    events: List[Dict[str, Any]] = []
    if isinstance(custom, dict) and custom.get("type") == "product" and isinstance(
            custom.get("product"), dict):
        product = custom["product"]
        metadata["product"] = {"rating": product.get("rating"),
                               "rating_count": product.get("rating_count")}
        events.append(_card(product))
    elif buttons:
        events.append({"text": text, "quick_replies": [
            {"content_type": "text", "title": b["title"], "payload": b["payload"]}
            for b in buttons]})
    elif text:
        events.append({"text": text})
    if isinstance(custom, dict) and custom.get("type") != "product":
        events.append({"custom": custom})
    if message.get("image"):
        events.append({"attachment": {"type": "image",
                                      "payload": {"src": str(message["image"])}}})
    if isinstance(message.get("attachment"), dict):
        events.append({"attachment": message["attachment"]})
    if metadata:
        for event in events:
            event["metadata"] = metadata
    return events
