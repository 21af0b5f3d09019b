"""The run's loop: ``plan`` starts a round of candidates (``Send`` fan-out, up to the run's
``concurrency``: candidates wait on the model in parallel and queue for the ``workers``
validation processes), ``record`` writes what the round made and decides whether to go on."""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

from langgraph.runtime import Runtime
from langgraph.types import Send

from agents.usage import total_usage
from graph.context import Context
from graph.nodes.common import emit, run_dir, thread_of
from graph.resources import resources_for
from graph.state import RunState
from graph.summary import run_summary


def plan(state: RunState, runtime: Runtime[Context]) -> dict[str, Any]:
    n = state.get("n_tasks", 1)
    if n < 0:
        raise ValueError(f"n_tasks must be 0 or more, got {n}.")
    if state.get("mode", "explore") == "target" and not state.get("target"):
        raise ValueError("mode 'target' needs a target, e.g. 'build a car'.")
    update: dict[str, Any] = {"round": state.get("round", 0) + 1}
    if "started" not in state:
        update["started"] = time.time()
    return update


def _accepted(state: RunState) -> int:
    return sum(r.accepted for r in state.get("results", []))


def more_to_make(state: RunState, context: Context) -> int:
    """How many candidates the next round should start (0: the run is done)."""
    n = state.get("n_tasks", 1)
    tried = len(state.get("results", []))
    remaining = n - _accepted(state)
    budget = context.candidate_budget(n) - tried
    if context.max_cost_usd is not None:
        spent = total_usage(state.get("usage", {})).cost_usd
        # Unknown spending (a model priced when the run started and not now) stops the run:
        # a budget that cannot be checked is not kept by going on.
        if spent is None or spent >= context.max_cost_usd:
            return 0
    return max(0, min(remaining, budget, context.in_flight))


def candidate_seed(thread: str, round_: int, slot: int, base: int) -> int:
    digest = hashlib.sha256(f"{thread}/{round_}/{slot}/{base}".encode()).hexdigest()
    return int(digest[:8], 16)


def dispatch(state: RunState, runtime: Runtime[Context]) -> Any:
    """One ``Send`` per candidate of this round, or straight to ``record`` when none is due."""
    count = more_to_make(state, runtime.context)
    if count == 0:
        return "record"
    round_ = state.get("round", 1)
    thread = thread_of()
    sends = []
    for slot in range(count):
        candidate_id = f"r{round_:03d}-c{slot}"
        emit("candidate_started", candidate=candidate_id, round=round_)
        sends.append(
            Send(
                "candidate",
                {
                    "candidate_id": candidate_id,
                    "slot": slot,
                    "seed": candidate_seed(thread, round_, slot, runtime.context.seed),
                    "mode": state.get("mode", "explore"),
                    "target": state.get("target"),
                    "started": time.time(),
                },
            )
        )
    return sends


def record(state: RunState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Write the run's summary so far to ``runs/<thread>/summary.json``."""
    critics = resources_for(runtime.context).agents.critic_names
    summary = run_summary(state, thread_of(), critics)
    folder = run_dir(runtime.context)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    emit(
        "round_done",
        round=state.get("round", 0),
        accepted=len(summary["accepted"]),
        rejected=len(summary["rejected"]),
    )
    return {"summary": summary}


def after_record(state: RunState, runtime: Runtime[Context]) -> str:
    return "plan" if more_to_make(state, runtime.context) else "__end__"
