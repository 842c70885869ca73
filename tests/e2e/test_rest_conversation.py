"""A whole Turkish conversation over the REST channel, against the real processes."""

from __future__ import annotations

import uuid
from typing import List

import pytest
import requests
import yaml

from bot.channels.identity import rest_conversation
from bot.settings import PROJECT_ROOT, Settings

pytestmark = pytest.mark.e2e
RESPONSES = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text("utf-8"))["responses"]


def variations(response: str) -> List[str]:
    """Every text the bot may pick for a response without variables."""
    return [variant["text"] for variant in RESPONSES[response]]


class Shopper:
    def __init__(self, settings: Settings) -> None:
        self.url = f"{settings.rasa_url}/webhooks/rest/webhook"
        self.sender = f"e2e-{uuid.uuid4().hex[:8]}"
        self.conversation_id = rest_conversation(self.sender)
        self.last_buttons: List[dict] = []

    def sends(self, text: str) -> List[dict]:
        """Send a message; return the replies, which may be none (an agent has the chat)."""
        response = requests.post(self.url, json={"sender": self.sender, "message": text},
                                 timeout=60)
        response.raise_for_status()
        return response.json()

    def says(self, text: str) -> str:
        """Send a message; return every text the bot answered, one per line."""
        replies = self.sends(text)
        assert replies, f"no answer to {text!r}"
        self.last_buttons = [b for reply in replies for b in reply.get("buttons", [])]
        return "\n".join(reply.get("text", "") for reply in replies)

    def says_payload(self, payload: str) -> str:
        """Click a button: its payload goes out as the message."""
        return self.says(payload)


def test_track_an_order_with_a_mistake_on_the_way(product: Settings) -> None:
    shopper = Shopper(product)
    assert "Asistan" in shopper.says("Merhaba")
    assert "Sipariş numaranızı" in shopper.says("siparişim nerde kaldı acaba")
    assert "e-posta" in shopper.says("10045821")
    failed = shopper.says("yanlis.adres@example.com")
    assert "eşleşen bir sipariş bulamadım" in failed
    assert "Sipariş numaranızı" in failed
    assert "e-posta" in shopper.says("10045821")
    status = shopper.says("ayse.yilmaz@example.com")
    assert "10045821 numaralı siparişiniz" in status
    assert "Takip numarası" in status and "Tahmini teslimat" in status
    # Verified once: the next order is answered without asking again, lateness first.
    late = shopper.says("peki 10045823 nolu siparişim nerede")
    assert "10045823 numaralı siparişiniz" in late
    assert "özür dileriz" in late
    assert shopper.says("çok teşekkürler") in variations("utter_thank")


def test_three_failed_checks_end_with_a_human(product: Settings) -> None:
    # Failures lock the order for every conversation (bot/records/ownership.py): an order
    # no other test of the session verifies.
    shopper = Shopper(product)
    shopper.says("kargom nerede")
    for attempt in range(3):
        shopper.says("10045829")
        answer = shopper.says(f"deneme{attempt}@example.com")
    assert "daha fazla deneyemiyorum" in answer
    assert "müşteri temsilcimize bağlıyorum" in answer  # the escalation policy hands off
    assert "sıradasınız" in shopper.says("siparişim nerede")  # the agent will answer


def test_gibberish_twice_goes_to_a_human(product: Settings) -> None:
    shopper = Shopper(product)
    first = shopper.says("qwxz vbnm plkj")
    assert "anlayamadım" in first or "yardımcı olamıyorum" in first
    assert "müşteri temsilcimize bağlıyorum" in shopper.says("zzkx qqpw ffjd")


def test_one_miss_then_back_on_track(product: Settings) -> None:
    shopper = Shopper(product)
    first = shopper.says("qwxz vbnm plkj")
    assert "anlayamadım" in first or "yardımcı olamıyorum" in first
    assert "Asistan" in shopper.says("merhaba")


def test_http_api_requires_the_token(product: Settings) -> None:
    tracker = f"{product.rasa_url}/conversations/someone/tracker"
    assert requests.get(tracker, timeout=10).status_code == 401
    assert requests.get(tracker, params={"token": "wrong"}, timeout=10).status_code == 401
    assert requests.get(tracker, params={"token": product.rasa_token}, timeout=10).ok
