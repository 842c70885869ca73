"""Escalation end to end on the real processes: an angry shopper, the queue, an agent.

The shopper chats over socket.io (the widget's channel), because an agent's reply arrives
later, pushed on the shopper's own channel; REST only answers the request it was given.
"""

from __future__ import annotations

import queue as fifo

import pytest
import socketio

from bot.settings import Settings
from tests.e2e.test_rest_conversation import Shopper
from tests.web.conftest import base, login

pytestmark = pytest.mark.e2e


class SocketShopper:
    """A shopper on the socket.io channel, collecting what the bot (or an agent) sends."""

    def __init__(self, settings: Settings, asked: str | None = None) -> None:
        """Asks for the session ``asked`` (a new one by default) and takes what the server
        confirms: ids are the server's to issue."""
        self.inbox: fifo.Queue[dict] = fifo.Queue()
        confirmed: fifo.Queue[str] = fifo.Queue()
        self.client = socketio.Client()
        self.client.on("bot_uttered", self.inbox.put)
        self.client.on("session_confirm", confirmed.put)
        self.client.connect(settings.rasa_url, socketio_path="/socket.io",
                            transports=["polling"])
        self.client.emit("session_request", {"session_id": asked})
        self.session_id = confirmed.get(timeout=30)

    def says(self, text: str) -> None:
        self.client.emit("user_uttered", {"message": text, "session_id": self.session_id})

    def hears(self, fragment: str, timeout: float = 30) -> dict:
        """The first message containing ``fragment``, waiting for it."""
        seen = []
        while True:
            try:
                message = self.inbox.get(timeout=timeout)
            except fifo.Empty:
                raise AssertionError(f"never heard {fragment!r}; heard {seen}") from None
            seen.append(message.get("text"))
            if fragment in (message.get("text") or ""):
                return message

    def close(self) -> None:
        self.client.disconnect()


def test_angry_shopper_reaches_an_agent_and_rates_the_help(product: Settings) -> None:
    shopper = SocketShopper(product)
    try:
        shopper.says("REZALET!!! 3 haftadır siparişim gelmedi, paramı geri istiyorum")
        shopper.hears("özür dilerim")  # a calm, specific apology first
        shopper.hears("müşteri temsilcimize")  # then the handoff, with the queue place
        shopper.says("hala bekliyorum")
        shopper.hears("sıradasınız")  # asked again: the current place, no second ticket

        agent = login(product, "temsilci")
        waiting = agent.get(base(product) + "/api/queue", timeout=10).json()["waiting"]
        ticket = next(t for t in waiting if t["conversation_id"] == shopper.session_id)
        assert ticket["reason"] == "angry" and ticket["sentiment"][0] == "angry"
        assert agent.post(f"{base(product)}/api/tickets/{ticket['id']}/claim", timeout=10).ok
        detail = agent.get(f"{base(product)}/api/tickets/{ticket['id']}", timeout=10).json()
        texts = [m["text"] for m in detail["transcript"]]
        assert "hala bekliyorum" in texts  # written while waiting, kept for the agent

        assert agent.post(f"{base(product)}/api/tickets/{ticket['id']}/reply",
                          json={"text": "Merhaba, ben Zeynep. Hemen bakıyorum."},
                          timeout=20).ok
        shopper.hears("ben Zeynep")  # pushed on the shopper's own channel
        detail = agent.get(f"{base(product)}/api/tickets/{ticket['id']}", timeout=10).json()
        assert any(m["from"] == "agent" and m["agent_name"] == "Zeynep"
                   for m in detail["transcript"])

        assert agent.post(f"{base(product)}/api/tickets/{ticket['id']}/resolve",
                          timeout=20).ok
        shopper.hears("puanlar mısınız")
        shopper.says('/inform{"rating":"5"}')
        shopper.hears("teşekkür")
    finally:
        shopper.close()


def test_a_calm_complaint_stays_with_the_bot(product: Settings) -> None:
    answer = Shopper(product).says("siparişimdeki bardaklardan biri kırık geldi")
    assert "temsilcimize bağlıyorum" not in answer
    assert "özür" in answer


def test_asking_for_a_human_over_rest(product: Settings) -> None:
    shopper = Shopper(product)
    assert "müşteri temsilcimize" in shopper.says("müşteri temsilcisiyle görüşmek istiyorum")
    assert "sıradasınız" in shopper.says("ne zaman bağlanacağım")
