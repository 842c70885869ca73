"""The product's Rasa entry point: action answers are judged exactly as Rasa judges them."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot.ops.processes import rasa_server_command
from bot.server import fixes as rasa_server
from bot.settings import get_settings

ANSWERS = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "order_id", "value": "10045821"}],
     "responses": [{"text": "Merhaba", "buttons": []}]},
    {"events": [{"event": "followup", "name": "action_listen"}]},
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": "slot"}]},
    {"events": "not a list"},
    {"responses": ["not an object"]},
    {"events": [{"event": "slot", "name": "a", "value": 1}, {"event": "user", "text": 5}]},
    {"events": [{"event": "action", "name": "action_listen", "timestamp": "late"}]},
    {"events": [{"name": "order_id", "value": "1"}]},
    {"events": [["slot"]]},
    {"events": [{"event": 3}]},
    {"events": [{"event": "active_loop", "name": None},
                {"event": "bot", "text": "Merhaba", "data": {"buttons": []}}]},
    {},
]


def outcome(validate: Any, answer: Dict[str, Any]) -> str | None:
    try:
        validate(RemoteAction("action_check", None), answer)
    except ValidationError as error:
        return error.message
    return None


@pytest.mark.parametrize("answer", ANSWERS)
def test_answers_are_accepted_and_refused_as_rasa_does(answer: Dict[str, Any]) -> None:
    assert outcome(rasa_server._validate_action_result, answer) == outcome(
        RemoteAction._validate_action_result, answer)


def test_valid_answers_take_one_schema_per_event_not_every_kind(
        monkeypatch: pytest.MonkeyPatch) -> None:
    general = []
    monkeypatch.setattr(rasa_server, "best_match", lambda errors: general.append(1))
    answer = {"events": [{"event": "slot", "name": "order_id", "value": "10045821"}] * 20,
              "responses": [{"text": "Merhaba"}]}
    assert rasa_server._validate_action_result(RemoteAction("action_check", None), answer)
    assert not general


def test_refusals_keep_rasa_s_explanation() -> None:
    message = outcome(rasa_server._validate_action_result, {"events": "not a list"})
    assert message is not None and "Failed to validate Action server response" in message


def test_the_meta_schema_is_checked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    rasa_server._action_answer_validator.cache_clear()
    validator_class = type(rasa_server._action_answer_validator())
    checks = []
    monkeypatch.setattr(validator_class, "check_schema",
                        classmethod(lambda cls, schema: checks.append(schema)))
    rasa_server._action_answer_validator.cache_clear()
    for answer in ANSWERS * 3:
        outcome(rasa_server._validate_action_result, answer)
    assert len(checks) == 1


def test_the_product_starts_rasa_through_it(tmp_path) -> None:
    command = rasa_server_command(get_settings(), tmp_path / "model.tar.gz", 5005)
    assert command[1:4] == ["-m", "bot.server", "run"]


def test_every_event_type_finds_rasa_s_class() -> None:
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    names = {event_class.type_name for event_class in all_subclasses(Event)}
    assert {"user", "bot", "action", "slot", "session_started"} <= names
    for name in names:
        assert rasa_server._resolve_by_type(name) is rasa_server._rasa_resolve_by_type(name)


def test_unknown_event_types_fall_back_as_rasa_does() -> None:
    from rasa.shared.core.events import UserUttered

    assert rasa_server._resolve_by_type("topic") is None
    assert rasa_server._resolve_by_type("no_such_event", UserUttered) is UserUttered
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        rasa_server._resolve_by_type("no_such_event")


def test_events_read_back_through_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.shared.core.events import Event, SlotSet, UserUttered

    monkeypatch.setattr(Event, "resolve_by_type", Event.__dict__["resolve_by_type"])
    rasa_server.fast_event_lookup()
    events = [UserUttered("merhaba", {"name": "greet", "confidence": 1.0}),
              SlotSet("order_id", "10045821")]
    assert [Event.from_parameters(e.as_dict()) for e in events] == events


def test_calls_to_an_endpoint_reuse_one_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three calls to a real server on loopback arrive on one connection."""
    from rasa.utils.endpoints import EndpointConfig

    monkeypatch.setattr(EndpointConfig, "session", EndpointConfig.session)
    rasa_server.kept_alive_connections()
    connections = []

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(writer)
        while await reader.read(4096):  # each request is one small read on loopback
            body = b'{"ok": true}'
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
            await writer.drain()

    async def calls() -> List[Any]:
        server = await asyncio.start_server(answer, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        answers = [await endpoint.request(method="get") for _ in range(3)]
        server.close()
        return answers

    assert asyncio.run(calls()) == [{"ok": True}] * 3
    assert len(connections) == 1
