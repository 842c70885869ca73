"""Speed fixes to Rasa, applied in the Rasa server process (``bot/server/__main__.py``).

Rasa 3.6 checks every answer of the action side with ``jsonschema.validate``. That function
first checks Rasa's large event schema against the JSON Schema meta-schema, then builds a
validator, then checks the answer, on every call: the largest part of a turn's CPU
(``docs/performance.md`` has the figures). ``fast_action_validation`` builds the validator
once and checks answers with it; what is accepted and what is refused (with Rasa's own
message) stay the same (``tests/server/test_fixes.py``). The schema lets an event be one of
23 kinds (``oneOf``), so the general validator tries every kind for every event; each kind
is fixed by the event's ``event`` name, so an answer is first checked with the one schema
of each event's own kind, and only an answer that fails that takes the general validator,
for Rasa's verdict and wording.

Rasa also finds the class of every event it reads (each event of a tracker loaded from the
store, each event the action side sends) by walking the whole ``Event`` class tree again,
recursively, for every event of every tracker on every turn. ``fast_event_lookup`` keeps
the walk's answer per type name; a name it does not know (an event class imported later)
still takes Rasa's own walk.

Rasa opens a new HTTP session, and so a new connection, for every call to the action side
(``EndpointConfig.request``). ``kept_alive_connections`` gives each endpoint one session per
event loop whose connections are kept between calls. An idle connection is dropped by this
side after ``IDLE_CONNECTION_SECONDS``, before any server or balancer in front of the
action side closes it (Sanic after 5 s, HAProxy after its ``timeout http-request``), so
a call never goes out on a connection the other side is closing.

Rasa runs its prediction graphs through Dask's scheduler, whose per-call bookkeeping costs
more than the small graphs it runs: ``bot/server/graph_runner.py`` runs them in a cached
order instead.

The fixes are applied in the process Rasa runs in rather than by editing Rasa; the
benchmark's in-process profile applies the same function.
"""

from __future__ import annotations

import asyncio
import weakref
from functools import cache
from typing import Any, Dict, Tuple, Type

import aiohttp
from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import EndpointConfig

from bot.server.graph_runner import run_graphs_in_order

_rasa_resolve_by_type = Event.resolve_by_type
# Shorter than any keep-alive timeout on the other side (Sanic's is 5 s).
IDLE_CONNECTION_SECONDS = 2.0


@cache
def _action_answer_validator() -> Validator:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)  # once per process instead of once per answer
    return validator_class(schema)


@cache
def _validators_by_kind() -> Tuple[Validator, Dict[str, Validator]]:
    """The answer without its events, and one event of each kind (``oneOf`` split up)."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    event = dict(schema["properties"]["events"]["items"])
    kinds = event.pop("oneOf")
    by_kind = {kind["properties"]["event"]["const"]: validator_class({"allOf": [event, kind]})
               for kind in kinds}
    if len(by_kind) != len(kinds):  # two kinds of one name: only the general check is exact
        return validator_class(schema), {}
    answer = {**schema, "properties": {**schema["properties"], "events": {"type": "array"}}}
    return validator_class(answer), by_kind


def _valid_by_kind(result: Dict[str, Any]) -> bool:
    answer, by_kind = _validators_by_kind()
    if not by_kind or not answer.is_valid(result):
        return False
    for event in result.get("events") or []:
        validator = by_kind.get(str(event.get("event"))) if isinstance(event, dict) else None
        if validator is None or not validator.is_valid(event):
            return False
    return True


def _validate_action_result(_: RemoteAction, result: Dict[str, Any]) -> bool:
    """``RemoteAction._validate_action_result`` with the validator built once."""
    if _valid_by_kind(result):
        return True
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


class _Borrowed:
    """``async with`` over a kept session: entering lends it, leaving keeps it open."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self._session

    async def __aexit__(self, *_: Any) -> None:
        return None


def _kept_session(self: EndpointConfig) -> _Borrowed:
    """``EndpointConfig.session``, one per endpoint and event loop, connections kept."""
    loop = asyncio.get_running_loop()
    kept: Dict[asyncio.AbstractEventLoop, aiohttp.ClientSession] = self.__dict__.setdefault(
        "_kept_sessions", weakref.WeakKeyDictionary())
    session = kept.get(loop)
    if session is None or session.closed:
        auth = (aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
                if self.basic_auth else None)
        session = aiohttp.ClientSession(
            headers=self.headers, auth=auth,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=IDLE_CONNECTION_SECONDS))
        kept[loop] = session
    return _Borrowed(session)


def kept_alive_connections() -> None:
    """Make every endpoint's calls reuse their connections."""
    EndpointConfig.session = _kept_session


def apply_runtime_fixes() -> None:
    """Every fix above, as the product's Rasa servers run them."""
    fast_action_validation()
    fast_event_lookup()
    kept_alive_connections()
    run_graphs_in_order()

