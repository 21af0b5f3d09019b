"""Report test set-up: one real run, made once per session against a scripted
OpenAI-compatible server on 127.0.0.1 (``tests/graph/openai_server.py``).

The run has what a report must show: an accepted task that needed a repair (its first draft
names a missing asset; the coder fixes it only when the validator's error reaches it) and a
rejected candidate (the same proposal again, turned down by the novelty critic).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.context import Context
from graph.draft_validation import shutdown_pools
from graph.resources import clear_resources
from graph.run import run

# The scripted server and replies live with the graph tests; reuse them, do not copy them.
from tests.graph.openai_server import ScriptedServer
from tests.graph.scripted import repairing_model

ARTIFACTS = Path(__file__).parents[2] / "artifacts"


@pytest.fixture(scope="session")
def scripted_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A workspace with one run of two candidates (one accepted after a repair, one rejected);
    yields the run's summary with ``workspace`` added."""
    workspace = tmp_path_factory.mktemp("report-ws")
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("OPENAI_API_KEY", "sk-local-test")
    clear_resources()
    try:
        with ScriptedServer(repairing_model) as server:
            context = Context(
                workspace=str(workspace),
                model="openai:scripted",
                base_url=server.base_url,
                critics=["novelty", "assets", "llm"],
                episodes=2,
                max_candidates=2,
                max_proposals=1,
                # One at a time: the second candidate proposes the same task once the first
                # is in the library, which the novelty critic rejects.
                concurrency=1,
            )
            summary = run(2, context=context)
        yield {**summary, "workspace": workspace}
    finally:
        monkeypatch.undo()
        clear_resources()
        shutdown_pools()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where tests leave files for people to look at (screenshots)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
