"""Processes die: the supervisor starts them again, the shop keeps answering, nothing is lost.

On both profiles (`tests/profiles.py`), under the supervisor `make run` uses.
"""

from __future__ import annotations

import signal

import pytest
import requests

from tests.faults.chat import UNAVAILABLE, Chat, apology_only, mid_turn, until
from tests.faults.conftest import production_only
from tests.profiles import Shop

pytestmark = pytest.mark.e2e


def test_any_one_process_killed_is_started_again_and_the_chat_goes_on(shop: Shop) -> None:
    chat = Chat(shop.settings)
    assert "sipariş numara" in chat.says("siparişim nerede").lower()
    for service in list(shop.supervisor.services):
        pid = shop.kill(service)
        shop.wait_restarted(service, pid)
        assert shop.supervisor.restarts[service.name] >= 1
    assert "10045821 numaralı" in chat.says("10045821 ayse.yilmaz@example.com")
    assert chat.user_turns() == ["siparişim nerede", "10045821 ayse.yilmaz@example.com"]


def test_one_of_two_rasa_servers_killed_no_shopper_sees_an_error(shop: Shop) -> None:
    production_only(shop)
    victim = shop.services("rasa-")[0]
    pid = shop.kill(victim)
    chats = [Chat(shop.settings) for _ in range(5)]
    # At once, before any health check has noticed: HAProxy takes a refused connection to
    # the other server (the request never reached the dead one).
    for chat in chats * 2:
        answer = chat.send("kargo ücreti ne kadar")
        assert answer.status_code == 200 and not apology_only(answer), answer.text
        assert "kargo" in answer.json()[0]["text"].lower()
    shop.wait_restarted(victim, pid)
    for chat in chats:
        assert chat.user_turns() == ["kargo ücreti ne kadar"] * 2


def test_the_action_side_frozen_gets_a_polite_answer_within_3_seconds(shop: Shop) -> None:
    chat = Chat(shop.settings)
    assert "sipariş numara" in chat.says("siparişim nerede").lower()
    servers = shop.services("actions-")
    for server in servers:  # they accept connections and never answer
        shop.kill(server, signal.SIGSTOP)
    try:
        for text in ("10045821", "kargo ücreti ne kadar"):
            answer, seconds = chat.timed(text)
            assert answer.status_code == 200 and answer.json()[-1]["text"] in UNAVAILABLE
            assert seconds < 3
    finally:
        for server in servers:
            shop.kill(server, signal.SIGCONT)
    health = shop.settings.action_endpoint_url.rsplit("/", 1)[0] + "/health"
    until(lambda: requests.get(health, timeout=5).ok, 30, "the action side back (through "
          "the balancer: once its health checks see it)")
    # Back: the conversation goes on (the form was closed, so it asks again).
    chat.says("siparişim nerede")
    assert "10045821 numaralı" in chat.says("10045821 ayse.yilmaz@example.com")
    assert chat.user_turns() == ["siparişim nerede", "10045821", "kargo ücreti ne kadar",
                                 "siparişim nerede", "10045821 ayse.yilmaz@example.com"]


def test_a_rasa_server_killed_mid_turn_the_client_retries_and_nothing_is_lost(
        shop: Shop) -> None:
    chat = Chat(shop.settings)
    assert "sipariş numara" in chat.says("siparişim nerede").lower()
    answer = mid_turn(shop, chat.conversation_id,
                      lambda: chat.send("10045821 ayse.yilmaz@example.com"))
    # Through the balancer a 5xx, without one a broken connection: the client sends again.
    assert answer is None or answer.status_code >= 500
    assert "10045821 numaralı" in chat.says("10045821 ayse.yilmaz@example.com")
    assert chat.user_turns() == ["siparişim nerede", "10045821 ayse.yilmaz@example.com"]

