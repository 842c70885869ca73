"""The databases and Redis go away and come back: polite answers meanwhile, the message kept
for its sender to send again, never a silent in-memory conversation, never a 500.

In the production profile each is reached through a forwarder the test cuts; the embedded
default's tracker is a SQLite file, made unwritable by another connection holding its
write lock (what a stuck or full disk looks like to the server).
"""

from __future__ import annotations

import contextlib
import sqlite3
from typing import Iterator

import pytest
from sqlalchemy.engine import make_url

from tests.faults.chat import Chat, apology_only
from tests.faults.conftest import production_only
from tests.profiles import Shop
from tests.web.conftest import base, login

pytestmark = pytest.mark.e2e


@contextlib.contextmanager
def tracker_down(shop: Shop) -> Iterator[None]:
    if shop.name == "prod":
        shop.cables["tracker"].cut()
        try:
            yield
        finally:
            shop.cables["tracker"].restore()
        return
    holder = sqlite3.connect(make_url(shop.settings.tracker_database_url).database,
                             isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_tracker_database_down_the_message_is_answered_and_kept_for_its_retry(
        shop: Shop) -> None:
    chat = Chat(shop.settings)
    assert "sipariş numara" in chat.says("siparişim nerede").lower()
    with tracker_down(shop):
        answer = chat.send("10045821")
        # The apology, and 503: the client still has the message and sends it again.
        assert answer.status_code == 503 and apology_only(answer)
        assert answer.headers["Retry-After"]
    # The same conversation, not a new one: the form goes on and asks for the contact.
    again = chat.says("10045821")
    assert "e-posta" in again.lower() or "telefon" in again.lower()
    assert "10045821 numaralı" in chat.says("ayse.yilmaz@example.com")
    assert chat.user_turns() == ["siparişim nerede", "10045821", "ayse.yilmaz@example.com"]


def test_redis_down_the_servers_go_on_alone(shop: Shop) -> None:
    production_only(shop)
    chat = Chat(shop.settings)
    shop.cables["redis"].cut()
    try:
        for text in ("merhaba", "kargo ücreti ne kadar", "iade süresi kaç gün"):
            answer = chat.send(text)
            assert answer.status_code == 200 and not apology_only(answer), answer.text
    finally:
        shop.cables["redis"].restore()
    assert chat.says("teşekkürler")
    assert chat.user_turns() == ["merhaba", "kargo ücreti ne kadar", "iade süresi kaç gün",
                                 "teşekkürler"]


def test_store_down_polite_answers_and_a_clear_console(shop: Shop) -> None:
    production_only(shop)
    chat = Chat(shop.settings)
    agent = login(shop.settings)
    assert "sipariş numara" in chat.says("siparişim nerede").lower()
    shop.cables["store"].cut()
    try:
        answer = chat.send("10045821 ayse.yilmaz@example.com")
        assert answer.status_code == 200
        assert "ulaşamıyorum" in answer.json()[0]["text"]  # utter_store_unavailable
        for path in ("/console", "/api/dashboard", "/api/queue"):
            page = agent.get(base(shop.settings) + path, timeout=30)
            assert page.status_code == 503, (path, page.status_code, page.text)
        assert "Geçici bir sorun" in agent.get(base(shop.settings) + "/console",
                                               timeout=30).text
    finally:
        shop.cables["store"].restore()
    chat.says("siparişim nerede")
    assert "10045821 numaralı" in chat.says("10045821 ayse.yilmaz@example.com")
    assert agent.get(base(shop.settings) + "/api/dashboard", timeout=30).ok
