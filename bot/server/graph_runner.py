"""Rasa's prediction graphs run in a fixed order, without Dask's scheduler.

A Rasa server runs its graph for every parse (the NLU pipeline) and for every prediction
(the policies, a few a turn). Rasa 3.6 hands each run to ``dask.get``, which for every
call rebuilds the task graph, orders it (``dask.order``), inverts its dependencies and
schedules the tasks one by one through its thread-pool machinery, on one thread: about a
fifth of a loaded Rasa server's CPU on the event loop went to that bookkeeping
(docs/performance-prod.md). The graphs are small, fixed after loading and run
sequentially anyway, so the order they run in is computed once per set of targets and the
nodes are then simply called in it.

Each node is still Rasa's ``GraphNode``, called with the same arguments Dask gives it (the
``(name, output)`` pair of every node it needs, the bare name of an input nobody provided),
so hooks, eager and lazy loading and errors behave as under Dask
(``tests/server/test_graph_runner.py`` compares both runners on a real model).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Tuple

import rasa.core.processor
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner

Step = Tuple[str, Tuple[str, ...]]  # a node and the names of what it needs, in order


class OrderedGraphRunner(DaskGraphRunner):
    """``DaskGraphRunner`` with ``run`` calling the nodes in a cached topological order."""

    def run(self, inputs: Dict[str, Any] | None = None,
            targets: List[str] | None = None) -> Dict[str, Any]:
        """Runs the graph (see ``GraphRunner.run``): the outputs of the targets by name."""
        run_targets = tuple(targets if targets else self._graph_schema.target_names)
        results: Dict[str, Any] = {}
        for name, value in (inputs or {}).items():
            if isinstance(value, str) and value in self._graph_schema.nodes:
                raise GraphRunError(
                    f"Input value '{value}' clashes with a node name. Make sure that none "
                    f"of the input names passed to the `run` method are the same as node "
                    f"names in the graph schema.")
            results[name] = (name, value)
        try:
            for name, needs in self._steps(run_targets):
                results[name] = self._instantiated_nodes[name](
                    *(results.get(need, need) for need in needs))
        except RuntimeError as error:
            raise GraphRunError("Error running runner.") from error
        return dict(results[target] for target in run_targets)

    @lru_cache(maxsize=16)  # noqa: B019 (one runner per loaded model, kept for its life)
    def _steps(self, targets: Tuple[str, ...]) -> Tuple[Step, ...]:
        """The nodes the targets depend on, each after everything it needs."""
        nodes = self._graph_schema.nodes
        steps: List[Step] = []
        placed = set()

        def place(name: str) -> None:
            if name in placed or name not in nodes:  # an input, or already placed
                return
            placed.add(name)
            needs = tuple(nodes[name].needs.values())
            for need in needs:
                place(need)
            steps.append((name, needs))

        for target in targets:
            place(target)
        return tuple(steps)


def run_graphs_in_order() -> None:
    """Make the Rasa server load its models with :class:`OrderedGraphRunner`."""
    rasa.core.processor.DaskGraphRunner = OrderedGraphRunner
