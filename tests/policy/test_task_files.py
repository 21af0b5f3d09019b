"""Generated task files through `simgen demos` and evaluation: counted by task name, a seed
whose scene does not build is a named failure, and evaluation replays the sandbox's scene.

The files are copies of put-block-in-bowl (one broken), so a replayed scene can be checked
against the registered task on the same seed. They run in the sandbox (bubblewrap).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from policy.agent import ExpertPolicy
from policy.demos import record_or_reason
from policy.evaluate import evaluate
from policy.seeds import seed_of
from simenv.environment import Environment
from simenv.tasks import get_task
from simgen.cli import app
from tests.simenv.test_degenerate_goals import ATTACKS, HEADER

#: What the broken file's ``reset`` raises, so the test can find it in the reported reason.
BROKEN = "no room on the table for the bowls"


@pytest.fixture(scope="module")
def task_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """``bowl_generated.py`` (put-block-in-bowl's code) and ``broken_bowl.py`` (the same, but
    its ``reset`` raises on every seed, so no scene builds)."""
    folder = tmp_path_factory.mktemp("task-files")
    source = get_task("put-block-in-bowl").path.read_text()
    good = folder / "bowl_generated.py"
    good.write_text(source)
    marker = "        super().reset(env)\n"
    assert source.count(marker) == 1
    broken = folder / "broken_bowl.py"
    broken.write_text(source.replace(marker, f"{marker}        raise RuntimeError({BROKEN!r})\n"))
    return good, broken


@pytest.mark.integration
def test_demos_counts_task_files_by_name_and_fails_naming_the_failed_seeds(
    task_files: tuple[Path, Path], tmp_path: Path
) -> None:
    """Before: a task file was counted by its path (0 episodes) and a short run exited 0."""
    good, broken = task_files
    args = ["demos", str(good), str(broken), "--n", "1", "--max-failures", "2"]
    result = CliRunner().invoke(app, [*args, "--workspace", str(tmp_path), "--json"])
    assert result.exit_code == 1, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["tasks"] == {str(good): 1, str(broken): 0}
    short = summary["short"][str(broken)]
    assert short["episodes"] == 0 and short["wanted"] == 1
    failed = {int(seed): reason for seed, reason in short["failed_seeds"].items()}
    assert sorted(failed) == [seed_of("train", 0), seed_of("train", 1)]
    assert all("scene not built" in r and BROKEN in r for r in failed.values()), failed
    said = " ".join(result.output.split())
    assert "broken_bowl.py: 0 of 1 train episodes" in said and "seed 2:" in said
    # Resumed with the good file alone: its stored episode counts, nothing is re-recorded.
    again = CliRunner().invoke(
        app, ["demos", str(good), "--n", "1", "--workspace", str(tmp_path), "--json"]
    )
    assert again.exit_code == 0, again.output
    resumed = json.loads(again.stdout.strip().splitlines()[-1])
    assert resumed["recorded"] == 0 and resumed["tasks"] == {str(good): 1}
    assert resumed["short"] == {}


@pytest.mark.integration
def test_evaluating_task_files_replays_their_scenes_and_fails_unbuilt_seeds(
    task_files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The good file scores what the registered task scores on the same seeds (the same scene,
    rebuilt from the sandbox's record; importing the file here fails the test); the broken
    file's seeds are failures with no step taken, and the evaluation goes on."""
    good, broken = task_files
    spec_from_file = importlib.util.spec_from_file_location

    def refuse_task_files(name: str, location: Any = None, **kwargs: Any) -> Any:
        assert Path(str(location)).parent != good.parent, "task file code ran in the evaluator"
        return spec_from_file(name, location, **kwargs)

    monkeypatch.setattr(importlib.util, "spec_from_file_location", refuse_task_files)
    episodes = 2
    files = evaluate(ExpertPolicy(), [str(good), str(broken)], episodes, "val")
    registered = evaluate(ExpertPolicy(), ["put-block-in-bowl"], episodes, "val")
    replayed, unbuilt = files.tasks
    (reference,) = registered.tasks
    seeds = [seed_of("val", i) for i in range(episodes)]
    assert [e.seed for e in replayed.episodes] == [e.seed for e in reference.episodes] == seeds
    assert [e.reward for e in replayed.episodes] == pytest.approx(
        [e.reward for e in reference.episodes], abs=1e-3
    )
    assert replayed.success_rate == reference.success_rate == 1.0
    assert [(e.seed, e.reward, e.steps) for e in unbuilt.episodes] == [(s, 0.0, 0) for s in seeds]


def test_a_task_file_complete_at_reset_gives_no_demonstration(tmp_path: Path) -> None:
    """Demonstrations replay the sandbox's record and apply the judge's reset check: a task
    whose goals are met before the expert acts would store "successful" demos of nothing."""
    body, says = ATTACKS["complete at reset (100 of 101 in place)"]
    path = tmp_path / "complete_at_reset.py"
    path.write_text(HEADER + body)
    with Environment() as env:
        outcome = record_or_reason(env, str(path), seed_of("train", 0), "train")
    assert isinstance(outcome, str), "a demonstration of a task complete at reset was kept"
    assert says in outcome, outcome
