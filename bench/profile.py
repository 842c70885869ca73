"""Where a turn's time goes: Rasa's own steps timed in-process, one turn at a time.

Run as ``python -m bench.profile --model M --out F`` in the environment of a Rasa server
(`bot.ops.environment.rasa_environment`): the model is loaded with the product's endpoints
(SQL tracker store, lock store, the running action side), logging is set up as `rasa run`
sets it up, and Rasa's methods are wrapped with clocks: every graph node (each NLU
component and each policy), the tracker store's load and save, every HTTP call to the
action side, the validation of its answers, and the filling of response templates. With
one conversation at a time, steps nest cleanly: each clock keeps its whole time and the
time of its own code outside the other clocks, so what no clock covers (Rasa's
bookkeeping: events, tracker copies, slot mapping) is the whole turn's own time. A long
conversation then shows what a growing tracker costs.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import functools
import json
import re
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Dict, List

from bench.conversations import conversations, long_conversation
from bot.server.fixes import apply_runtime_fixes
from bot.settings import PROJECT_ROOT

TOTAL = "total"
NLU = "nlu"
POLICIES = "policies"
STORE_LOAD = "tracker store: load"
STORE_SAVE = "tracker store: save"
ACTION_HTTP = "action side: HTTP calls"
ACTION_VALIDATION = "action side: answer validation (jsonschema)"
TEMPLATES = "responses: templates filled"


class Clocks:
    """Per label: wall time in total, time outside the other clocks, and calls."""

    def __init__(self) -> None:
        self.inclusive: Dict[str, float] = defaultdict(float)
        self.exclusive: Dict[str, float] = defaultdict(float)
        self.calls: Dict[str, int] = defaultdict(int)
        self._children: List[float] = []  # time of clocked calls inside each open call
        self.scope = ""  # the step a graph node runs in (NLU or policies)

    def reset(self) -> None:
        self.inclusive.clear()
        self.exclusive.clear()
        self.calls.clear()

    def _enter(self) -> float:
        self._children.append(0.0)
        return time.perf_counter()

    def _leave(self, label: str, started: float) -> None:
        elapsed = time.perf_counter() - started
        inner = self._children.pop()
        self.inclusive[label] += elapsed
        self.exclusive[label] += elapsed - inner
        self.calls[label] += 1
        if self._children:
            self._children[-1] += elapsed

    def wrap(self, owner: type, name: str, label: Callable[..., str],
             scope: bool = False) -> None:
        """Time ``owner.name`` (a function or coroutine function) under ``label(*args)``;
        a ``scope`` names the step for the graph nodes that run inside it."""
        original = getattr(owner, name)
        if asyncio.iscoroutinefunction(original):
            @functools.wraps(original)
            async def timed_async(*args: Any, **kwargs: Any) -> Any:
                started = self._enter()
                try:
                    return await original(*args, **kwargs)
                finally:
                    self._leave(label(*args), started)
            setattr(owner, name, timed_async)
            return

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            if scope:
                self.scope = label(*args)
            started = self._enter()
            try:
                return original(*args, **kwargs)
            finally:
                self._leave(label(*args), started)
                if scope:
                    self.scope = ""
        setattr(owner, name, timed)


def install(clocks: Clocks) -> None:
    from rasa.core.actions.action import RemoteAction
    from rasa.core.agent import Agent
    from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
    from rasa.core.processor import MessageProcessor
    from rasa.engine.graph import GraphNode
    from rasa.utils.endpoints import EndpointConfig

    from bot.server.tracker_store import QuickCommitSQLTrackerStore

    def node_label(node: GraphNode, *_: Any) -> str:
        """"run_DIETClassifier5" -> "nlu/DIETClassifier" (both CountVectorsFeaturizers add
        up); nodes Rasa runs as plumbing keep their name ("policies/select_prediction")."""
        name = re.sub(r"\d+$", "", node._node_name.removeprefix("run_"))
        return f"{clocks.scope}/{name.rsplit('.', 1)[-1]}"

    clocks.wrap(Agent, "handle_message", lambda *_: TOTAL)
    clocks.wrap(MessageProcessor, "_parse_message_with_graph", lambda *_: NLU, scope=True)
    clocks.wrap(MessageProcessor, "_predict_next_with_tracker", lambda *_: POLICIES,
                scope=True)
    clocks.wrap(GraphNode, "__call__", node_label)
    clocks.wrap(QuickCommitSQLTrackerStore, "retrieve", lambda *_: STORE_LOAD)
    clocks.wrap(QuickCommitSQLTrackerStore, "save", lambda *_: STORE_SAVE)
    clocks.wrap(EndpointConfig, "request", lambda *_: ACTION_HTTP)
    clocks.wrap(RemoteAction, "_validate_action_result", lambda *_: ACTION_VALIDATION)
    clocks.wrap(TemplatedNaturalLanguageGenerator, "generate", lambda *_: TEMPLATES)


async def _profile(model: Path, scripts: int, long_scripts: int, seed: int,
                   cprofile: Path | None) -> Dict[str, Any]:
    from rasa.core.agent import load_agent
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    # Logging as `rasa run` sets it up (LOG_LEVEL), or debug lines would be timed too.
    configure_logging_and_warnings(None, warn_only_once=True, filter_repeated_logs=True)
    configure_structlog(None)
    apply_runtime_fixes()  # as the product's Rasa servers run (bot/server/fixes.py)
    clocks = Clocks()
    install(clocks)
    endpoints = AvailableEndpoints.read_endpoints(str(PROJECT_ROOT / "endpoints.yml"))
    agent = await load_agent(model_path=str(model), endpoints=endpoints)
    stream = conversations(seed)
    for script in [next(stream) for _ in range(2)]:  # warm-up: first calls build caches
        sender = f"warm-{uuid.uuid4().hex[:8]}"
        for turn in script:
            await agent.handle_text(turn.text, sender_id=sender)
    clocks.reset()
    turns = 0
    profiler = cProfile.Profile() if cprofile else None
    for _ in range(scripts):
        sender = f"profile-{uuid.uuid4().hex[:8]}"
        for turn in next(stream):
            if profiler:
                profiler.enable()
            await agent.handle_text(turn.text, sender_id=sender)
            if profiler:
                profiler.disable()
            turns += 1
    if profiler and cprofile:
        profiler.dump_stats(cprofile)
    steps = {label: {"ms_per_turn": clocks.inclusive[label] * 1000 / turns,
                     "own_ms_per_turn": clocks.exclusive[label] * 1000 / turns,
                     "calls_per_turn": clocks.calls[label] / turns}
             for label in clocks.inclusive}

    per_turn: List[Dict[str, float]] = []
    sender = f"long-{uuid.uuid4().hex[:8]}"
    for turn in long_conversation(seed, long_scripts):
        clocks.reset()
        await agent.handle_text(turn.text, sender_id=sender)
        per_turn.append({"total_ms": clocks.inclusive[TOTAL] * 1000,
                         "policies_ms": clocks.inclusive[POLICIES] * 1000,
                         "store_ms": (clocks.inclusive[STORE_LOAD]
                                      + clocks.inclusive[STORE_SAVE]) * 1000})
    return {"turns": turns, "breakdown": steps, "long_conversation": per_turn}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--conversations", type=int, default=10)
    parser.add_argument("--long", type=int, default=5,
                        help="eight-turn conversations in the long one")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--cprofile", type=Path,
                        help="also write cProfile stats of the timed turns here (pstats)")
    args = parser.parse_args()
    result = asyncio.run(_profile(args.model, args.conversations, args.long, args.seed,
                                  args.cprofile))
    args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
