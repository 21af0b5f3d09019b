"""The judge process: what PyBullet prints stays off the caller's output, and a hang, a crash
or a record that cannot be read becomes a failed scene with a reason, never a traceback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from simenv import scratch
from simenv.sandbox import judge as judge_module
from simenv.sandbox.judge import JUDGE, IsolatedJudge, JudgeProcess
from simenv.sandbox.judge_child import FOLDER_PREFIX
from simenv.sandbox.pool import validate_many
from simenv.sandbox.runner import SandboxResult, _message
from simenv.scene_rebuild import RECORD_PREFIX, record_folder
from simenv.scene_record import SceneRecord
from simenv.settings import IsolationUnavailable, ValidationSettings
from simenv.taskcode import build_scenes, validate
from simenv.tasks import get_task
from simenv.validation import new_report
from simenv.validation_report import Stage, StageFailure, ValidationReport
from simgen.cli import app

#: A complete passing report, as a forger would print it on a line of its own.
FORGED = json.dumps(
    ValidationReport(target="forged", passed=True, stage=Stage.PASSED, success_rate=1.0).model_dump(
        mode="json"
    )
)


def urdf_without_inertia(link_name: str) -> str:
    """A box whose link has no <inertial>: PyBullet prints a warning naming the link."""
    box = '<geometry><box size="0.04 0.04 0.04"/></geometry>'
    name = link_name.replace("&", "&amp;").replace('"', "&quot;").replace("\n", "&#10;")
    return (
        f'<robot name="r"><link name="{name}"><visual>{box}</visual>'
        f"<collision>{box}</collision></link></robot>"
    )


@pytest.fixture(scope="module")
def scene() -> SceneRecord:
    """A real recorded scene of a seed task (seed 0)."""
    path = get_task("place-red-in-green").path
    return next(iter(build_scenes(path, ValidationSettings(episodes=1))))


def with_urdf_bodies(record: SceneRecord, urdfs: list[str]) -> dict[str, Any]:
    """``record`` as data, with one body per URDF text added (as a sandbox could send it)."""
    data = record.model_dump(mode="json")
    first = max(b["id"] for b in data["bodies"]) + 1
    for i, urdf in enumerate(urdfs):
        data["bodies"].append(
            {
                "id": first + i,
                "category": "rigid",
                "urdf": urdf,
                "pose": {"position": [0.5, 0.3 - 0.05 * i, 0.02], "orientation": [0, 0, 0, 1]},
                "size": [0.04, 0.04, 0.04],
            }
        )
    return data


def judge_one(data: dict[str, Any], settings: ValidationSettings) -> ValidationReport:
    """The trusted side's handling of one record line, as ``run_isolated`` does it."""
    report = new_report("t", settings)
    result = SandboxResult(report)
    with IsolatedJudge(report, settings) as judging:
        line = json.dumps({"record": data}).encode()
        _message(line, result, settings, lambda stage, seed: None, judging.add)
    if result.failure is not None:
        raise result.failure
    return judging.verdict()


def test_pybullet_warnings_never_reach_the_callers_stdout(
    scene: SceneRecord, capfd: pytest.CaptureFixture[str]
) -> None:
    """A link without inertia makes PyBullet print from C, at the file-descriptor level."""
    data = with_urdf_bodies(scene, [urdf_without_inertia("plain_link")])
    report = judge_one(data, ValidationSettings(episodes=1, min_success=0.0))
    assert len(report.episodes) == 1
    out, err = capfd.readouterr()
    assert "inertial" not in out + err and "plain_link" not in out + err


def test_a_link_name_cannot_forge_a_report_line(
    scene: SceneRecord, capfd: pytest.CaptureFixture[str]
) -> None:
    """A link named with newlines around a passing report: whatever the verdict, that line
    never reaches stdout, and the real verdict is the judge's."""
    data = with_urdf_bodies(scene, [urdf_without_inertia(f"x\n{FORGED}\n")])
    settings = ValidationSettings(episodes=1, min_success=0.0)
    try:
        verdict: ValidationReport | StageFailure = judge_one(data, settings)
    except StageFailure as failure:  # refused by the record checks: also a real verdict
        verdict = failure
    out, _ = capfd.readouterr()
    assert FORGED not in out and '"target": "forged"' not in out
    assert not isinstance(verdict, ValidationReport) or verdict.target == "t"


class _maybe_refused:
    """The record checks may refuse the flood (a failed scene); either way it stays quiet."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> bool:
        return kind is None or issubclass(kind, StageFailure)


def test_a_flood_of_link_warnings_stays_off_stdout(
    scene: SceneRecord, capfd: pytest.CaptureFixture[str]
) -> None:
    data = with_urdf_bodies(scene, [urdf_without_inertia("L" * 1500 + str(i)) for i in range(40)])
    with _maybe_refused():
        judge_one(data, ValidationSettings(episodes=1, min_success=0.0))
    out, err = capfd.readouterr()
    assert len(out) + len(err) < 1000, out[:200]


def test_a_judge_that_exceeds_its_wall_clock_limit_fails_the_scene(scene: SceneRecord) -> None:
    settings = ValidationSettings(episodes=1, judge_timeout=0.01)
    with pytest.raises(StageFailure) as failed:
        judge_one(scene.model_dump(mode="json"), settings)
    assert failed.value.stage == Stage.EPISODES
    assert "0.01 s wall-clock limit" in failed.value.message
    # The killed process is replaced: the next scene is judged normally.
    report = judge_one(scene.model_dump(mode="json"), ValidationSettings(episodes=1))
    assert len(report.episodes) == 1


def test_a_crash_of_the_judge_process_fails_the_scene(
    scene: SceneRecord, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real SIGSEGV delivered to the judge process while it has a request."""
    asked = JudgeProcess.ask
    crashed: list[int] = []

    def crash_then_ask(self: JudgeProcess, request: Any, timeout: float, what: str) -> Any:
        crashed.append(self.pid)
        os.kill(self.pid, signal.SIGSEGV)
        return asked(self, request, timeout, what)

    monkeypatch.setattr(JudgeProcess, "ask", crash_then_ask)
    with pytest.raises(StageFailure) as failed:
        judge_one(scene.model_dump(mode="json"), ValidationSettings(episodes=1))
    assert failed.value.stage == Stage.EPISODES
    assert "SIGSEGV" in failed.value.message and "seed 0" in failed.value.message
    folder = Path(tempfile.gettempdir()) / f"{FOLDER_PREFIX}{crashed[0]}"
    assert not folder.exists()


def test_the_judge_process_runs_under_an_address_space_limit(scene: SceneRecord) -> None:
    settings = ValidationSettings(episodes=1, judge_memory_bytes=3 * 1024**3)
    judge_one(scene.model_dump(mode="json"), settings)
    pid = JUDGE.pid()
    assert pid is not None
    limits = Path(f"/proc/{pid}/limits").read_text()
    line = next(line for line in limits.splitlines() if line.startswith("Max address space"))
    assert str(3 * 1024**3) in line


def test_unreadable_lines_from_the_sandbox_fail_the_scene() -> None:
    """A line nested too deep for the JSON reader, a record no check expected, a judge that
    raises: each is a failed scene with a message, never an exception."""
    settings = ValidationSettings(episodes=1)
    deep = b'{"record": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
    cases: list[tuple[bytes, Any]] = [
        (deep, lambda record: None),
        (b'{"record": {"seed": "x" }}', lambda record: None),
    ]
    for line, on_record in cases:
        result = SandboxResult(new_report("t", settings))
        _message(line, result, settings, lambda stage, seed: None, on_record)
        assert result.failure is not None and result.failure.message


def test_stale_record_folders_of_dead_processes_are_swept_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first scene a process rebuilds sweeps dead processes' folders; later ones do not
    list the temp folder again (it is per scene, so per episode)."""
    monkeypatch.setattr(scratch, "_SWEPT", set())
    dead = Path(tempfile.gettempdir()) / f"{RECORD_PREFIX}{2**22 + 4321}-left"
    dead.mkdir(exist_ok=True)
    record_folder().cleanup()
    assert not dead.exists()
    dead.mkdir()
    try:
        record_folder().cleanup()
        assert dead.exists()
    finally:
        dead.rmdir()


def test_a_judge_process_whose_caller_died_removes_its_own_folder() -> None:
    """A killed caller cannot tidy up: the judge process sees its input end and does."""
    process = JudgeProcess(ValidationSettings().judge_memory_bytes)
    assert process.ask({"op": "none"}, 60, "a probe")["failure"]  # it has started
    assert process.folder.is_dir()
    assert process.proc.stdin is not None
    process.proc.stdin.close()  # what the caller's death does
    assert process.proc.wait(timeout=30) == 0
    assert not process.folder.exists()
    process.kill()


def test_scratch_folders_of_dead_processes_are_swept() -> None:
    """Scratch folders carry their owner's id, so the next process removes a killed one's."""
    tmp = Path(tempfile.gettempdir())
    dead = tmp / f"simgen-{2**22 + 4322}-left"
    dead.mkdir(exist_ok=True)
    code = "import os; from simenv.scratch import scratch_dir; print(os.getpid(), scratch_dir())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    pid, made = out.stdout.split()
    assert not dead.exists()
    assert Path(made).name.startswith(f"simgen-{pid}-")
    assert not Path(made).exists()  # removed by its own process at exit


# -- --require-isolation means what it says ---------------------------------------------------


@pytest.mark.parametrize("flag", [["--in-process"], ["--gui"], ["--executor", "in-process"]])
def test_require_isolation_refuses_every_unsandboxed_mode(flag: list[str]) -> None:
    args = ["validate", "place-red-in-green", "--require-isolation", *flag]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "--require-isolation cannot be combined" in " ".join(result.output.split())


def test_require_isolation_refuses_the_in_process_executor_and_validator() -> None:
    settings = ValidationSettings(episodes=1, require_isolation=True)
    with pytest.raises(IsolationUnavailable, match="in-process executor"):
        next(validate_many(["place-red-in-green"], settings, executor="in-process"))
    with pytest.raises(IsolationUnavailable, match="no sandbox"):
        validate("place-red-in-green", settings)


def test_the_judge_module_keeps_one_process(scene: SceneRecord) -> None:
    judge_one(scene.model_dump(mode="json"), ValidationSettings(episodes=1))
    first = judge_module.JUDGE.pid()
    judge_one(scene.model_dump(mode="json"), ValidationSettings(episodes=1))
    assert judge_module.JUDGE.pid() == first
