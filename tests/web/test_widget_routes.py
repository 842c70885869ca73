"""The chat widget's public routes over real HTTP, with Rasa down (the console fixture)."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
import requests

from bot.channels.identity import issue_widget_session
from bot.database.engine import Database
from bot.handoff import agents, queue
from bot.web.widget import storefront_csp
from tests.web.conftest import base

SESSION = issue_widget_session("console-test")  # the console fixture's Rasa token


def _get(settings, path: str, **kwargs) -> requests.Response:
    return requests.get(base(settings) + path, allow_redirects=False, timeout=10, **kwargs)


def test_the_storefront_embeds_the_widget_without_a_login(console) -> None:
    page = _get(console, "/")
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert '<script src="/widget.js" async></script>' in page.text
    assert "Asistan Demo Mağaza" in page.text
    policy = page.headers["Content-Security-Policy"]
    assert f"connect-src 'self' {console.chat_public_url} ws://" in policy


@pytest.mark.parametrize(("path", "kind", "marker"), [
    ("/widget.js", "text/javascript", "session_request"),
    ("/widget/widget.css", "text/css", ".launcher"),
    ("/widget/socket.io.min.js", "text/javascript", "Socket.IO v4."),
])
def test_widget_files_are_served_to_any_origin(console, path: str, kind: str,
                                               marker: str) -> None:
    response = _get(console, path, headers={"Origin": "https://shop.example"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(kind)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert marker in response.text


def test_only_known_widget_files_are_served(console) -> None:
    for path in ("/widget/storefront.html", "/widget/LICENSE", "/widget/..%2Fwidget.py"):
        assert _get(console, path).status_code == 404


def test_config_tells_where_socket_io_is(console) -> None:
    response = _get(console, "/widget/config")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.json() == {"socket_url": console.chat_public_url,
                               "socket_path": "/socket.io"}


@pytest.mark.parametrize("session_id", [
    "abc", SESSION.upper(), SESSION + "0", "x" * 32, "905321112233",
    "0123456789abcdef0123456789abcdef",  # the right shape, not issued by the server
    issue_widget_session("another-shop")])
def test_history_rejects_what_is_not_a_session_id(console, session_id: str) -> None:
    response = _get(console, f"/widget/history/{session_id}")
    assert response.status_code == 400
    assert response.json() == {"error": "invalid session id"}


def test_history_while_rasa_is_down_is_a_json_503(console) -> None:
    response = _get(console, f"/widget/history/{SESSION}")
    assert response.status_code == 503
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.json() == {"error": "assistant unavailable"}


@pytest.mark.parametrize("path", ["/console", "/static/console.js", "/widget"])
def test_the_console_still_needs_a_login(console, path: str) -> None:
    response = _get(console, path)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert _get(console, "/api/queue").status_code == 401


def test_storefront_policy_allows_secure_sockets_for_an_https_chat_url() -> None:
    policy = storefront_csp("https://chat.shop.example/")
    assert "connect-src 'self' https://chat.shop.example wss://chat.shop.example;" in policy


def test_state_tells_the_header_who_answers_now(console) -> None:
    assert _get(console, f"/widget/state/{SESSION}").json() == {"state": "assistant"}
    assert _get(console, "/widget/state/nope").status_code == 400
    store = Database(console.database_url)
    conversation = uuid.uuid4().hex
    try:
        with store.unit_of_work() as session:
            ticket, _ = queue.open_ticket(
                session, conversation_id=conversation, channel="widget",
                reason="asked_for_human", summary="{}", sentiment_trail=[],
                now=datetime.utcnow())
        waiting = _get(console, f"/widget/state/{conversation}")
        assert waiting.headers["Access-Control-Allow-Origin"] == "*"
        assert waiting.json()["state"] == "queue" and waiting.json()["place"] >= 1
        with store.unit_of_work() as session:
            agent = next(a for a in agents.active_agents(session))
            assert queue.claim(session, ticket.id, agent.id, datetime.utcnow())
        assert _get(console, f"/widget/state/{conversation}").json() == {
            "state": "agent", "agent_name": agent.display_name}
    finally:
        store.dispose()
