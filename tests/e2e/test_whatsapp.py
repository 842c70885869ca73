"""WhatsApp end to end: the real connector in the real Rasa server, Meta on both sides.

Deliveries are signed as Meta signs them; what the bot sends arrives at a local stand-in of
the Graph API (tests/e2e/graph_api.py), which records it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import time
import uuid
from typing import Any, Dict, List

import pytest
import requests
from sqlalchemy import create_engine, text

from bot.settings import Settings
from tests.e2e.conftest import WHATSAPP
from tests.e2e.graph_api import GraphApiStandIn
from tests.e2e.test_rest_conversation import variations
from tests.web.conftest import base, login

pytestmark = pytest.mark.e2e
AYSE_WHATSAPP = "905321112233"  # the phone of demo orders 10045821-10045825


def sign(body: bytes, secret: str = WHATSAPP["WHATSAPP_APP_SECRET"]) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def texts(bodies: List[Dict[str, Any]]) -> List[str]:
    """What the shopper reads: text bodies and interactive bodies."""
    found = []
    for body in bodies:
        if body["type"] == "text":
            found.append(body["text"]["body"])
        elif body["type"] == "interactive":
            found.append(body["interactive"]["body"]["text"])
    return found


class WhatsAppShopper:
    """A shopper whose messages reach the webhook the way Meta delivers them."""

    def __init__(self, product: Settings, graph: GraphApiStandIn, wa_id: str | None = None):
        self.product = product
        self.graph = graph
        self.wa_id = wa_id or f"90555{random.randrange(10**7):07d}"
        self.url = f"{product.rasa_url}/webhooks/whatsapp/webhook"

    def deliver(self, message: Dict[str, Any], signature: str | None = "valid",
                raw: bytes | None = None) -> requests.Response:
        body = raw if raw is not None else json.dumps({
            "object": "whatsapp_business_account",
            "entry": [{"id": "waba", "changes": [{"field": "messages", "value": {
                "messaging_product": "whatsapp",
                "metadata": {"phone_number_id": WHATSAPP["WHATSAPP_PHONE_NUMBER_ID"]},
                "contacts": [{"profile": {"name": "Müşteri"}, "wa_id": self.wa_id}],
                "messages": [message]}}]}],
        }).encode()
        headers = {"Content-Type": "application/json"}
        if signature == "valid":
            headers["X-Hub-Signature-256"] = sign(body)
        elif signature is not None:
            headers["X-Hub-Signature-256"] = signature
        return requests.post(self.url, data=body, headers=headers, timeout=60)

    def message(self, kind: str, content: Dict[str, Any], message_id: str | None = None,
                ) -> Dict[str, Any]:
        return {"from": self.wa_id, "id": message_id or f"wamid.{uuid.uuid4().hex}",
                "timestamp": str(int(time.time())), "type": kind, kind: content}

    def says(self, text: str) -> List[Dict[str, Any]]:
        """Send a text; return what the bot sent back to this shopper."""
        return self._exchange(self.message("text", {"body": text}))

    def taps(self, reply_id: str, title: str, kind: str = "button_reply") -> List[Dict]:
        return self._exchange(self.message("interactive", {"type": kind, kind: {
            "id": reply_id, "title": title}}))

    def _exchange(self, message: Dict[str, Any]) -> List[Dict[str, Any]]:
        before = len(self.graph.sent_to(self.wa_id))
        answer = self.deliver(message)
        assert answer.status_code == 200, answer.text
        return self.graph.sent_to(self.wa_id)[before:]

    def user_turns(self) -> List[str]:
        tracker = requests.get(f"{self.product.rasa_url}/conversations/{self.wa_id}/tracker",
                               params={"token": self.product.rasa_token}, timeout=10).json()
        return [e["text"] for e in tracker["events"] if e.get("event") == "user"]


def test_webhook_verification_echoes_the_challenge_to_the_right_token(
        product: Settings) -> None:
    url = f"{product.rasa_url}/webhooks/whatsapp/webhook"
    params = {"hub.mode": "subscribe", "hub.challenge": "1158201444",
              "hub.verify_token": WHATSAPP["WHATSAPP_VERIFY_TOKEN"]}
    answer = requests.get(url, params=params, timeout=10)
    assert answer.status_code == 200 and answer.text == "1158201444"
    wrong = requests.get(url, params={**params, "hub.verify_token": "guess"}, timeout=10)
    assert wrong.status_code == 403


def test_unsigned_forged_and_malformed_posts_reach_no_conversation(
        product: Settings, graph_api: GraphApiStandIn) -> None:
    shopper = WhatsAppShopper(product, graph_api)
    hello = shopper.message("text", {"body": "Merhaba"})
    assert shopper.deliver(hello, signature=None).status_code == 401
    assert shopper.deliver(hello, signature=sign(b"other body")).status_code == 403
    assert shopper.deliver(hello, signature=sign(
        json.dumps(hello).encode(), secret="not-the-app-secret")).status_code == 403
    broken = b'{"entry": [ {"changes": '
    assert shopper.deliver({}, raw=broken, signature=sign(broken)).status_code == 400
    invalid_utf8 = b'{"entry": "\xff\xfe"}'
    assert shopper.deliver({}, raw=invalid_utf8,
                           signature=sign(invalid_utf8)).status_code == 400
    assert shopper.user_turns() == []
    assert graph_api.sent_to(shopper.wa_id) == []


def test_status_callbacks_are_acknowledged_silently(
        product: Settings, graph_api: GraphApiStandIn) -> None:
    shopper = WhatsAppShopper(product, graph_api)
    body = json.dumps({"object": "whatsapp_business_account", "entry": [{"changes": [{
        "field": "messages", "value": {"statuses": [
            {"id": "wamid.out.1", "status": "delivered", "recipient_id": shopper.wa_id}]}}]}]})
    answer = shopper.deliver({}, raw=body.encode(), signature=sign(body.encode()))
    assert answer.status_code == 200
    assert graph_api.sent_to(shopper.wa_id) == []


def test_a_photo_gets_a_polite_note_of_what_the_bot_reads(
        product: Settings, graph_api: GraphApiStandIn) -> None:
    shopper = WhatsAppShopper(product, graph_api)
    sent = shopper._exchange(shopper.message("image", {"id": "media-1",
                                                       "mime_type": "image/jpeg"}))
    assert texts(sent) == variations("utter_unsupported_message")


def test_a_replayed_delivery_is_handled_once(
        product: Settings, graph_api: GraphApiStandIn) -> None:
    shopper = WhatsAppShopper(product, graph_api)
    hello = shopper.message("text", {"body": "merhaba"}, message_id="wamid.replayed")
    first = shopper._exchange(hello)
    assert first
    assert shopper._exchange(hello) == []
    assert shopper.user_turns() == ["merhaba"]


def test_order_tracking_by_the_phone_whatsapp_vouches_for(
        product: Settings, graph_api: GraphApiStandIn) -> None:
    shopper = WhatsAppShopper(product, graph_api, wa_id=AYSE_WHATSAPP)
    assert any("sipariş numara" in t.lower() for t in texts(shopper.says("siparişim nerede")))
    answer = " ".join(texts(shopper.says("10045821")))
    assert "10045821 numaralı" in answer  # no e-mail asked: the number is hers
    # Verified now, she picks from her recent orders: more than three, so a list.
    choices = shopper.says("peki diğer siparişim nerede")
    lists = [b for b in choices if b["type"] == "interactive"
             and b["interactive"]["type"] == "list"]
    assert lists, choices
    rows = lists[0]["interactive"]["action"]["sections"][0]["rows"]
    assert 3 < len(rows) <= 10 and all(len(r["title"]) <= 24 for r in rows)
    chosen = json.loads(rows[0]["id"].removeprefix("/inform"))["order_id"]
    answer = " ".join(texts(shopper.taps(rows[0]["id"], rows[0]["title"], kind="list_reply")))
    assert f"{chosen} numaralı" in answer


def test_few_choices_come_as_reply_buttons(product: Settings,
                                           graph_api: GraphApiStandIn) -> None:
    shopper = WhatsAppShopper(product, graph_api)
    question = shopper.says("bana bir aşk şiiri yazar mısın")[-1]  # out of scope: 2 choices
    assert question["type"] == "interactive" and question["interactive"]["type"] == "button"
    buttons = [b["reply"] for b in question["interactive"]["action"]["buttons"]]
    assert 1 <= len(buttons) <= 3 and all(len(b["title"]) <= 20 for b in buttons)
    where = next(b for b in buttons if b["id"] == "/order_status")
    assert any("sipariş numara" in t.lower()
               for t in texts(shopper.taps(where["id"], where["title"])))


def test_product_cards_come_with_their_image_and_a_similar_button(
        product: Settings, graph_api: GraphApiStandIn) -> None:
    shopper = WhatsAppShopper(product, graph_api)
    sent = shopper.says("kablosuz kulaklık önerir misin")
    cards = [b for b in sent if b["type"] == "interactive"
             and b["interactive"].get("header", {}).get("type") == "image"]
    assert cards
    for card in cards:
        interactive = card["interactive"]
        assert interactive["header"]["image"]["link"].endswith("/image.png")
        assert "TL ·" in interactive["body"]["text"] and "/products/" in interactive["body"]["text"]
        assert len(interactive["body"]["text"]) <= 1024
    [similar] = cards[0]["interactive"]["action"]["buttons"]
    alike = shopper.taps(similar["reply"]["id"], similar["reply"]["title"])
    assert any(b["type"] == "interactive" and "header" in b["interactive"] for b in alike)


def test_a_very_long_message_is_answered(product: Settings,
                                         graph_api: GraphApiStandIn) -> None:
    shopper = WhatsAppShopper(product, graph_api)
    sent = shopper.says("kargom nerede " * 800)  # 11,200 characters
    assert texts(sent)
    assert len(shopper.user_turns()[0]) <= 2000


def _age_conversation(product: Settings, conversation_id: str, hours: float) -> None:
    """Move a conversation's events into the past (the service window closes), in Rasa's
    tracker store itself: its HTTP API can only append events."""
    engine = create_engine(product.tracker_database_url)
    with engine.begin() as connection:
        rows = connection.execute(text("SELECT id, data FROM events WHERE sender_id = :sender"),
                                  {"sender": conversation_id}).all()
        for row_id, data in rows:  # Rasa rebuilds events from the JSON in `data`
            event = json.loads(data)
            event["timestamp"] -= hours * 3600
            connection.execute(text("UPDATE events SET data = :data, timestamp = :at "
                                    "WHERE id = :id"),
                               {"data": json.dumps(event), "at": event["timestamp"],
                                "id": row_id})
    engine.dispose()


def test_handoff_with_agent_replies_inside_and_outside_the_window(
        product: Settings, graph_api: GraphApiStandIn) -> None:
    shopper = WhatsAppShopper(product, graph_api)
    assert any("müşteri temsilcimize" in t
               for t in texts(shopper.says("müşteri temsilcisiyle görüşmek istiyorum")))
    agent = login(product, "temsilci")
    waiting = agent.get(base(product) + "/api/queue", timeout=10).json()["waiting"]
    ticket = next(t for t in waiting if t["conversation_id"] == shopper.wa_id)
    assert ticket["channel"] == "whatsapp"
    assert agent.post(f"{base(product)}/api/tickets/{ticket['id']}/claim", timeout=10).ok
    detail = agent.get(f"{base(product)}/api/tickets/{ticket['id']}", timeout=10).json()
    assert detail["whatsapp_window_open"] is True

    answer = agent.post(f"{base(product)}/api/tickets/{ticket['id']}/reply",
                        json={"text": "Merhaba, ben Zeynep. Nasıl yardımcı olabilirim?"},
                        timeout=30)
    assert answer.json()["sent_as"] == "text"
    graph_api.wait_for(shopper.wa_id, lambda b: b["type"] == "text"
                       and "ben Zeynep" in b["text"]["body"])

    _age_conversation(product, shopper.wa_id, hours=25)
    detail = agent.get(f"{base(product)}/api/tickets/{ticket['id']}", timeout=10).json()
    assert detail["whatsapp_window_open"] is False
    before = len(graph_api.sent_to(shopper.wa_id))
    answer = agent.post(f"{base(product)}/api/tickets/{ticket['id']}/reply",
                        json={"text": "Siparişinizi kontrol ettim."}, timeout=30)
    assert answer.json()["sent_as"] == "template"
    sent = graph_api.sent_to(shopper.wa_id)[before:]
    assert [b["type"] for b in sent] == ["template"]
    assert sent[0]["template"]["language"]["code"] == "tr"
    # The shopper answers the template: the window is open again.
    shopper.says("Merhaba, buradayım")
    detail = agent.get(f"{base(product)}/api/tickets/{ticket['id']}", timeout=10).json()
    assert detail["whatsapp_window_open"] is True
