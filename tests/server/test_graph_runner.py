"""The ordered graph runner gives what Rasa's Dask runner gives, on the trained model."""

from __future__ import annotations

import asyncio
import copy
from typing import Any, Dict, List

import dask
import pytest
from rasa.core.agent import Agent
from rasa.engine.exceptions import GraphRunError
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.ops.model import model_path
from bot.server.graph_runner import OrderedGraphRunner
from bot.settings import get_settings

TEXTS = ["merhaba", "10045821 nolu siparişim nerede, mailim ayse.yilmaz@example.com",
         "havale ile ödeyebilir miyim, bir de fatura kurumsal kesiliyor mu?",
         "avukatıma gidiyorum, kartımdan iki kez çekildi", "🙂", "x" * 5_000]


@pytest.fixture(scope="module")
def agent() -> Agent:
    model = model_path(get_settings().model_dir)
    if not model.exists():
        pytest.fail(f"no model for the current data ({model.name}): run `make train` first")
    loaded = Agent.load(str(model))
    assert type(loaded.processor.graph_runner).__name__ == "DaskGraphRunner"
    return loaded


def ordered(agent: Agent) -> OrderedGraphRunner:
    """The same loaded nodes behind the ordered runner."""
    runner = OrderedGraphRunner.__new__(OrderedGraphRunner)
    runner.__dict__.update(agent.processor.graph_runner.__dict__)
    return runner


def parse(agent: Agent, text: str) -> Dict[str, Any]:
    return asyncio.run(agent.parse_message(text))


def predictions(agent: Agent, parses: List[Dict[str, Any]]) -> List[Any]:
    out = []
    for data in parses:
        tracker = DialogueStateTracker.from_events(
            "graph-runner", [ActionExecuted("action_listen"), UserUttered(data["text"], data)],
            slots=agent.domain.slots)
        prediction = agent.processor._predict_next_with_tracker(tracker)
        out.append((prediction.policy_name, prediction.max_confidence_index,
                    round(prediction.max_confidence, 6), prediction.events))
    return out


def test_parses_and_predictions_are_the_dask_runner_s(
        agent: Agent, monkeypatch: pytest.MonkeyPatch) -> None:
    by_dask = [parse(agent, text) for text in TEXTS]
    predicted_by_dask = predictions(agent, by_dask)

    monkeypatch.setattr(agent.processor, "graph_runner", ordered(agent))
    monkeypatch.setattr(dask, "get", lambda *_, **__: pytest.fail("Dask was used"))
    by_order = [parse(agent, text) for text in TEXTS]
    assert by_order == copy.deepcopy(by_dask)
    assert predictions(agent, by_order) == predicted_by_dask


def test_every_node_runs_after_what_it_needs(agent: Agent) -> None:
    runner = ordered(agent)
    schema = runner._graph_schema
    for targets in (schema.target_names, [agent.processor.model_metadata.core_target]):
        steps = runner._steps(tuple(targets))
        names = [name for name, _ in steps]
        assert len(names) == len(set(names))
        assert set(names) == set(schema.minimal_graph_schema(targets).nodes)
        for position, (_, needs) in enumerate(steps):
            assert all(need not in schema.nodes or need in names[:position] for need in needs)


def test_an_input_named_like_a_node_is_refused_as_by_dask(agent: Agent) -> None:
    node = next(iter(agent.processor.graph_runner._graph_schema.nodes))
    with pytest.raises(GraphRunError, match="clashes with a node name"):
        ordered(agent).run(inputs={"__message__": node})
