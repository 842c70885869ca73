"""The production profile on this machine: PostgreSQL, Redis, two Rasa servers, one shop.

Started from `profiles/prod.env` itself (ports and database names changed so it never meets
a running shop), because what is proven here must be what `make run PROFILE=prod` runs.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import os
import uuid
from typing import Dict, Iterator, List

import pytest
import requests
from sqlalchemy import create_engine, func, select, text

from bot.database.engine import Database, ensure_database
from bot.handoff.models import Ticket
from bot.loopback import free_ports, seed_store
from bot.model import model_path
from bot.services import product_services, rasa_environment, start_all, stop_all
from bot.settings import PROJECT_ROOT, Settings, get_settings, load_settings
from tests.e2e.test_handoff import SocketShopper
from tests.web.conftest import base, login

pytestmark = pytest.mark.e2e
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def profile(name: str) -> Dict[str, str]:
    lines = (PROJECT_ROOT / "profiles" / f"{name}.env").read_text("utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    model = model_path(get_settings().model_dir)
    if not model.exists():
        pytest.fail(f"no model for the current data ({model.name}): run `make train`")
    runtime = tmp_path_factory.mktemp("prod-profile")
    prod = profile("prod")
    name = f"asistan_scale_{uuid.uuid4().hex[:8]}"
    url = prod["DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"
    env = {**os.environ, **prod, "DATABASE_URL": url, "TRACKER_DATABASE_URL": url,
           "LOCK_STORE_URL": prod["LOCK_STORE_URL"].rsplit("/", 1)[0] + "/1",
           "ASISTAN_RUNTIME_DIR": str(runtime), "RASA_TOKEN": "scale-token",
           "RASA_PORT": str(free_ports(3)), "ACTION_PORT": str(free_ports(2)),
           "GATEWAY_PORT": str(free_ports(1)), "WEB_PORT": str(free_ports(1))}
    ensure_database(url)
    seed_store(url)
    settings = load_settings(env)
    assert settings.rasa_instances == 2 and settings.action_servers == 2
    services = product_services(settings, model)
    start_all(services, rasa_environment(settings, env), runtime / "logs", timeout=300)
    try:
        yield settings
    finally:
        stop_all(services)
        admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def instance(settings: Settings, number: int) -> Settings:
    """The settings as seen by a client of Rasa server ``number`` alone (1 or 2)."""
    return dataclasses.replace(settings, rasa_port=settings.rasa_instance_ports[number - 1],
                               rasa_instances=1)


def say(settings: Settings, sender: str, text: str) -> str:
    answer = requests.post(f"{settings.rasa_url}/webhooks/rest/webhook",
                           json={"sender": sender, "message": text}, timeout=60)
    answer.raise_for_status()
    return "\n".join(m.get("text", "") for m in answer.json())


def events(settings: Settings, sender: str) -> List[dict]:
    return requests.get(f"{settings.rasa_url}/conversations/{sender}/tracker",
                        params={"token": settings.rasa_token}, timeout=10).json()["events"]


def test_a_conversation_continues_on_the_other_server(cluster: Settings) -> None:
    a, b = instance(cluster, 1), instance(cluster, 2)
    sender = f"scale-{uuid.uuid4().hex[:8]}"
    say(a, sender, "siparişim nerede")
    say(b, sender, "10045821")
    assert "10045821 numaralı" in say(a, sender, "ayse.yilmaz@example.com")
    tracker = requests.get(f"{b.rasa_url}/conversations/{sender}/tracker",
                           params={"token": b.rasa_token}, timeout=10).json()
    assert tracker["slots"]["verified_customer_id"] is not None
    assert "müşteri temsilcimize" in say(b, sender, "müşteri temsilcisiyle görüşmek istiyorum")
    assert "sıradasınız" in say(a, sender, "hala bekliyorum")
    store = Database(cluster.database_url)
    with store.unit_of_work() as session:
        tickets = session.execute(select(func.count(Ticket.id)).where(
            Ticket.conversation_id == sender)).scalar_one()
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
        # The console reaches Rasa through the proxy, which takes the servers in turn:
        # of two replies, one is emitted by server 1 and travels through Redis.
        for text in ("Merhaba, ben Zeynep.", "Siparişinize bakıyorum."):
            assert agent.post(f"{base(cluster)}/api/tickets/{ticket['id']}/reply",
                              json={"text": text}, timeout=30).ok
            message = shopper.hears(text)
            assert message["agent_name"] == "Zeynep"
    finally:
        shopper.close()


def test_socket_io_long_polling_through_the_proxy_sticks_to_one_server(
        cluster: Settings) -> None:
    shopper = SocketShopper(cluster)  # polling transport, through the proxy
    try:
        shopper.says("merhaba")
        shopper.hears("")
        shopper.says("kargo ücreti ne kadar")
        shopper.hears("kargo")
    finally:
        shopper.close()
