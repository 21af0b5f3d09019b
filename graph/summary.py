"""The summary of a run: what the CLI's ``--json`` prints and the Python API returns."""

from __future__ import annotations

import time
from typing import Any

from agents.usage import total_usage
from graph.state import RunState


def run_summary(state: RunState, thread: str) -> dict[str, Any]:
    results = state.get("results", [])
    usage = total_usage(state.get("usage", {}))
    return {
        "accepted": [
            {
                "name": r.name,
                "path": r.path,
                "success_rate": r.success_rate,
                "repairs": r.repairs,
                "picture": r.picture,
            }
            for r in results
            if r.accepted
        ],
        "rejected": [
            {"name": r.name, "stage": r.stage, "reason": r.reason}
            for r in results
            if not r.accepted
        ],
        "usage": {
            "calls": usage.calls,
            "input_tokens": usage.input_tokens,
            "output_tokens": usage.output_tokens,
            "total_tokens": usage.total_tokens,
            "cost_usd": round(usage.cost_usd, 6),
        },
        "usage_by_role": {
            role: u.model_dump() for role, u in sorted(state.get("usage", {}).items())
        },
        "seconds": round(time.time() - state.get("started", time.time()), 2),
        "thread": thread,
        "candidates": [r.model_dump(mode="json") for r in results],
    }
