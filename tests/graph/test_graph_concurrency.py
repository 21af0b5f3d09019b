"""Candidates in flight (``concurrency``) apart from validation processes (``workers``).

Against the loopback OpenAI-compatible server answering after a delay, as a real model does:
with four candidates in flight and one validation process, the candidates wait on the model
together (the server answers several at once, and their waits overlap in time), while their
validations queue for the one process. With one in flight, nothing overlaps.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agents.llm.scripted_server import ScriptedServer, peak_overlap
from graph.context import CONCURRENCY_PER_WORKER, Context
from graph.progress import Progress
from graph.run import run
from tests.graph.scripted import repairing_model

pytestmark = pytest.mark.integration

DELAY_S = 0.5
#: proposer, coder, critic: one answer each for a task written right the first time.
ANSWERS_PER_CANDIDATE = 3


def right_first_time(prompt: str) -> str:
    return repairing_model(prompt, right_first_time=True)


def busy_seconds(spans: list[tuple[float, float]]) -> float:
    """How long at least one request was open (the union of the spans)."""
    total, end = 0.0, float("-inf")
    for start, stop in sorted(spans):
        if stop > end:
            total += stop - max(start, end)
            end = stop
    return total


class PeakPhases:
    """The most candidates seen in each phase at one moment, from the run's events."""

    def __init__(self) -> None:
        self.progress = Progress()
        self.peak: dict[str, int] = {}

    def __call__(self, event: dict[str, Any]) -> None:
        self.progress.update(event)
        for name, count in self.progress.counts().items():
            self.peak[name] = max(self.peak.get(name, 0), count)


def generate(
    workspace: Path, n: int, concurrency: int, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, Any], ScriptedServer, PeakPhases]:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-local-test")
    phases = PeakPhases()
    with ScriptedServer(right_first_time, delay_s=DELAY_S) as server:
        context = Context(
            workspace=str(workspace),
            model="openai:scripted",
            base_url=server.base_url,
            critics=["assets", "llm"],
            episodes=1,
            workers=1,
            concurrency=concurrency,
            max_candidates=n,
        )
        summary = run(n, context=context, on_event=phases)
    return summary, server, phases


def test_four_in_flight_overlap_their_model_waits(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary, server, phases = generate(workspace, 4, 4, monkeypatch)
    assert len(summary["accepted"]) == 4, summary["rejected"]
    assert len(server.spans) == 4 * ANSWERS_PER_CANDIDATE
    waited = sum(stop - start for start, stop in server.spans)
    # Four proposals (and four drafts, four critiques) are asked for at once...
    assert server.peak_in_flight() >= 3, server.spans
    # ...so the model's twelve answers take well under twelve delays of wall time.
    assert busy_seconds(server.spans) < 0.6 * waited, (busy_seconds(server.spans), waited)
    # The progress events say so too, and validations still go one at a time to the worker.
    assert phases.peak["model"] >= 3 and phases.peak["validating"] == 1, phases.peak
    assert phases.peak["done"] == 4


def test_one_in_flight_waits_alone(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary, server, phases = generate(workspace, 2, 1, monkeypatch)
    assert len(summary["accepted"]) == 2
    assert server.peak_in_flight() == 1
    assert phases.peak["model"] == 1


def test_default_concurrency_follows_the_agents() -> None:
    """A model's waits leave the cores idle, so a few candidates per worker; the offline
    agents answer at once, so one per worker."""
    assert Context(workers=2).in_flight == 2
    assert Context(workers=2, model="openai:x").in_flight == CONCURRENCY_PER_WORKER * 2
    assert Context(workers=2, model="openai:x", concurrency=3).in_flight == 3
    with pytest.raises(ValueError, match="concurrency"):
        Context(concurrency=0)


def test_peak_overlap_counts_open_intervals() -> None:
    assert peak_overlap([]) == 0
    assert peak_overlap([(0.0, 1.0), (1.0, 2.0)]) == 1  # one ends as the next starts
    assert peak_overlap([(0.0, 2.0), (0.5, 1.0), (0.7, 3.0)]) == 3
    assert busy_seconds([(0.0, 2.0), (0.5, 1.0), (3.0, 4.0)]) == pytest.approx(3.0)


def test_progress_counts_phases() -> None:
    progress = Progress()
    events: list[dict[str, Any]] = [
        {"event": "candidate_started", "candidate": "a"},
        {"event": "phase", "candidate": "a", "phase": "model"},
        {"event": "phase", "candidate": "b", "phase": "queued"},
        {"event": "phase", "candidate": "c", "phase": "validating"},
        {"event": "finished", "candidate": "d", "accepted": True, "stage": "committed"},
    ]
    for event in events:
        assert progress.update(event)
    assert not progress.update({"event": "proposed", "candidate": "a", "name": "x"})
    assert progress.line() == (
        "1 waiting on the model, 1 queued for validation, 1 validating, 1 done"
    )
