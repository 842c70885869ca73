"""Every process restarted while shoppers wait: conversations, verification and places stay."""

from __future__ import annotations

import pytest
import requests

from tests.e2e.conftest import Product
from tests.e2e.graph_api import GraphApiStandIn
from tests.e2e.test_rest_conversation import Shopper

pytestmark = pytest.mark.e2e


def test_a_restart_loses_nothing(tmp_path, graph_api: GraphApiStandIn) -> None:
    product = Product(tmp_path, graph_api.url)
    product.start()
    try:
        first, second = Shopper(product.settings), Shopper(product.settings)
        first.says("10045821 siparişim nerede")
        assert "10045821 numaralı" in first.says("ayse.yilmaz@example.com")
        assert "1. sıradasınız" in second.says("temsilciye bağlar mısınız")
        assert "2. sıradasınız" in first.says("müşteri temsilcisi lütfen")
        product.stop()
        product.start()
        # The waiting shopper keeps their place and the ticket, not a new one.
        assert "2. sıradasınız" in first.says("hala bekliyorum")
        tracker = requests.get(
            f"{product.settings.rasa_url}/conversations/{first.conversation_id}/tracker",
            params={"token": product.settings.rasa_token}, timeout=10).json()
        assert tracker["slots"]["verified_customer_id"] is not None
        texts = [e.get("text") for e in tracker["events"] if e.get("event") == "user"]
        assert texts[:2] == ["10045821 siparişim nerede", "ayse.yilmaz@example.com"]
    finally:
        product.stop()
        product.print_logs()
