"""The sandbox on good tasks: same report as in-process, parallel runs, the CLI, Ray."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import typer
from sandbox_helpers import CORPUS, descendants_of
from typer.testing import CliRunner

from simenv.cli import register
from simenv.report import Stage
from simenv.sandbox import validate_isolated, validate_many, zygote
from simenv.sandbox.limits import GIB, SandboxLimits
from simenv.sandbox.runner import run_isolated
from simenv.validation import validate

LIMITS = SandboxLimits(wall_seconds=60, memory_bytes=2 * GIB)


def _comparable(report: object) -> dict[str, object]:
    data = report.model_dump()  # type: ignore[attr-defined]
    data.pop("seconds")
    for episode in data["episodes"]:
        episode.pop("seconds")
    return data


def test_seed_task_passes_in_the_sandbox_with_the_in_process_report() -> None:
    sandboxed = run_isolated("place-red-in-green", episodes=2, seed=3, limits=LIMITS)
    in_process = validate("place-red-in-green", episodes=2, seed=3)
    assert sandboxed.report.passed, sandboxed.report.error
    assert _comparable(sandboxed.report) == _comparable(in_process)
    assert {"process", "RLIMIT_AS", "RLIMIT_CPU"} <= set(sandboxed.mechanisms)
    assert not Path(sandboxed.workdir or "/nonexistent").exists()


def test_a_task_file_outside_the_registry_passes(tmp_path: Path) -> None:
    from simenv.tasks import get_task

    copy = tmp_path / "my_place_task.py"
    shutil.copy(get_task("place-red-in-green").path, copy)
    report = validate_isolated(copy, episodes=1, limits=LIMITS)
    assert report.passed, report.error
    assert report.target == str(copy) and report.task_name == "my-place-task"


def test_validate_many_in_input_order_and_in_parallel(tmp_path: Path) -> None:
    broken = tmp_path / "no_task.py"
    shutil.copy(CORPUS / "no_task.py", broken)
    targets = ["place-red-in-green", str(broken), "missing-task-name"]
    reports = list(
        validate_many(targets, workers=2, ordered=True, progress=False, episodes=1, limits=LIMITS)
    )
    assert [r.target for r in reports] == targets
    assert reports[0].passed
    assert reports[1].stage == Stage.IMPORT
    assert reports[2].stage == Stage.PARSE and "missing-task-name" in (reports[2].error or "")
    server = zygote.get_client().server_pid
    assert server is None or descendants_of(server) == []


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
    shutil.copy(CORPUS / "two_tasks.py", broken)
    result = CliRunner().invoke(
        _cli(),
        [
            "validate",
            "place-red-in-green",
            str(broken),
            "--workers",
            "2",
            "--json",
            "--episodes",
            "1",
            "--timeout",
            "30",
            "--memory-limit",
            "2",
        ],
    )
    assert result.exit_code == 1, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    by_target = {line["target"]: line for line in lines}
    assert by_target["place-red-in-green"]["passed"] is True
    assert by_target[str(broken)]["stage"] == "import"


def test_cli_in_process_and_usage_errors() -> None:
    app = _cli()
    ok = CliRunner().invoke(
        app, ["validate", "place-red-in-green", "--episodes", "1", "--in-process"]
    )
    assert ok.exit_code == 0, ok.output
    bad = CliRunner().invoke(app, ["validate", "place-red-in-green", "--executor", "threads"])
    assert bad.exit_code == 2


@pytest.mark.slow
def test_ray_executor_runs_the_same_sandbox(tmp_path: Path) -> None:
    import ray  # a dev dependency (installed by `make install`): missing means a broken set-up

    broken = tmp_path / "no_task.py"
    shutil.copy(CORPUS / "no_task.py", broken)
    try:
        reports = list(
            validate_many(
                ["place-red-in-green", str(broken)],
                workers=2,
                executor="ray",
                ordered=True,
                progress=False,
                episodes=1,
                limits=LIMITS,
            )
        )
    finally:
        ray.shutdown()
    assert reports[0].passed, reports[0].error
    assert reports[1].stage == Stage.IMPORT
