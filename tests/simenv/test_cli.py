"""The simulator's commands, through the real ``simgen`` app."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image
from typer.testing import CliRunner

from simgen.cli import app

runner = CliRunner()


def test_validate_json_reports_every_field() -> None:
    result = runner.invoke(
        app, ["validate", "block-insertion", "--episodes", "2", "--json", "--in-process"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    for key in (
        "passed",
        "stage",
        "error",
        "traceback",
        "warnings",
        "episodes",
        "success_rate",
        "seconds",
    ):
        assert key in report
    assert report["passed"] and report["stage"] == "passed"
    assert {"seed", "reward", "success", "steps", "seconds"} <= set(report["episodes"][0])


def test_validate_exit_codes(tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("import numpy as np\n")
    assert runner.invoke(app, ["validate", str(broken), "--in-process"]).exit_code == 1
    assert runner.invoke(app, ["validate", "no-such-task"]).exit_code == 2
    assert runner.invoke(app, ["validate", "block-insertion", "--min-success", "2"]).exit_code == 2


DIALECT_CORPUS = Path(__file__).parent / "dialect" / "corpus"


def test_validate_prints_warnings_and_strict_fails_on_them() -> None:
    """Sandboxed, as a user runs it: warnings in the text and in --json; --strict exits 1."""
    target = str(DIALECT_CORPUS / "two_entry_size.py")
    text = runner.invoke(app, ["validate", target, "--episodes", "1"])
    assert text.exit_code == 0, text.output
    assert "warning: two_entry_size.py line" in text.output
    as_json = runner.invoke(app, ["validate", target, "--episodes", "1", "--json"])
    report = json.loads(as_json.stdout.strip().splitlines()[-1])
    assert len(report["warnings"]) == 1 and "obj_size has two entries" in report["warnings"][0]
    strict = runner.invoke(app, ["validate", target, "--episodes", "1", "--json", "--strict"])
    assert strict.exit_code == 1
    report = json.loads(strict.stdout.strip().splitlines()[-1])
    assert report["stage"] == "reset" and "Pass three sizes" in report["error"]


def test_render_png_gif_and_webp(tmp_path: Path) -> None:
    png, gif, webp = tmp_path / "scene.png", tmp_path / "rollout.gif", tmp_path / "rollout.webp"
    for out in (png, gif, webp):
        assert runner.invoke(app, ["render", "block-insertion", "--out", str(out)]).exit_code == 0
    assert Image.open(png).size[0] > 300
    for animation in (gif, webp):
        with Image.open(animation) as image:
            assert image.n_frames > 5 and image.format == animation.suffix[1:].upper()


def test_render_rejects_other_formats(tmp_path: Path) -> None:
    result = runner.invoke(app, ["render", "block-insertion", "--out", str(tmp_path / "x.jpg")])
    assert result.exit_code == 2


def test_tasks_list_json() -> None:
    result = runner.invoke(app, ["tasks", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.stdout)["tasks"]}
    assert rows["place-red-in-green"]["metrics"] == ["pose"]
    assert "bowl/bowl.urdf" in rows["place-red-in-green"]["assets"]
    assert rows["towers-of-hanoi"]["max_steps"] >= 7


def test_validate_prints_no_terminal_escapes_from_a_traceback(tmp_path: Path) -> None:
    """The human report prints the task's traceback, which quotes the task's own exception:
    an ESC there could clear the screen and draw a fake PASSED."""
    task = tmp_path / "escapes.py"
    task.write_text(
        "from cliport.tasks.task import Task\n\n\nclass Escapes(Task):\n"
        "    def reset(self, env):\n        super().reset(env)\n"
        "        raise ValueError('\\x1b[2J\\x1b[Hall good \\x1b[32mPASSED\\x1b[0m')\n"
    )
    result = runner.invoke(app, ["validate", str(task), "--episodes", "1", "--in-process"])
    assert result.exit_code == 1, result.output
    assert "raise ValueError" in result.output, result.output  # the traceback was printed
    assert "\x1b" not in result.output, repr(result.output[-400:])
