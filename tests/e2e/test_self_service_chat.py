"""Self-service over the REST channel: a return, a cancellation, a question, suggestions."""

from __future__ import annotations

import pytest

from bot.settings import Settings
from tests.e2e.test_rest_conversation import Shopper

pytestmark = pytest.mark.e2e


def test_return_a_delivered_item(product: Settings) -> None:
    shopper = Shopper(product)
    asked = shopper.says("aldığım ürünü iade etmek istiyorum")
    assert "Sipariş numaranızı" in asked
    assert "e-posta" in shopper.says("10045824")
    after_check = shopper.says("ayse.yilmaz@example.com")
    if "Hangi ürünü" in after_check:  # more than one item: pick the first button
        after_check = shopper.says_payload(shopper.last_buttons[0]["payload"])
    assert "İade nedeniniz" in after_check
    opened = shopper.says_payload('/inform{"return_reason":"size"}')
    assert "İade kodunuz: IADE-" in opened
    assert "Yurtiçi Kargo" in opened
    assert "puanla" in opened  # the satisfaction question, once
    assert "teşekkür" in shopper.says("5").lower()
    again = shopper.says("bu siparişi iade etmek istiyorum 10045824")
    assert "zaten" in again  # no second return; already verified, not asked again


def test_cancel_needs_a_yes(product: Settings) -> None:
    shopper = Shopper(product)
    shopper.says("10045825 numaralı siparişimi iptal etmek istiyorum")
    confirm = shopper.says("0532 111 22 33")
    assert "onaylıyor musunuz" in confirm
    assert "işlem yapmadım" in shopper.says("hayır vazgeçtim")
    shopper.says("10045825 siparişimi iptal et")
    assert "iptal ettim" in shopper.says("evet")
    shipped = shopper.says("10045821 siparişimi de iptal etmek istiyorum")
    assert "kargoya verildiği için" in shipped


def test_a_shop_question_is_answered_from_policy_data(product: Settings) -> None:
    answer = Shopper(product).says("kargo ücreti ne kadar")
    assert "500 TL" in answer and "49,90 TL" in answer


def test_product_suggestions(product: Settings) -> None:
    shopper = Shopper(product)
    replies = shopper.sends("1000 TL altı kablosuz kulaklık önerir misin")
    assert all(reply.get("text") for reply in replies)  # never an empty-text message
    cards = [r for r in replies if (r.get("custom") or {}).get("type") == "product"]
    assert cards and all("TL ·" in card["text"] for card in cards)
    assert all(card["custom"]["product"]["price"] <= 1000 for card in cards)
    phones = shopper.says("telefon bakıyorum, ne önerirsin")
    assert phones.count("TL ·") == 5
    assert "/more_products" in [b["payload"] for b in shopper.last_buttons]
    more = shopper.says("daha fazla göster")
    products = lambda text: {line for line in text.splitlines() if "TL ·" in line}  # noqa: E731
    assert products(more) and not products(more) & products(phones)
    similar = cards[0]["custom"]["product"]["buttons"][1]["payload"]
    alike = shopper.sends(similar)
    assert [r for r in alike if (r.get("custom") or {}).get("type") == "product"]
