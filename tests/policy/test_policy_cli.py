from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from simgen.cli import app
from tests.policy.policy_fixtures import DEMOS, TASKS

runner = CliRunner()


def test_demos_refuses_a_missing_task_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demos", str(tmp_path / "gen.py"), "--workspace", str(tmp_path)])
    assert result.exit_code == 2
    assert "does not exist" in " ".join(result.output.split())


def test_demos_train_eval_round_trip(demo_workspace: Path) -> None:
    ws = str(demo_workspace)
    result = runner.invoke(app, ["demos", *TASKS, "--n", str(DEMOS), "--workspace", ws, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["recorded"] == 0 and summary["tasks"] == {t: DEMOS for t in TASKS}
    result = runner.invoke(
        app,
        [
            "train",
            "--tasks",
            ",".join(TASKS),
            "--demos",
            str(DEMOS),
            "--steps",
            "2",
            "--run",
            "cli",
            "--workspace",
            ws,
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    trained = json.loads(result.stdout.strip().splitlines()[-1])
    assert trained["step"] == 2 and Path(trained["curve"]).is_file()
    result = runner.invoke(
        app,
        [
            "eval",
            "--checkpoint",
            trained["checkpoint"],
            "--tasks",
            "block-insertion",
            "--episodes",
            "1",
            "--split",
            "val",
            "--workspace",
            ws,
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["tasks"][0]["episodes"] == 1 and Path(report["json"]).is_file()


def test_train_with_too_few_demos_is_a_usage_error(demo_workspace: Path) -> None:
    result = runner.invoke(
        app,
        [
            "train",
            "--tasks",
            "block-insertion",
            "--demos",
            "99",
            "--workspace",
            str(demo_workspace),
        ],
    )
    assert result.exit_code == 2
    assert "simgen demos block-insertion --n 99" in result.output
