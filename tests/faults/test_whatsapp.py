"""WhatsApp: a Rasa server killed mid-turn loses nothing, because Meta's retry is processed.

The replay guard records a message as handled only once its turn is in the conversation
(``bot/channels/models.py``); a retry that arrives while the claim of the dead process is
still leased is told to come back (503), as Meta does.
"""

from __future__ import annotations

import pytest

from tests.e2e.graph_api import GraphApiStandIn
from tests.e2e.test_whatsapp import WhatsAppShopper, texts
from tests.faults.chat import mid_turn, until
from tests.profiles import Shop

pytestmark = pytest.mark.e2e


def test_a_message_cut_off_mid_turn_is_answered_at_meta_s_retry(
        shop: Shop, graph_api: GraphApiStandIn) -> None:
    shopper = WhatsAppShopper(shop.settings, graph_api)
    assert any("sipariş numara" in t.lower() for t in texts(shopper.says("siparişim nerede")))
    delivery = shopper.message("text", {"body": "10045821"})
    first = mid_turn(shop, shopper.wa_id, lambda: shopper.deliver(delivery))
    assert first is None or first.status_code >= 500  # Meta will deliver it again
    answered = []

    def meta_retries() -> bool:
        answered.append(shopper.deliver(delivery).status_code)
        return answered[-1] == 200

    until(meta_retries, 120, "Meta's retry taken")
    assert set(answered[:-1]) <= {503}  # meanwhile: "come back later", never a 500
    graph_api.wait_for(shopper.wa_id, lambda body: "10045821" in str(body) or any(
        word in str(body).lower() for word in ("e-posta", "telefon")))
    shopper.deliver(delivery)  # a late duplicate of the same message: a replay, dropped
    assert shopper.user_turns() == ["siparişim nerede", "10045821"]
