"""The inbox over real HTTP: labels, notes, tags, prepared answers, folders, search and the
pushed events (server-sent), with Rasa down (the console fixture)."""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime, timedelta
from typing import Dict, Iterator

import requests

from bot.database.engine import Database
from bot.handoff import queue
from tests.web.conftest import base, login

TURKISH_AMOUNT = re.compile(r"\d{1,3}(\.\d{3})*(,\d\d)?")


def _open_ticket(settings, conversation: str, channel: str = "rest") -> int:
    database = Database(settings.database_url)
    with database.unit_of_work() as session:
        ticket, _ = queue.open_ticket(
            session, conversation_id=conversation, channel=channel, reason="asked_for_human",
            summary=json.dumps({"last_message": "Kargom nerede kaldı?"}, ensure_ascii=False),
            sentiment_trail=["negative"], now=datetime.utcnow() - timedelta(minutes=2),
            customer_id="1", order_id="10045821")
    database.dispose()
    return ticket.id


def _events(response: requests.Response) -> Iterator[Dict]:
    """Server-sent events as dicts, as they arrive."""
    kind = None
    for line in response.iter_lines(decode_unicode=True):
        if line.startswith("event: "):
            kind = line[7:]
        elif line.startswith("data: ") and kind:
            yield {"type": kind, **json.loads(line[6:])}


def _until(events: Iterator[Dict], kind: str) -> Dict:
    return next(event for event in events if event["type"] == kind)


def test_labels_name_every_code_the_console_shows(console) -> None:
    names = login(console).get(base(console) + "/api/labels", timeout=10).json()
    assert names["reasons"]["asked_for_human"] == "Temsilci istedi"
    assert names["order_status"]["out_for_delivery"] == "Dağıtımda"
    assert names["channels"]["rest"].startswith("API")


def test_notes_tags_folders_and_search(console) -> None:
    ticket = _open_ticket(console, f"inbox-{uuid.uuid4().hex[:8]}")
    zeynep, emre = login(console, "temsilci"), login(console, "temsilci2")
    tickets = f"{base(console)}/api/tickets/{ticket}"
    # Before anyone holds it, colleagues may read, note and tag it.
    assert emre.post(f"{tickets}/notes", json={"text": "Müşteri daha önce de yazdı"},
                     timeout=10).ok
    assert zeynep.post(f"{tickets}/claim", timeout=10).ok
    assert zeynep.post(f"{tickets}/tags", json={"tags": ["Kargo", "gecikme"]},
                       timeout=10).json() == {"tags": ["gecikme", "kargo"]}
    assert emre.post(f"{tickets}/notes", json={"text": "x"}, timeout=10).status_code == 403
    assert zeynep.post(f"{tickets}/notes", json={"text": " "}, timeout=10).status_code == 400
    assert zeynep.post(f"{tickets}/tags", json={"tags": "kargo"},
                       timeout=10).status_code == 400
    detail = zeynep.get(tickets, timeout=10).json()
    assert [n["text"] for n in detail["notes"]] == ["Müşteri daha önce de yazdı"]
    assert detail["notes"][0]["agent_name"] == "Emre" and detail["notes"][0]["at"].endswith("Z")
    assert detail["ticket"]["tags"] == ["gecikme", "kargo"]
    assert detail["ticket"]["delivers_replies"] is False  # REST: replies are not pushed
    totals = [o["total"] for o in detail["customer"]["orders"]]
    assert totals and all(TURKISH_AMOUNT.fullmatch(t) for t in totals)  # never "1299.90"

    found = zeynep.get(base(console) + "/api/search", params={"q": "gecikme"},
                       timeout=10).json()["tickets"]
    assert [t["id"] for t in found] == [ticket]
    assert zeynep.get(base(console) + "/api/search", params={"q": "x"},
                      timeout=10).status_code == 400
    zeynep.post(f"{tickets}/resolve", timeout=20)  # Rasa is down: 502, but it is resolved
    folders = zeynep.get(base(console) + "/api/queue", timeout=10).json()
    assert ticket in [t["id"] for t in folders["resolved"]]
    assert ticket not in [t["id"] for t in folders["mine"]]


def test_supervisors_manage_prepared_answers(console) -> None:
    agent, supervisor = login(console, "temsilci"), login(console, "yonetici")
    canned = base(console) + "/api/canned"
    seeded = agent.get(canned, timeout=10).json()["replies"]
    assert any("{customer_name}" in reply["text"] for reply in seeded)
    assert agent.post(canned, json={"title": "t", "text": "x"}, timeout=10).status_code == 403
    title = f"Test {uuid.uuid4().hex[:6]}"
    made = supervisor.post(canned, json={"title": title, "text": "Merhaba {customer_name}"},
                           timeout=10).json()
    assert supervisor.post(canned, json={"title": title, "text": "y"},
                           timeout=10).status_code == 409
    assert supervisor.post(f"{canned}/{made['id']}", json={"title": title, "text": "Değişti"},
                           timeout=10).json()["text"] == "Değişti"
    assert supervisor.post(canned, json={"title": "", "text": "y"},
                           timeout=10).status_code == 400
    assert supervisor.delete(f"{canned}/{made['id']}", timeout=10).ok
    assert supervisor.delete(f"{canned}/{made['id']}", timeout=10).status_code == 404


def test_new_chats_typing_and_presence_are_pushed(console) -> None:
    zeynep, emre = login(console, "temsilci"), login(console, "temsilci2")
    with zeynep.get(base(console) + "/api/events", stream=True, timeout=10) as queue_stream:
        assert queue_stream.headers["Content-Type"].startswith("text/event-stream")
        events = _events(queue_stream)
        _until(events, "hello")
        conversation = uuid.uuid4().hex
        ticket = _open_ticket(console, conversation, channel="widget")  # as the action would
        _until(events, "queue")  # noticed by the server's watcher, pushed

    tickets = f"{base(console)}/api/tickets/{ticket}"
    with requests.get(f"{base(console)}/widget/events/{conversation}", stream=True,
                      timeout=10) as widget_stream:
        assert widget_stream.headers["Access-Control-Allow-Origin"] == "*"
        shopper = _events(widget_stream)
        assert _until(shopper, "state")["state"] == "queue"
        assert zeynep.post(f"{tickets}/claim", timeout=10).ok
        assert _until(shopper, "state") == {"type": "state", "state": "agent",
                                            "agent_name": "Zeynep"}
        assert zeynep.post(f"{tickets}/typing", timeout=10).ok
        assert _until(shopper, "typing")["agent_name"] == "Zeynep"

    with zeynep.get(base(console) + "/api/events", params={"ticket": ticket}, stream=True,
                    timeout=10) as chat_stream:
        chat = _events(chat_stream)
        assert _until(chat, "viewers")["agents"] == ["Zeynep"]
        with login(console, "yonetici").get(base(console) + "/api/events", stream=True,
                                            params={"ticket": ticket}, timeout=10):
            # Zeynep is warned that a colleague has the chat open too.
            next(e for e in chat if e["type"] == "viewers" and e["agents"] == ["Burak", "Zeynep"])
        assert requests.post(f"{base(console)}/widget/typing/{conversation}",
                             timeout=10).status_code == 204
        _until(chat, "typing")
        assert zeynep.post(f"{tickets}/notes", json={"text": "not"}, timeout=10).ok
        assert _until(chat, "note")["text"] == "not"
    assert emre.get(base(console) + "/api/events", params={"ticket": ticket},
                    timeout=10).status_code == 403  # Zeynep's chat
    assert zeynep.get(base(console) + "/api/events", params={"ticket": "x"},
                      timeout=10).status_code == 400
