"""The run's budgets and rules, driven through ``simgen generate`` as a user would: cost
accounting (tokens times the listed price), ``--max-cost``, ``--rate-limit`` and
``--accept majority``.

The budget tests run against the loopback OpenAI-compatible server with a model that never
answers in the expected format: every proposal fails after one re-ask, so each candidate makes
the same six chat calls and no validation runs, which keeps them fast.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from agents.critics.registry import register_critic, unregister_critic
from agents.protocols import Submission
from agents.schemas import CriticStage, Verdict
from graph.resources import use_model_factory
from simgen.cli import app
from tests.graph.openai_server import ScriptedServer
from tests.graph.scripted import ACCEPT, PROPOSAL, REJECT, ScriptedModels, fenced, task_code

pytestmark = pytest.mark.integration

#: Each candidate: three proposals, each asked twice (the re-ask after an unusable answer).
CALLS_PER_CANDIDATE = 6


def no_json(prompt: str) -> str:
    return "I would rather not answer in JSON."


def generate(workspace: Path, *args: str) -> dict[str, Any]:
    """Run ``simgen generate --json`` and return its summary."""
    result = CliRunner().invoke(
        app, ["generate", "--workspace", str(workspace), "--episodes", "2", "--json", *args]
    )
    assert result.exit_code == 0, result.output
    summary: dict[str, Any] = json.loads(result.stdout)
    return summary


def listed_price(model: str) -> dict[str, float]:
    """The price as ``agents/prices.json`` states it, read without the code under test."""
    text = resources.files("agents").joinpath("prices.json").read_text(encoding="utf-8")
    price: dict[str, float] = json.loads(text)[model]
    return price


@pytest.fixture
def api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-local-test")


@pytest.mark.usefixtures("api_key")
def test_the_reported_cost_is_the_served_tokens_times_the_listed_price(workspace: Path) -> None:
    with ScriptedServer(no_json) as server:
        summary = generate(
            workspace, "-n", "1", "--max-candidates", "1", "--model", "openai:gpt-4",
            "--base-url", server.base_url,
        )  # fmt: skip
    inputs = sum(u["prompt_tokens"] for u in server.usages)
    outputs = sum(u["completion_tokens"] for u in server.usages)
    price = listed_price("gpt-4")
    expected = (inputs * price["input"] + outputs * price["output"]) / 1e6
    usage = summary["usage"]
    assert usage["calls"] == len(server.usages) == CALLS_PER_CANDIDATE
    assert (usage["input_tokens"], usage["output_tokens"]) == (inputs, outputs)
    assert expected > 0.001 and usage["cost_usd"] == pytest.approx(expected, abs=1e-6)


@pytest.mark.usefixtures("api_key")
def test_an_unpriced_model_reports_unknown_cost_not_zero(workspace: Path) -> None:
    with ScriptedServer(no_json) as server:
        summary = generate(
            workspace, "-n", "1", "--max-candidates", "1", "--model", "openai:local-qwen",
            "--base-url", server.base_url,
        )  # fmt: skip
        result = CliRunner().invoke(
            app,
            [
                "generate", "--workspace", str(workspace), "-n", "1", "--max-candidates", "1",
                "--model", "openai:local-qwen", "--base-url", server.base_url,
            ],
        )  # fmt: skip
    assert summary["usage"]["calls"] == CALLS_PER_CANDIDATE
    assert summary["usage"]["input_tokens"] > 0 and summary["usage"]["cost_usd"] is None
    assert {u["cost_usd"] for u in summary["usage_by_role"].values() if u["calls"]} == {None}
    assert result.exit_code == 0, result.output
    assert "unpriced" in result.output


@pytest.mark.usefixtures("api_key")
def test_max_cost_stops_the_run_once_spent(workspace: Path) -> None:
    with ScriptedServer(no_json) as server:
        summary = generate(
            workspace, "-n", "3", "--max-candidates", "4", "--max-cost", "0.000001",
            "--model", "openai:gpt-4", "--base-url", server.base_url, "--concurrency", "1",
        )  # fmt: skip
    # Without the budget the run would try all four candidates (nothing is ever accepted).
    # The budget stops the run from starting candidates; those in flight finish, so one at a
    # time shows it stopping after the first.
    assert len(summary["rejected"]) == 1
    assert len(server.requests) == CALLS_PER_CANDIDATE
    assert summary["usage"]["cost_usd"] >= 0.000001


@pytest.mark.usefixtures("api_key")
def test_max_cost_with_an_unpriced_model_is_refused(workspace: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "generate", "--workspace", str(workspace), "-n", "1", "--max-cost", "1",
            "--model", "openai:local-qwen", "--base-url", "http://127.0.0.1:9/v1",
        ],
    )  # fmt: skip
    assert result.exit_code == 2
    message = " ".join(re.sub(r"[│╭╮╰╯─]", " ", result.output).split())
    assert "openai:local-qwen has none in agents/prices.json" in message
    assert "or drop --max-cost" in message


@pytest.mark.usefixtures("api_key")
def test_rate_limit_spaces_the_calls(workspace: Path) -> None:
    per_second = 4.0
    with ScriptedServer(no_json) as server:
        generate(
            workspace, "-n", "1", "--max-candidates", "1", "--model", "openai:scripted",
            "--base-url", server.base_url, "--rate-limit", str(per_second),
        )  # fmt: skip
    gaps = [b - a for a, b in itertools.pairwise(server.times)]
    assert len(gaps) == CALLS_PER_CANDIDATE - 1
    # A lower bound only: each re-ask follows its question at once, so without the limiter
    # those gaps are milliseconds. The slack covers the time each request takes to arrive.
    assert min(gaps) >= 0.8 / per_second, gaps


@dataclass
class FixedCritic:
    """A critic plug-in with a fixed verdict on finished tasks."""

    name: str
    accept: bool
    stages: tuple[CriticStage, ...] = ("task",)

    def review(self, submission: Submission) -> Verdict:
        return Verdict(critic=self.name, accept=self.accept, reasons=f"{self.name} always")


@pytest.fixture
def fixed_critics() -> Iterator[None]:
    """Two plug-ins, one approving and one rejecting every task: with the LLM critic as the
    third, its verdict decides between 2 of 3 and 1 of 3 approving."""
    register_critic("approves", lambda: FixedCritic("approves", True))
    register_critic("rejects", lambda: FixedCritic("rejects", False))
    yield
    unregister_critic("approves")
    unregister_critic("rejects")


@pytest.mark.usefixtures("fixed_critics")
@pytest.mark.parametrize(
    ("llm_verdict", "rule", "accepted"),
    [
        pytest.param(ACCEPT, "majority", True, id="2-of-3-majority-accepts"),
        pytest.param(REJECT, "majority", False, id="1-of-3-majority-rejects"),
        pytest.param(ACCEPT, "all", False, id="2-of-3-all-rejects"),
    ],
)
def test_accept_majority_takes_two_of_three(
    workspace: Path, llm_verdict: str, rule: str, accepted: bool
) -> None:
    models = ScriptedModels({"scripted": [PROPOSAL, fenced("python", task_code()), llm_verdict]})
    with use_model_factory(models):
        summary = generate(
            workspace, "-n", "1", "--max-candidates", "1", "--max-repairs", "0",
            "--model", "scripted", "--critic", "approves", "--critic", "rejects",
            "--critic", "llm", "--accept", rule,
        )  # fmt: skip
    assert summary["critics"] == ["approves", "rejects", "llm"]
    assert bool(summary["accepted"]) is accepted
    if not accepted:
        (rejected,) = summary["rejected"]
        assert rejected["stage"] == "critique" and "rejects always" in rejected["reason"]
