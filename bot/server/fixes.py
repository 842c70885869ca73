"""Speed fixes to Rasa, applied in the Rasa server process (``bot/server/__main__.py``).

Rasa 3.6 checks every answer of the action side with ``jsonschema.validate``. That function
first checks Rasa's large event schema against the JSON Schema meta-schema, then builds a
validator, then checks the answer, on every call: the largest part of a turn's CPU
(``docs/performance.md`` has the figures). ``fast_action_validation`` builds the validator
once and checks answers with it; what is accepted and what is refused (with Rasa's own
message) stay the same (``tests/server/test_fixes.py``).

Rasa also finds the class of every event it reads (each event of a tracker loaded from the
store, each event the action side sends) by walking the whole ``Event`` class tree again,
recursively, for every event of every tracker on every turn. ``fast_event_lookup`` keeps
the walk's answer per type name; a name it does not know (an event class imported later)
still takes Rasa's own walk.

The fixes are applied in the process Rasa runs in rather than by editing Rasa; the
benchmark's in-process profile applies the same function.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Dict, Type

from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

_rasa_resolve_by_type = Event.resolve_by_type


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
    RemoteAction._validate_action_result = _validate_action_result


@cache
def _event_classes() -> Dict[str, Type[Event]]:
    classes: Dict[str, Type[Event]] = {}
    for event_class in all_subclasses(Event):
        classes.setdefault(event_class.type_name, event_class)  # Rasa's walk takes the first
    return classes


def _resolve_by_type(type_name: str, default: Type[Event] | None = None
                     ) -> Type[Event] | None:
    """``Event.resolve_by_type`` answered from :func:`_event_classes` when it can."""
    event_class = _event_classes().get(type_name)
    return event_class if event_class is not None else _rasa_resolve_by_type(type_name,
                                                                            default)


def fast_event_lookup() -> None:
    """Make Rasa find an event's class by its type name without walking the class tree."""
    Event.resolve_by_type = staticmethod(_resolve_by_type)


def apply_runtime_fixes() -> None:
    """Every fix above, as the product's Rasa servers run them."""
    fast_action_validation()
    fast_event_lookup()

