"""retrieve: library tasks as few-shot context (descriptions and whole source)."""

from __future__ import annotations

import random
from typing import Any

from langgraph.runtime import Runtime

from agents.schemas import ExampleTask
from graph.context import Context
from graph.nodes.common import emit, example_from_hit, phase
from graph.resources import resources_for
from graph.state import CandidateState
from memory.filters import SearchFilter
from memory.library import TaskMemory
from memory.records import Origin


def few_shot_examples(
    memory: TaskMemory, query: str, k: int, exclude_names: tuple[str, ...] = ()
) -> list[ExampleTask]:
    """The ``k`` library tasks nearest ``query``, as the coder's few-shot examples.

    One function for the graph and the fine-tuning export (``graph.export``), which leaves the
    exported task out of its own examples with ``exclude_names``."""
    if k <= 0:
        return []
    hits = memory.search(query, k=k, where=SearchFilter(exclude_names=exclude_names))
    return [example_from_hit(hit) for hit in hits]


def retrieve(state: CandidateState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Goal-directed: the tasks nearest the target. Exploratory: the neighbourhood of a recent
    task (a generated one when there are any), so the proposer sees what not to repeat."""
    phase(state["candidate_id"], "working")
    context = runtime.context
    memory = resources_for(context).memory
    k = context.examples
    if state.get("mode") == "target" and state.get("target"):
        query = str(state["target"])
    else:
        records = memory.list()
        generated = [r for r in records if r.origin is Origin.GENERATED]
        pool = sorted(generated, key=lambda r: r.created)[-5:] or records
        anchor = random.Random(state.get("seed", 0)).choice(pool) if pool else None
        query = anchor.description if anchor else "pick and place blocks"
    examples = few_shot_examples(memory, query, k)
    emit("retrieved", candidate=state["candidate_id"], examples=[e.name for e in examples])
    return {"examples": examples, "known_names": memory.names()}
