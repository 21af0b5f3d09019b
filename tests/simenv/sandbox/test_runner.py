"""The sandbox on good and broken tasks: same verdict as in-process, records, stages, the CLI,
the pool, Ray."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from simenv.cli import register
from simenv.sandbox import runner
from simenv.sandbox.containment import FALLBACK_LAYERS, FULL_LAYERS, Containment, probe
from simenv.sandbox.pool import validate_many
from simenv.sandbox.runner import WAITING, IsolationUnavailable, run_isolated, validate_isolated
from simenv.settings import GIB, ValidationSettings
from simenv.taskcode import validate
from simenv.tasks import get_task
from simenv.validation_report import Stage
from tests.simenv.sandbox.sandbox_helpers import descendants_of, describe

SETTINGS = ValidationSettings(episodes=2, seed=3, timeout=60, memory_bytes=2 * GIB)
NO_TASK = "import numpy as np\n"
TWO_TASKS = (
    "from cliport.tasks.task import Task\nclass A(Task):\n    pass\nclass B(Task):\n    pass\n"
)


def _comparable(report: object) -> dict[str, object]:
    data = report.model_dump()  # type: ignore[attr-defined]
    for key in ("seconds", "isolation"):
        data.pop(key)
    for episode in data["episodes"]:
        episode.pop("seconds")
    return data


def test_this_machine_has_every_isolation_layer() -> None:
    """The set-up installs bubblewrap and libseccomp; CI must run with the full boundary."""
    found = probe()
    assert found.missing == (), found.describe_missing()


def test_seed_task_passes_in_the_sandbox_with_the_in_process_verdict() -> None:
    stages: list[tuple[Stage, int | None]] = []
    sandboxed = run_isolated(
        "place-red-in-green", SETTINGS, on_stage=lambda s, seed: stages.append((s, seed))
    )
    in_process = validate("place-red-in-green", SETTINGS)
    assert sandboxed.report.passed, sandboxed.report.error
    assert _comparable(sandboxed.report) == _comparable(in_process)
    assert set(FULL_LAYERS) == set(sandboxed.report.isolation)
    assert [r.seed for r in sandboxed.records] == [3, 4]
    assert stages[0] == (Stage.PARSE, None)
    assert (Stage.RESET, 4) in stages and stages[-1] == (Stage.EPISODES, 4)


def test_a_task_file_outside_the_registry_passes(tmp_path: Path) -> None:
    copy = tmp_path / "my_place_task.py"
    shutil.copy(get_task("place-red-in-green").path, copy)
    report = validate_isolated(copy, ValidationSettings(episodes=1))
    assert report.passed, report.error
    assert report.target == str(copy) and report.task_name == "my-place-task"


def test_validate_many_in_input_order_and_in_parallel(tmp_path: Path) -> None:
    broken = tmp_path / "no_task.py"
    broken.write_text(NO_TASK)
    targets = ["place-red-in-green", str(broken), "missing-task-name"]
    seen: list[tuple[int, int]] = []
    reports = list(
        validate_many(
            targets,
            ValidationSettings(episodes=1),
            workers=2,
            ordered=True,
            on_report=lambda done, total, _: seen.append((done, total)),
        )
    )
    assert [r.target for r in reports] == targets
    assert reports[0].passed
    assert reports[1].stage == Stage.IMPORT and "defines no Task subclass" in str(reports[1].error)
    assert reports[2].stage == Stage.PARSE and "missing-task-name" in (reports[2].error or "")
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_no_sandbox_is_left_after_a_validation() -> None:
    """The pre-started sandbox dies on ``WAITING.clear()`` (and at exit); the used one at once.
    (A multiprocessing fork server from an earlier test may remain: it is not a sandbox.)"""
    validate_isolated("place-red-in-green", ValidationSettings(episodes=1))
    WAITING.clear()
    left = [line for line in describe(descendants_of(os.getpid())) if "bwrap" in line]
    assert left == []


def test_validate_many_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError):
        list(validate_many(["x"], workers=0))
    with pytest.raises(ValueError):
        list(validate_many(["x"], executor="threads"))  # type: ignore[arg-type]


def _cli() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.callback()
    def main() -> None:
        """simgen (test app)"""

    return app


def test_cli_validates_several_files_as_json_lines(tmp_path: Path) -> None:
    broken = tmp_path / "two_tasks.py"
    broken.write_text(TWO_TASKS)
    args = ["validate", "place-red-in-green", str(broken), "--workers", "2", "--json"]
    args += ["--episodes", "1", "--timeout", "30", "--memory-limit", "2", "--require-isolation"]
    result = CliRunner().invoke(_cli(), args)
    assert result.exit_code == 1, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    by_target = {line["target"]: line for line in lines}
    assert by_target["place-red-in-green"]["passed"] is True
    assert set(by_target["place-red-in-green"]["isolation"]) == set(FULL_LAYERS)
    assert by_target[str(broken)]["stage"] == "import"


def test_cli_in_process_and_usage_errors() -> None:
    app = _cli()
    ok = CliRunner().invoke(
        app, ["validate", "place-red-in-green", "--episodes", "1", "--in-process"]
    )
    assert ok.exit_code == 0, ok.output
    bad = CliRunner().invoke(app, ["validate", "place-red-in-green", "--executor", "threads"])
    assert bad.exit_code == 2
    bad_mode = CliRunner().invoke(app, ["validate", "place-red-in-green", "--mode", "eval"])
    assert bad_mode.exit_code == 2 and "mode" in bad_mode.output


@pytest.mark.slow
def test_ray_executor_runs_the_same_sandbox(tmp_path: Path) -> None:
    import ray  # a dev dependency (installed by `make install`): missing means a broken set-up

    broken = tmp_path / "no_task.py"
    broken.write_text(NO_TASK)
    try:
        reports = list(
            validate_many(
                ["place-red-in-green", str(broken)],
                ValidationSettings(episodes=1),
                workers=2,
                executor="ray",
                ordered=True,
            )
        )
    finally:
        ray.shutdown()
    assert reports[0].passed, reports[0].error
    assert reports[1].stage == Stage.IMPORT


def _without_bubblewrap() -> Containment:
    return Containment(None, None, FALLBACK_LAYERS, ("bubblewrap (bwrap) is not installed",))


def test_without_bubblewrap_the_fallback_says_so_and_require_isolation_refuses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(runner, "probe", _without_bubblewrap)
    report = validate_isolated("place-red-in-green", ValidationSettings(episodes=1))
    WAITING.clear()
    assert report.passed, report.error
    assert report.isolation == list(FALLBACK_LAYERS)
    assert "user-namespace" in _without_bubblewrap().describe_missing()
    with pytest.raises(IsolationUnavailable, match="bubblewrap"):
        validate_isolated(
            "place-red-in-green", ValidationSettings(episodes=1, require_isolation=True)
        )
