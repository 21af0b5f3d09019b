"""The summary of a run: what the CLI's ``--json`` prints and the Python API returns, and
what readers of a summary (benchmarks, reports) total from it."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from agents.usage import add_costs, total_usage
from graph.state import CandidateResult, RunState


def run_summary(state: RunState, thread: str, critics: list[str]) -> dict[str, Any]:
    """The summary of a run so far; ``critics`` names the critics that judged its candidates."""
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
            "cost_usd": None if usage.cost_usd is None else round(usage.cost_usd, 6),
        },
        "critics": critics,
        "usage_by_role": {
            role: u.model_dump() for role, u in sorted(state.get("usage", {}).items())
        },
        "seconds": round(time.time() - state.get("started", time.time()), 2),
        "thread": thread,
        "candidates": [r.model_dump(mode="json") for r in results],
    }


@dataclass(frozen=True)
class RunTotals:
    """What a run spent, from its summary's ``usage`` and ``seconds`` (cost None: unpriced)."""

    calls: int = 0
    tokens: int = 0
    cost_usd: float | None = 0.0
    seconds: float = 0.0

    @classmethod
    def from_summary(cls, summary: dict[str, Any]) -> RunTotals:
        usage = summary.get("usage", {})
        cost = usage.get("cost_usd", 0.0)
        return cls(
            calls=int(usage.get("calls", 0)),
            tokens=int(usage.get("total_tokens", 0)),
            cost_usd=None if cost is None else float(cost),
            seconds=float(summary.get("seconds", 0.0)),
        )

    def __add__(self, other: RunTotals) -> RunTotals:
        return RunTotals(
            calls=self.calls + other.calls,
            tokens=self.tokens + other.tokens,
            cost_usd=add_costs(self.cost_usd, other.cost_usd),
            seconds=self.seconds + other.seconds,
        )


def candidates_of(summary: dict[str, Any]) -> list[CandidateResult]:
    """The candidates a run summary lists, as the graph's own records."""
    return [CandidateResult.model_validate(c) for c in summary.get("candidates", [])]
