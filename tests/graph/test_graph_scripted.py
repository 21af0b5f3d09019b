"""The graph's branches with scripted chat models: repair, exhausted repairs, critic rejection,
parse failure, transient API errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.context import Context
from graph.run import run
from simenv.settings import ValidationSettings
from simenv.taskcode import validate
from tests.graph.scripted import (
    ACCEPT,
    BROKEN_ASSET,
    DIAGNOSIS,
    PROPOSAL,
    REJECT,
    ScriptedModels,
    fenced,
    task_code,
)

pytestmark = pytest.mark.integration


def llm_context(workspace: Path, **overrides: object) -> Context:
    settings: dict[str, object] = {
        "workspace": str(workspace),
        "proposer_model": "proposer",
        "coder_model": "coder",
        "reflection_model": "reflection",
        "critic_model": "critic",
        "critics": ["assets", "llm"],
        "episodes": 2,
        "max_repairs": 2,
        "max_candidates": 1,
    }
    settings.update(overrides)
    critics = settings["critics"]
    if isinstance(critics, list) and "llm" not in critics:
        del settings["critic_model"]  # a critic model with no 'llm' critic is refused
    return Context(**settings)  # type: ignore[arg-type]


def scripted(
    proposer: list, coder: list, reflection: list | None = None, critic: list | None = None
) -> ScriptedModels:
    return ScriptedModels(
        {
            "proposer": proposer,
            "coder": coder,
            "reflection": reflection or [],
            "critic": critic or [],
        }
    )


def test_repair_succeeds_because_the_error_reached_the_coder(workspace: Path) -> None:
    def repaired(prompt: str) -> str:
        # The repaired draft is written only when the validator's error is in the prompt.
        assert BROKEN_ASSET in prompt
        return fenced("python", task_code())

    models = scripted(
        [PROPOSAL],
        [fenced("python", task_code(BROKEN_ASSET)), repaired],
        [DIAGNOSIS],
        [ACCEPT],
    )
    summary = run(1, context=llm_context(workspace), model_factory=models)
    assert [t["name"] for t in summary["accepted"]] == ["put-blue-block-in-yellow-bowl"]
    assert summary["accepted"][0]["repairs"] == 1
    repair_prompt = models.prompts("coder")[1]
    assert "Your previous draft failed validation" in repair_prompt
    assert DIAGNOSIS in repair_prompt
    assert BROKEN_ASSET in models.prompts("reflection")[0]
    # Usage: 1 proposer + 2 coder + 1 reflection + 1 critic call, 150 tokens each.
    assert summary["usage"]["calls"] == 5
    assert summary["usage"]["total_tokens"] == 750
    stored = Path(summary["accepted"][0]["path"])
    assert stored.is_file() and validate(stored, ValidationSettings(episodes=1)).passed


def test_repairs_exhausted_is_rejected_with_the_stage(workspace: Path) -> None:
    broken = fenced("python", task_code(BROKEN_ASSET))
    models = scripted([PROPOSAL], [broken] * 3, [DIAGNOSIS] * 2)
    summary = run(1, context=llm_context(workspace, critics=["assets"]), model_factory=models)
    assert summary["accepted"] == []
    (rejected,) = summary["rejected"]
    assert rejected["stage"] == "reset"
    assert BROKEN_ASSET in rejected["reason"]
    (candidate,) = summary["candidates"]
    assert candidate["repairs"] == 2 and len(candidate["drafts"]) == 3


def test_critic_rejection_keeps_the_task_out(workspace: Path) -> None:
    models = scripted([PROPOSAL], [fenced("python", task_code())], [], [REJECT])
    summary = run(1, context=llm_context(workspace), model_factory=models)
    assert summary["accepted"] == []
    assert summary["rejected"][0]["stage"] == "critique"
    assert "Too easy" in summary["rejected"][0]["reason"]
    assert not (workspace / "tasks" / "put_blue_block_in_yellow_bowl.py").exists()


def test_parse_failure_asks_once_more_then_fails_clearly(workspace: Path) -> None:
    models = scripted(["I think a nice task would be stacking.", "Still no JSON, sorry."], [])
    context = llm_context(workspace, max_proposals=1, critics=["assets"])
    summary = run(1, context=context, model_factory=models)
    (rejected,) = summary["rejected"]
    assert rejected["stage"] == "propose"
    assert "without a usable answer" in rejected["reason"]
    retry_prompt = models.prompts("proposer")[1]
    assert "```json" in retry_prompt and "task-name" in retry_prompt


def test_proposal_parsed_after_one_retry(workspace: Path) -> None:
    models = scripted(["no json here", PROPOSAL], [fenced("python", task_code())], [], [ACCEPT])
    summary = run(1, context=llm_context(workspace), model_factory=models)
    assert len(summary["accepted"]) == 1


def test_transient_api_errors_are_retried(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("agents.chat_models.time.sleep", lambda s: None)
    models = scripted(
        [ConnectionError("reset by peer"), TimeoutError("slow"), PROPOSAL],
        [fenced("python", task_code())],
        [],
        [ACCEPT],
    )
    summary = run(1, context=llm_context(workspace), model_factory=models)
    assert len(summary["accepted"]) == 1
    assert len(models.prompts("proposer")) == 3


def test_a_non_transient_error_fails_the_candidate_not_the_run(workspace: Path) -> None:
    models = scripted([ValueError("bad request: model does not exist")], [])
    context = llm_context(workspace, max_proposals=1, critics=["assets"])
    summary = run(1, context=context, model_factory=models)
    assert summary["rejected"][0]["stage"] == "propose"
    assert "model does not exist" in summary["rejected"][0]["reason"]
