"""A graph runner for Rasa's prediction graph without Dask's per-message scheduling (runs in the Rasa venv).

Rasa 3.6 runs NLU and the policies as a graph of components through `DaskGraphRunner`. For every message
it cuts the schema down to the targets' ancestors, builds a Dask task dictionary and hands it to
Dask's synchronous scheduler, which orders the tasks again. With Lyt's small, fast pipeline that
bookkeeping was a large share of a turn (docs/PERFORMANCE.md).

`SequentialGraphRunner` works out the order once per set of targets and then calls the same graph nodes
(the same `GraphNode` objects, with their hooks) one after another, passing each node the outputs of the
nodes it needs exactly as Dask does: a needed node's `(name, output)` pair, or the bare name when
nothing provides it. Inputs clash-checked as in `DaskGraphRunner`; a `RuntimeError` becomes a
`GraphRunError` as there. Installed for prediction only, by `bot.rasa_speedups` (training keeps Dask).
"""

from __future__ import annotations

import graphlib
from typing import Any

from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner

Step = tuple[str, tuple[str, ...]]


class SequentialGraphRunner(DaskGraphRunner):
    """DaskGraphRunner's nodes and results, run in a cached topological order."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans: dict[tuple[str, ...], list[Step]] = {}

    def _plan(self, targets: tuple[str, ...]) -> list[Step]:
        plan = self._plans.get(targets)
        if plan is None:
            schema = self._graph_schema.minimal_graph_schema(list(targets))
            needs = {name: tuple(node.needs.values()) for name, node in schema.nodes.items()}
            order = graphlib.TopologicalSorter({name: set(n for n in deps if n in needs) for name, deps in needs.items()})
            plan = self._plans[targets] = [(name, needs[name]) for name in order.static_order()]
        return plan

    def run(self, inputs: dict[str, Any] | None = None, targets: list[str] | None = None) -> dict[str, Any]:
        run_targets = list(targets if targets else self._graph_schema.target_names)
        plan = self._plan(tuple(run_targets))
        results: dict[str, Any] = {}
        names = {name for name, _ in plan}
        for input_name, input_value in (inputs or {}).items():
            if isinstance(input_value, str) and input_value in names:
                raise GraphRunError(
                    f"Input value '{input_value}' clashes with a node name. Make sure that none of the "
                    f"input names passed to the `run` method are the same as node names in the graph schema."
                )
            results[input_name] = (input_name, input_value)
        try:
            for name, needs in plan:
                if name in (inputs or {}):  # as in Dask: an input replaces the node of that name
                    continue
                node = self._instantiated_nodes[name]
                results[name] = node(*[results.get(need, need) for need in needs])
        except RuntimeError as e:
            raise GraphRunError("Error running runner.") from e
        return dict(results[target] for target in run_targets)
