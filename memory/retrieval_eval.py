"""Measuring retrieval: labelled queries (a paraphrase and the task it must find) and hit rates.

Shared by the retrieval test (top-3 >= 90% gate) and `benchmarks/bench_memory.py`, so both
count hits the same way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class LabelledQuery:
    query: str
    task: str


def load_labelled_queries(path: Path) -> list[LabelledQuery]:
    """Read `{"queries": [{"query": ..., "task": ...}, ...]}`."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [LabelledQuery(q["query"], q["task"]) for q in data["queries"]]


def for_registered(queries: Iterable[LabelledQuery], names: Iterable[str]) -> list[LabelledQuery]:
    """Only the queries whose task is in `names` (seed tasks still being written are skipped)."""
    known = set(names)
    return [q for q in queries if q.task in known]


@dataclass
class RetrievalScore:
    """Hit rates at 1 and 3, and the queries that missed the top 3."""

    total: int = 0
    top1: int = 0
    top3: int = 0
    misses: list[tuple[str, str, list[str]]] = field(default_factory=list)

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.total if self.total else 0.0

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.total if self.total else 0.0

    def summary(self) -> str:
        return (
            f"top-1 {self.top1_rate:.1%} ({self.top1}/{self.total}), "
            f"top-3 {self.top3_rate:.1%} ({self.top3}/{self.total})"
        )


def score_retrieval(
    search: Callable[[str, int], Sequence[str]], queries: Iterable[LabelledQuery]
) -> RetrievalScore:
    """Run each query through `search(text, k) -> ranked task names` and count hits."""
    score = RetrievalScore()
    for labelled in queries:
        ranked = list(search(labelled.query, 3))
        score.total += 1
        score.top1 += bool(ranked[:1] == [labelled.task])
        if labelled.task in ranked[:3]:
            score.top3 += 1
        else:
            score.misses.append((labelled.query, labelled.task, ranked[:3]))
    return score
