"""The attacks of issue 12, played against the running product over its real channels:
REST, the widget's socket.io, signed WhatsApp webhooks (Meta's Graph API stood in for),
the console over HTTP. Each one must fail: no order or return of another customer in any
reply, no cancellation, agent replies only on their own channel, locks that survive new
sender ids and ``/restart``, a polite reply or a 4xx for everything, and no personal data
in the logs afterwards.

The victim is Mehmet (demo orders 10045826-10045830, phone 0544 222 33 44, so WhatsApp
number 905442223344): no other test of the session uses his orders, whose failed checks
lock them for every conversation.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List

import pytest
import requests

from bot.settings import Settings
from tests.e2e.graph_api import GraphApiStandIn
from tests.e2e.product import Product
from tests.e2e.test_handoff import SocketShopper
from tests.e2e.test_rest_conversation import Shopper
from tests.e2e.test_whatsapp import WhatsAppShopper, sign, texts
from tests.web.conftest import base, login

pytestmark = pytest.mark.e2e
MEHMET_WHATSAPP = "905442223344"
MEHMET_EMAIL = "mehmet.demir@example.com"
CARD = "4111 1111 1111 1111"
# Every order number of the demo shop's two customers: none may reach an attacker.
ORDER_NUMBER = re.compile(r"100458[23]\d")
LOCKED = "daha fazla deneyemiyorum"
# What only a verified owner may read: an order's status, its tracking, a cancellation.
DETAILS = ("numaralı siparişiniz", "Takip numarası", "iptal ettim", "İade kodunuz")


def rest(product: Settings, body: Any, raw: bytes | None = None) -> requests.Response:
    url = f"{product.rasa_url}/webhooks/rest/webhook"
    if raw is not None:
        return requests.post(url, data=raw, headers={"Content-Type": "application/json"},
                             timeout=60)
    return requests.post(url, json=body, timeout=60)


def everything(replies: List[Dict[str, Any]]) -> str:
    """All an attacker reads: texts, button titles and payloads."""
    return json.dumps(replies, ensure_ascii=False)


def leaks(replies: List[Dict[str, Any]], typed: str = "") -> bool:
    """Whether replies show an order the attacker did not name, or any order's details."""
    # The prompt for an order number gives a demo number as its example.
    read = everything(replies).replace("örneğin 10045821", "")
    for number in ORDER_NUMBER.findall(typed):
        read = read.replace(number, "")
    return bool(ORDER_NUMBER.search(read)) or any(detail in read for detail in DETAILS)


def test_a_rest_sender_named_like_a_whatsapp_number_is_not_that_shopper(
        product: Settings, graph_api: GraphApiStandIn) -> None:
    victim = WhatsAppShopper(product, graph_api, MEHMET_WHATSAPP)
    assert any("10045828" in t for t in texts(victim.says("10045828 siparişim nerede")))
    attacker = Shopper(product)
    attacker.sender = MEHMET_WHATSAPP
    for text in ("siparişim nerede", "siparişlerimi göster", "iadelerim ne durumda",
                 "iptal", "evet", "10045828"):
        replies = attacker.sends(text)
        assert replies, text  # answered, never silence
        assert not leaks(replies, text), (text, replies)


def test_a_widget_socket_cannot_join_a_whatsapp_conversation_nor_hear_its_agent(
        product: Settings, graph_api: GraphApiStandIn) -> None:
    victim = WhatsAppShopper(product, graph_api, MEHMET_WHATSAPP)
    spy = SocketShopper(product, asked=MEHMET_WHATSAPP)
    other = SocketShopper(product, asked="0123456789abcdef0123456789abcdef")
    try:
        assert spy.session_id != MEHMET_WHATSAPP
        assert other.session_id != "0123456789abcdef0123456789abcdef"  # not issued: new
        history = requests.get(f"{base(product)}/widget/history/{MEHMET_WHATSAPP}",
                               timeout=10)
        assert history.status_code == 400
        spy.says("siparişim nerede")
        spy.hears("Sipariş")  # an answer in its own, new conversation
        victim.says("müşteri temsilcisiyle görüşmek istiyorum")
        agent = login(product, "temsilci")
        waiting = agent.get(base(product) + "/api/queue", timeout=10).json()["waiting"]
        ticket = next(t for t in waiting if t["conversation_id"] == MEHMET_WHATSAPP)
        assert agent.post(f"{base(product)}/api/tickets/{ticket['id']}/claim",
                          timeout=10).ok
        assert agent.post(f"{base(product)}/api/tickets/{ticket['id']}/reply",
                          json={"text": "Gizli yanıt: iade kodunuz hazır."}, timeout=30).ok
        graph_api.wait_for(MEHMET_WHATSAPP, lambda b: b["type"] == "text"
                           and "Gizli yanıt" in b["text"]["body"])
        time.sleep(2)  # anything pushed to a socket would be there by now
        heard = []
        while not spy.inbox.empty():
            heard.append(spy.inbox.get_nowait().get("text") or "")
        assert not any("Gizli yanıt" in text for text in heard)
        assert agent.post(f"{base(product)}/api/tickets/{ticket['id']}/resolve",
                          timeout=30).ok
    finally:
        spy.close()
        other.close()


def test_a_foreign_number_with_a_turkish_tail_is_not_vouched_for(
        product: Settings, graph_api: GraphApiStandIn) -> None:
    for wa_id in ("5442223344", "15442223344", "445442223344"):
        sent = texts(WhatsAppShopper(product, graph_api, wa_id).says(
            "10045828 siparişim nerede"))
        assert sent and not any("10045828 numaralı" in t for t in sent)
        assert any("e-posta" in t for t in sent)  # asked for proof, as anyone is


def _guess(shopper: Shopper, order: str, contact: str) -> str:
    shopper.says(order)
    return shopper.says(contact)


def test_a_lock_holds_across_sender_ids_restarts_and_the_right_contact(
        product: Settings) -> None:
    order = "10045830"
    answers = []
    for n in range(6):  # six new sender ids, two guesses each
        shopper = Shopper(product)
        shopper.says("siparişim nerede")
        answers += [_guess(shopper, order, f"tahmin{n}-{k}@example.com") for k in (1, 2)]
    assert LOCKED not in answers[1] and LOCKED in answers[2]  # the third failure locks
    # Every later sender id is refused at its first guess; nobody reads the order.
    assert all(LOCKED in answers[2 * n] for n in range(2, 6))
    assert not any("10045830 numaralı" in a for a in answers)
    # The owner's own contact in a fresh conversation: still locked, nothing shown.
    owner = Shopper(product)
    owner.says("siparişim nerede")
    locked = _guess(owner, order, MEHMET_EMAIL)
    assert LOCKED in locked and "10045830 numaralı" not in locked
    # Two guesses, /restart, one more: the count went on (it was reset before).
    other = Shopper(product)
    other.says("siparişim nerede")
    for k in (1, 2):
        assert LOCKED not in _guess(other, "10045827", f"baska{k}@example.com")
    assert other.sends("/restart")
    other.says("siparişim nerede")
    assert LOCKED in _guess(other, "10045827", "baska3@example.com")


@pytest.mark.parametrize("command", [
    "/restart", "/session_start", "/back", "/inform{\"order_id\":\"10045826\"}",
    "/affirm", "/human_handoff", "/EXTERNAL_handoff_resolved", "//restart", "/"])
def test_typed_rasa_commands_are_read_as_text_and_answered(product: Settings,
                                                           command: str) -> None:
    replies = Shopper(product).sends(command)
    assert replies and all(r.get("text") or r.get("buttons") for r in replies)
    assert not leaks(replies, command)


def _rest_hostile() -> List[Dict[str, Any]]:
    """Bodies (``raw``) and JSON values (``json``) a REST caller may throw."""
    deep = b'{"sender": "a", "message": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    raws = [deep, b"[" * 50_000 + b"]" * 50_000, b'{"a":' * 30_000 + b"1" + b"}" * 30_000,
            b"{", b"", b"null", b"[]", b'"x"', b"1e999", b"\xff\xfe", b"\x00" * 10,
            b'{"sender": "a", "message": "' + b"x" * 300_000 + b'"}',
            b'{"sender": "a", "message": "x", "sender": ' + b"[" * 40 + b"]" * 40 + b"}",
            b'{"sender": "a", "message": "\\ud800"}', b"NaN", b'{"sender": "a"}',
            b'{"sender": "claim-1", "message": "10045828", "input_channel": "whatsapp", '
            b'"metadata": {"whatsapp_phone": "905442223344"}}',
            b'{"sender": "rest:905442223344", "message": "10045828"}']
    cases = [{"raw": raw} for raw in raws]
    for sender in ("abc\n", "abc\r", "", " ", "a" * 129, "a b", "a/b", "ş", "a\x00",
                   "905442223344\n", None, 5, [], {}, True, "../etc", "<script>"):
        cases.append({"json": {"sender": sender, "message": "merhaba"}})
    for message in (None, 5, [], {"text": "x"}, True, "", "   ", "\x00\x01", "\u202e"):
        cases.append({"json": {"sender": f"h-{uuid.uuid4().hex[:8]}", "message": message}})
    for message in (f"kartım {CARD}", "x" * 100_000, "/restart", '/inform{"x":' + "[" * 500,
                    "{{slot}} {order_id}", "%s %d %(x)s"):
        cases.append({"json": {"sender": f"h-{uuid.uuid4().hex[:8]}", "message": message}})
    return cases


def test_hostile_rest_input_gets_a_polite_reply_or_a_4xx(product: Settings) -> None:
    cases = _rest_hostile()
    assert len(cases) >= 50
    for case in cases:
        answer = rest(product, case.get("json"), case.get("raw"))
        assert answer.status_code == 200 or 400 <= answer.status_code < 500, case
        if answer.status_code == 200:
            raw = case.get("raw")
            typed = raw.decode("utf-8", "replace") if raw is not None else json.dumps(
                case["json"])
            assert answer.json() and not leaks(answer.json(), typed), case
        else:
            assert "error" in answer.json()
    assert Shopper(product).says("merhaba")  # still serving


def _whatsapp_hostile(wa_id: str) -> List[Any]:
    """Signed deliveries of every wrong shape (all acknowledged, none a 500)."""
    message = {"from": wa_id, "id": "wamid.h", "timestamp": "1", "type": "text",
               "text": {"body": "merhaba"}}

    def delivery(value: Any) -> Dict[str, Any]:
        return {"object": "whatsapp_business_account",
                "entry": [{"id": "waba", "changes": [{"field": "messages", "value": value}]}]}

    payloads: List[Any] = [[], "x", 1, None, {}, {"entry": "x"}, {"entry": None}, True,
                           {"entry": {"changes": []}}, {"entry": [{"changes": {"x": 1}}]},
                           {"entry": [1, "x", None, []]}, {"entry": [{"changes": "x"}]},
                           {"entry": [{"changes": [1, None, "x"]}]},
                           {"entry": [{"changes": [{"value": "x"}]}]},
                           delivery({"messages": "x"}), delivery({"messages": [1, "x"]}),
                           delivery({"messages": {"a": 1}}), delivery([])]
    for key, value in (("from", None), ("from", 905442223344), ("from", "abc"),
                       ("from", "+905442223344"), ("from", "90544\n"), ("from", "1" * 30),
                       ("id", None), ("id", ["x"]), ("id", "x" * 500), ("type", None),
                       ("type", ["text"]), ("text", "x"), ("text", None), ("text", []),
                       ("text", {"body": None}), ("text", {"body": ["x"]}),
                       ("text", {"body": {"x": 1}}), ("timestamp", "yesterday"),
                       ("timestamp", []), ("timestamp", "1e999")):
        payloads.append(delivery({"messages": [{**message, key: value,
                                                "id": f"wamid.{uuid.uuid4().hex}"}
                                               if key != "id" else {**message, key: value}]}))
    for interactive in ("x", None, [], {"type": None}, {"type": ["x"]},
                        {"type": "button_reply", "button_reply": "x"},
                        {"type": "button_reply", "button_reply": {"id": ["x"]}},
                        {"type": "list_reply", "list_reply": None},
                        {"type": "nfm_reply", "nfm_reply": {"body": "x"}}):
        payloads.append(delivery({"messages": [{
            **message, "id": f"wamid.{uuid.uuid4().hex}", "type": "interactive",
            "interactive": interactive}]}))
    for button in ("x", None, {"payload": ["x"]}, {"payload": "/restart", "text": 5}):
        payloads.append(delivery({"messages": [{
            **message, "id": f"wamid.{uuid.uuid4().hex}", "type": "button", "button": button}]}))
    return payloads


def test_hostile_whatsapp_deliveries_are_acknowledged_or_refused_never_500(
        product: Settings, graph_api: GraphApiStandIn) -> None:
    shopper = WhatsAppShopper(product, graph_api)
    payloads = _whatsapp_hostile(shopper.wa_id)
    assert len(payloads) >= 50
    for payload in payloads:
        answer = shopper.deliver({}, raw=json.dumps(payload).encode())
        assert answer.status_code == 200, (payload, answer.text)
    for raw in (b"{", b"\xff", b"[" * 50_000 + b"]" * 50_000, b"x" * 1_100_000):
        assert 400 <= shopper.deliver({}, raw=raw, signature=sign(raw)).status_code < 500
    hello = json.dumps({"entry": []}).encode()
    assert shopper.deliver({}, raw=hello, signature=None).status_code == 401
    assert shopper.deliver({}, raw=hello, signature="sha256=" + "0" * 64).status_code == 403
    # Still serving (another shopper: this one sent more than the rate limit allows).
    assert texts(WhatsAppShopper(product, graph_api).says("merhaba"))


def test_hostile_socket_events_break_nothing(product: Settings) -> None:
    """Socket.io has no status codes: what matters is that nothing crosses into another
    conversation and that the channel keeps answering."""
    attacker = SocketShopper(product)
    bystander = SocketShopper(product)
    try:
        events: List[tuple] = []
        for data in (None, 1, "x", [], {"session_id": None}, {"session_id": 5},
                     {"session_id": ["x"]}, {"session_id": MEHMET_WHATSAPP},
                     {"session_id": f"rest:{MEHMET_WHATSAPP}"}, {"session_id": "x" * 10_000},
                     {"session_id": bystander.session_id.upper()}):
            events.append(("session_request", data))
        for session_id in (None, 5, [], MEHMET_WHATSAPP, bystander.session_id,
                           f"rest:{MEHMET_WHATSAPP}", attacker.client.get_sid("/"),
                           attacker.session_id + "\n", attacker.session_id.upper(), ""):
            events.append(("user_uttered", {"message": "siparişim nerede",
                                            "session_id": session_id}))
        for message in (None, 5, [], {"text": "x"}, "", "\x00", "x" * 50_000, "/restart",
                        '/inform{"order_id":"10045826"}', f"kartım {CARD}"):
            events.append(("user_uttered", {"message": message,
                                            "session_id": attacker.session_id}))
        for data in (None, 1, "x", [], [1, 2], {"message": "x"}, {"session_id": None},
                     {"message": "x", "session_id": {"$ne": 1}}, {"metadata": {
                         "whatsapp_phone": MEHMET_WHATSAPP}, "message": "10045826",
                                                                   "session_id": "x"}):
            events.append(("user_uttered", data))
        for name in ("bot_uttered", "session_confirm", "disconnect_request", "x" * 200,
                     "message", "user_uttered ", "__proto__", "constructor"):
            events.append((name, {"text": "sahte"}))
        for message in ("\ud800", "\u202e" * 10, "a\x00b"):
            events.append(("user_uttered", {"message": message,
                                            "session_id": attacker.session_id}))
        assert len(events) >= 50
        for name, data in events:
            attacker.client.emit(name, data)
        time.sleep(3)
        leaked = []
        while not bystander.inbox.empty():
            leaked.append(bystander.inbox.get_nowait())
        assert leaked == []  # nothing of the attacker's reached another conversation
        fresh = SocketShopper(product)
        try:
            fresh.says("merhaba")
            fresh.hears("")  # still answering
        finally:
            fresh.close()
    finally:
        attacker.close()
        bystander.close()


def test_no_personal_data_in_any_log_after_the_attacks(running_product: Product) -> None:
    logs = [*running_product.runtime.glob("*.log"), *running_product.runtime.glob("logs/*")]
    assert logs
    text = "\n".join(Path(log).read_text("utf-8", "replace") for log in logs)
    for secret in (MEHMET_WHATSAPP, "5442223344", "0544 222 33 44", MEHMET_EMAIL,
                   "ayse.yilmaz@example.com", "905321112233", "5321112233", CARD,
                   "tahmin0-1@example.com", "baska1@example.com"):
        assert secret not in text, secret
