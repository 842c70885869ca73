"""Hostile and broken input on the real processes, and who may use which door.

(The WhatsApp webhook's forged signatures: test_whatsapp.py; the widget and the console
show every text as text: their browser tests.)
"""

from __future__ import annotations

import concurrent.futures
import uuid
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from bot.database.engine import Database
from bot.settings import Settings
from bot.store.models import Order
from tests.e2e.conftest import Product
from tests.e2e.test_rest_conversation import Shopper, variations

pytestmark = pytest.mark.e2e


def rest(settings: Settings, body: bytes | dict) -> requests.Response:
    url = f"{settings.rasa_url}/webhooks/rest/webhook"
    if isinstance(body, dict):
        return requests.post(url, json=body, timeout=60)
    return requests.post(url, data=body, headers={"Content-Type": "application/json"},
                         timeout=60)


@pytest.mark.parametrize("text", [
    "sipariş " * 12_800,  # 102,400 characters
    "kargo\x00\x07 ücreti\x1b[2J ne kadar",
    "<script>alert('x')</script> siparişim nerede",
    "'; DROP TABLE orders; -- 10045821",
    "🙂🙂🙂😡😡",
    "\u202e\u200bmerhaba",
])
def test_strange_messages_get_an_answer(product: Settings, text: str) -> None:
    answer = rest(product, {"sender": f"hostile-{uuid.uuid4().hex[:8]}", "message": text})
    assert answer.status_code == 200
    assert answer.json() and all(m.get("text") or m.get("buttons") for m in answer.json())


def test_sql_looking_text_changes_nothing(product: Settings) -> None:
    store = Database(product.database_url)
    with store.unit_of_work() as session:
        before = session.execute(select(func.count(Order.id))).scalar_one()
    shopper = Shopper(product)
    shopper.says("10045821'; DELETE FROM orders; -- siparişim nerede")
    shopper.says("x' OR '1'='1")
    with store.unit_of_work() as session:
        assert session.execute(select(func.count(Order.id))).scalar_one() == before
    store.dispose()


@pytest.mark.parametrize(("body", "status"), [
    (b'{"sender": "x", "message": ', 400),  # malformed JSON
    (b'{"sender": "x", "message": "\xff\xfe"}', 400),  # invalid UTF-8
    (b'["sender", "message"]', 400),
    (b'{"message": "merhaba"}', 400),  # no sender: never a shared conversation
    (b'{"sender": "x", "message": ""}', 400),
    (b'{"sender": "x", "message": {"text": 1}}', 400),
])
def test_broken_requests_get_a_clear_error(product: Settings, body: bytes, status: int) -> None:
    answer = rest(product, body)
    assert answer.status_code == status
    assert "error" in answer.json()


def test_a_caller_cannot_claim_a_whatsapp_number(product: Settings) -> None:
    sender = f"claim-{uuid.uuid4().hex[:8]}"
    rest(product, {"sender": sender, "message": "siparişim nerede",
                   "metadata": {"whatsapp_phone": "905321112233"}, "input_channel": "whatsapp"})
    answer = rest(product, {"sender": sender, "message": "10045821",
                            "metadata": {"whatsapp_phone": "905321112233"}}).json()
    texts = " ".join(m.get("text", "") for m in answer)
    assert "e-posta" in texts and "10045821 numaralı" not in texts  # still asked for proof


def test_a_burst_from_one_sender_is_braked_politely(product: Settings) -> None:
    sender = f"burst-{uuid.uuid4().hex[:8]}"
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(
            lambda n: rest(product, {"sender": sender, "message": "merhaba"}).json(),
            range(40)))
    slow_down = [a for a in answers if a and a[0]["text"] in variations("utter_slow_down")]
    answered = [a for a in answers if a and a not in slow_down]
    assert len(slow_down) == 1
    assert 1 <= len(answered) <= 20  # the limit (15 in 10 s), and what the window freed
    assert len(answers) - len(answered) - 1 >= 15  # the rest was dropped, not queued
    assert Shopper(product).says("merhaba")  # everyone else is answered as usual


def test_the_rasa_http_api_needs_the_token(product: Settings) -> None:
    url = f"{product.rasa_url}/conversations/someone/tracker"
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.get(url, params={"token": "guess"}, timeout=10).status_code == 401
    assert requests.get(url, params={"token": product.rasa_token}, timeout=10).ok


def test_personal_data_never_reaches_the_logs(running_product: Product) -> None:
    shopper = Shopper(running_product.settings)
    shopper.says("10045822 siparişim nerede")
    shopper.says("ayse.yilmaz@example.com")
    shopper.says("telefonum 0532 111 22 33, mehmet.demir@example.com adresine de yazın")
    logs = [*running_product.runtime.glob("*.log"), *running_product.runtime.glob("logs/*")]
    assert logs
    text = "\n".join(Path(log).read_text("utf-8", "replace") for log in logs)
    for secret in ("ayse.yilmaz@example.com", "mehmet.demir@example.com", "5321112233",
                   "532 111 22 33"):
        assert secret not in text
