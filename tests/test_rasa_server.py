"""The product's Rasa entry point: action answers are judged exactly as Rasa judges them."""

from __future__ import annotations

from typing import Any, Dict

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot import rasa_server
from bot.services import rasa_server_command
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
    assert command[1:4] == ["-m", "bot.rasa_server", "run"]
