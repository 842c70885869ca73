"""Rasa's own command line, with the one runtime fix a shop's load needs.

Rasa 3.6 checks every answer of the action side with ``jsonschema.validate``. That function
first checks Rasa's large event schema against the JSON Schema meta-schema, then builds a
validator, then checks the answer, on every call: about half of a whole turn's CPU
(``docs/performance.md``: 59 of 121 ms). ``fast_action_validation`` builds the validator
once and checks answers with it; what is accepted and what is refused (with Rasa's own
message) stay the same (``tests/test_rasa_server.py``).

The fix is applied here, in the process Rasa runs in, rather than by editing Rasa: the
product starts Rasa as ``python -m bot.rasa_server run ...`` (``bot/services.py``), and the
benchmark's in-process profile applies the same function.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Dict

from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@cache
def _action_answer_validator() -> Validator:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)  # once per process instead of once per answer
    return validator_class(schema)


def _validate_action_result(_: RemoteAction, result: Dict[str, Any]) -> bool:
    """``RemoteAction._validate_action_result`` with the validator built once."""
    error = best_match(_action_answer_validator().iter_errors(result))
    if error is None:
        return True
    # Rasa's own wording, so logs read the same as without the fix.
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def fast_action_validation() -> None:
    """Make Rasa's check of the action side's answers use one validator per process."""
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]


def main() -> None:
    """``rasa`` with the fix applied: same arguments, same behaviour."""
    from rasa.__main__ import main as rasa_main

    fast_action_validation()
    rasa_main()


if __name__ == "__main__":
    main()
