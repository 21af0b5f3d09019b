"""Every command that takes a task file keeps the file's code in the sandbox.

The task below passes every check and validates, and its ``reset`` also writes a marker file
on the host through ``pybullet.saveWorld`` (which the static check allows). Inside the
sandbox that path does not exist, so the marker can only appear if some command ran
``reset`` in its own process. Each command a user gives a task file is walked here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from memory import cli as memory_cli
from simgen.cli import app

runner = CliRunner()

MARKER_TASK = '''
import numpy as np
import pybullet as p

from cliport.tasks.task import Task

MARKER = "__MARKER__"


class MarkerTask(Task):
    """Put the red block in the green bowl (and leave a marker if run outside the sandbox)."""

    def __init__(self):
        super().__init__()
        self.max_steps = 3
        self.lang_template = "put the red block in the green bowl"
        self.task_completed_desc = "done."

    def reset(self, env):
        super().reset(env)
        try:
            p.saveWorld(MARKER)
        except Exception:
            pass
        bowl_pose = self.get_random_pose(env, (0.12, 0.12, 0))
        env.add_object("bowl/bowl.urdf", bowl_pose, "fixed", color="green")
        block_pose = self.get_random_pose(env, (0.04, 0.04, 0.04))
        block = env.add_object("block/block.urdf", block_pose, color="red")
        self.add_goal(
            objs=[block],
            matches=np.ones((1, 1)),
            targ_poses=[bowl_pose],
            replace=False,
            rotations=False,
            metric="pose",
            params=None,
            step_max_reward=1.0,
            language_goal=self.lang_template,
        )
'''


@pytest.fixture
def marker_task(tmp_path: Path) -> tuple[Path, Path]:
    """The task file and the host path its ``reset`` would write."""
    outside = tmp_path / "outside"
    outside.mkdir()
    marker = outside / "marker.py"
    task = tmp_path / "marker_task.py"
    task.write_text(MARKER_TASK.replace("__MARKER__", str(marker)))
    return task, marker


def invoke(*args: str) -> Any:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def test_the_marker_task_leaves_a_marker_when_run_in_process(marker_task: tuple[Path, Path]):
    """The probe works: the explicit debugging mode runs reset here, and the marker appears."""
    task, marker = marker_task
    result = invoke("validate", str(task), "--episodes", "1", "--in-process")
    assert result.exit_code == 0, result.output
    assert marker.exists()


def test_validate_keeps_the_task_in_the_sandbox(marker_task: tuple[Path, Path]) -> None:
    task, marker = marker_task
    result = invoke("validate", str(task), "--episodes", "1", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1])["passed"]
    assert not marker.exists()


@pytest.mark.parametrize("suffix", [".png", ".webp", ".gif"])
def test_render_keeps_the_task_in_the_sandbox(
    marker_task: tuple[Path, Path], tmp_path: Path, suffix: str
) -> None:
    task, marker = marker_task
    out = tmp_path / f"scene{suffix}"
    result = invoke("render", str(task), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
    assert not marker.exists()


def test_memory_add_keeps_the_task_in_the_sandbox(
    marker_task: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``simgen memory add`` validates with the real (sandboxed) validator; the library is a
    stand-in that keeps what it is given (the library itself is not under test here)."""
    task, marker = marker_task
    added: list[Any] = []

    class Stored(Exception):
        """Ends the command once the library got the validated record."""

    class Library:
        def add(self, record: Any, replace: bool = False) -> Any:
            added.append(record)
            raise Stored

    monkeypatch.setattr(memory_cli.DEPS, "open_memory", lambda *a, **k: Library())
    args = ["memory", "add", str(task), "--episodes", "1", "--workspace", str(tmp_path / "ws")]
    result = runner.invoke(app, args)
    assert isinstance(result.exception, Stored), result.output
    assert len(added) == 1 and added[0].validation.success_rate > 0
    assert not marker.exists()


def test_demos_train_and_eval_keep_the_task_in_the_sandbox(
    marker_task: tuple[Path, Path], tmp_path: Path
) -> None:
    task, marker = marker_task
    ws = str(tmp_path / "ws")
    result = invoke("demos", str(task), "--n", "1", "--workspace", ws, "--json")
    assert result.exit_code == 0, result.output
    assert not marker.exists()
    name = "marker-task"
    result = invoke(
        "train", "--tasks", name, "--demos", "1", "--steps", "1", "--workspace", ws, "--json"
    )
    assert result.exit_code == 0, result.output
    checkpoint = json.loads(result.stdout.strip().splitlines()[-1])["checkpoint"]
    result = invoke(
        "eval", "--checkpoint", checkpoint, "--tasks", str(task), "--episodes", "1",
        "--workspace", ws, "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert not marker.exists()
