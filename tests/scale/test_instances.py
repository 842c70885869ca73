"""The production profile on this machine: HAProxy, two Rasa servers, PostgreSQL, Redis,
RabbitMQ, one shop.

Started from `profiles/prod.env` itself (ports, database, Redis db and queue changed so it
never meets a running shop), because what is proven here must be what
`make run PROFILE=prod` runs (`tests/profiles.py`).
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import uuid
from typing import Iterator, List

import pytest
import requests
from sqlalchemy import func, select

from bot.channels.identity import rest_conversation
from bot.database.engine import Database
from bot.handoff.models import Ticket
from bot.reporting.conversations import ShopperMessageRow
from bot.settings import Settings
from tests.e2e.test_handoff import SocketShopper
from tests.faults.chat import until
from tests.profiles import Shop
from tests.web.conftest import base, login

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    shop = Shop("prod", tmp_path_factory.mktemp("prod-profile"), redis_db=1)
    assert len(shop.settings.rasa_server_urls) == 2 and shop.settings.balanced
    try:
        shop.start()
        yield shop.settings
    finally:
        shop.stop()


def instance(settings: Settings, number: int) -> Settings:
    """The settings as seen by a client of Rasa server ``number`` alone (1 or 2)."""
    return dataclasses.replace(settings, rasa_url=settings.rasa_server_urls[number - 1])


def say(settings: Settings, sender: str, text: str) -> str:
    answer = requests.post(f"{settings.rasa_url}/webhooks/rest/webhook",
                           json={"sender": sender, "message": text}, timeout=60)
    answer.raise_for_status()
    return "\n".join(m.get("text", "") for m in answer.json())


def events(settings: Settings, sender: str) -> List[dict]:
    return requests.get(f"{settings.rasa_url}/conversations/{rest_conversation(sender)}/tracker",
                        params={"token": settings.rasa_token}, timeout=10).json()["events"]


def test_a_conversation_continues_on_the_other_server(cluster: Settings) -> None:
    a, b = instance(cluster, 1), instance(cluster, 2)
    sender = f"scale-{uuid.uuid4().hex[:8]}"
    say(a, sender, "siparişim nerede")
    say(b, sender, "10045821")
    assert "10045821 numaralı" in say(a, sender, "ayse.yilmaz@example.com")
    tracker = requests.get(f"{b.rasa_url}/conversations/{rest_conversation(sender)}/tracker",
                           params={"token": b.rasa_token}, timeout=10).json()
    assert tracker["slots"]["verified_customer_id"] is not None
    assert "müşteri temsilcimize" in say(b, sender, "müşteri temsilcisiyle görüşmek istiyorum")
    assert "sıradasınız" in say(a, sender, "hala bekliyorum")
    store = Database(cluster.database_url)
    with store.unit_of_work() as session:
        tickets = session.execute(select(func.count(Ticket.id)).where(
            Ticket.conversation_id == rest_conversation(sender))).scalar_one()
    store.dispose()
    assert tickets == 1


def test_concurrent_messages_of_one_conversation_take_turns(cluster: Settings) -> None:
    servers = [instance(cluster, 1), instance(cluster, 2)]
    sender = f"scale-{uuid.uuid4().hex[:8]}"
    texts = ["merhaba", "kargo ücreti ne kadar", "iade süresi kaç gün",
             "taksit yapıyor musunuz", "teşekkürler", "kapıda ödeme var mı"]
    with concurrent.futures.ThreadPoolExecutor(len(texts)) as pool:
        answers = list(pool.map(lambda n: say(servers[n % 2], sender, texts[n]),
                                range(len(texts))))
    assert all(answers)
    # Every user turn is followed by its own actions up to action_listen before the next
    # one starts: the Redis lock store serialised them across both servers.
    seen = [e for e in events(cluster, sender)
            if e["event"] == "user" or (e["event"] == "action"
                                        and e["name"] == "action_listen")]
    kinds = ["user" if e["event"] == "user" else "listen" for e in seen]
    users = [e["text"] for e in seen if e["event"] == "user"]
    assert sorted(users) == sorted(texts)
    assert kinds[-2 * len(texts):] == ["user", "listen"] * len(texts)


def test_an_agent_reply_reaches_a_shopper_on_either_server(cluster: Settings) -> None:
    shopper = SocketShopper(instance(cluster, 2))  # the socket lives on server 2
    try:
        shopper.says("temsilciyle görüşmek istiyorum lütfen")
        shopper.hears("müşteri temsilcimize")
        agent = login(cluster, "temsilci")
        waiting = agent.get(base(cluster) + "/api/queue", timeout=10).json()["waiting"]
        ticket = next(t for t in waiting if t["conversation_id"] == shopper.session_id)
        assert agent.post(f"{base(cluster)}/api/tickets/{ticket['id']}/claim", timeout=10).ok
        # The console reaches Rasa through HAProxy, which takes the servers in turn:
        # of two replies, one is emitted by server 1 and travels through Redis.
        for text in ("Merhaba, ben Zeynep.", "Siparişinize bakıyorum."):
            assert agent.post(f"{base(cluster)}/api/tickets/{ticket['id']}/reply",
                              json={"text": text}, timeout=30).ok
            message = shopper.hears(text)
            assert message["metadata"] == {"agent_name": "Zeynep"}
    finally:
        shopper.close()


def test_socket_io_long_polling_through_the_balancer_sticks_to_one_server(
        cluster: Settings) -> None:
    shopper = SocketShopper(cluster)  # polling transport, through HAProxy
    try:
        shopper.says("merhaba")
        shopper.hears("")
        shopper.says("kargo ücreti ne kadar")
        shopper.hears("kargo")
    finally:
        shopper.close()


def test_the_analytics_table_gets_every_shopper_message_through_rabbitmq(
        cluster: Settings) -> None:
    sender = f"scale-{uuid.uuid4().hex[:8]}"
    texts = ["merhaba", "kargo ücreti ne kadar", "iade süresi kaç gün"]
    for text in texts:
        say(cluster, sender, text)
    store = Database(cluster.database_url)

    def recorded() -> List[str]:
        with store.unit_of_work() as session:
            return list(session.execute(select(ShopperMessageRow.text).where(
                ShopperMessageRow.sender_id == rest_conversation(sender))
                .order_by(ShopperMessageRow.id)).scalars())

    try:
        until(lambda: recorded() == texts, 30, "the feed wrote the messages")
    finally:
        store.dispose()
