"""``validate_isolated``: validate one task program in a fresh, limited child process.

The parent side of the sandbox. It runs the static check, prepares the job's folder, hands the
job to the fork server, enforces the wall-clock limit, and turns whatever came back (a report,
or only an exit status) into a ``ValidationReport`` whose stage and error say what happened and
which limit was hit. It always removes the job's folder and leaves no process behind.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import signal
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simenv.loader import TaskLoadError, parse_source
from simenv.report import Stage, ValidationReport
from simenv.sandbox import static_check
from simenv.sandbox.child import (
    ISOLATION_FILE,
    OUTPUT_FILE,
    PROGRESS_FILE,
    REPORT_FILE,
    Job,
    describe_stage,
)
from simenv.sandbox.limits import SandboxLimits
from simenv.sandbox.zygote import ZygoteError, get_client
from simenv.tasks import module_name_to_task_name

#: After a kill, how long to wait for the fork server to confirm the job is gone.
KILL_GRACE_SECONDS = 15.0
OUTPUT_TAIL_LINES = 20
SIGNAL_HINTS = {
    signal.SIGSEGV: "a segmentation fault: invalid memory access in native code",
    signal.SIGBUS: "a bus error: invalid memory access in native code",
    signal.SIGFPE: "a floating-point exception in native code",
    signal.SIGABRT: "an abort in native code",
    signal.SIGILL: "an illegal instruction in native code",
}


@dataclass
class SandboxResult:
    """Everything a sandboxed run produced; ``validate_isolated`` returns only ``report``."""

    report: ValidationReport
    exit_code: int | None = None
    timed_out: bool = False
    cpu_seconds: float = 0.0
    mechanisms: list[str] = field(default_factory=list)
    output: str = ""
    pid: int | None = None
    workdir: str | None = None


def validate_isolated(
    target: str | Path,
    *,
    episodes: int = 5,
    seed: int = 0,
    min_success: float = 0.5,
    mode: str = "train",
    strict: bool = False,
    limits: SandboxLimits | None = None,
    static_check: bool = True,
    guards: bool = True,
    namespaces: bool = True,
) -> ValidationReport:
    """Validate a task (registered name or file) in a sandboxed child; see ``run_isolated``."""
    return run_isolated(
        target,
        episodes=episodes,
        seed=seed,
        min_success=min_success,
        mode=mode,
        strict=strict,
        limits=limits,
        static_check=static_check,
        guards=guards,
        namespaces=namespaces,
    ).report


def run_isolated(
    target: str | Path,
    *,
    episodes: int = 5,
    seed: int = 0,
    min_success: float = 0.5,
    mode: str = "train",
    strict: bool = False,
    limits: SandboxLimits | None = None,
    static_check: bool = True,
    guards: bool = True,
    namespaces: bool = True,
) -> SandboxResult:
    """Validate in a fresh child process and say how it ended.

    ``static_check``, ``guards`` (the audit hook) and ``namespaces`` (network, mount, PID
    namespaces and the pids cgroup) can be switched off one by one; tests do so to show that
    each remaining layer holds on its own. The rlimits, the scrubbed environment, the scratch
    folder and the wall-clock limit always apply.
    """
    from simenv.validation import resolve_target

    limits = limits or SandboxLimits()
    start = time.perf_counter()
    report = ValidationReport(
        target=str(target), passed=False, stage=Stage.PARSE, min_success=min_success
    )
    try:
        path = resolve_target(target).resolve()
    except (FileNotFoundError, KeyError) as exc:
        report.error = str(exc)
        return _finish(SandboxResult(report), start)
    report.task_name = module_name_to_task_name(path.stem)
    if static_check:
        rejected = _static_check(path, report)
        if rejected is not None:
            return _finish(SandboxResult(rejected), start)

    workdir = Path(tempfile.mkdtemp(prefix="simgen-sandbox-"))
    job = Job(
        job_id=uuid.uuid4().hex[:16],
        path=str(path),
        target=str(target),
        workdir=str(workdir),
        episodes=episodes,
        seed=seed,
        min_success=min_success,
        mode=mode,
        strict=strict,
        limits=limits.to_dict(),
        guards=guards,
        namespaces=namespaces,
    )
    try:
        job.scratch.mkdir()
        job.control.mkdir()
        result = _run(job, limits, report)
        result.workdir = str(workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return _finish(result, start)


def _finish(result: SandboxResult, start: float) -> SandboxResult:
    result.report.seconds = round(time.perf_counter() - start, 4)
    return result


def _static_check(path: Path, report: ValidationReport) -> ValidationReport | None:
    """A parse-stage report for unreadable, syntactically broken or disallowed code."""
    try:
        source = path.read_text()
    except (OSError, UnicodeDecodeError) as exc:
        report.error = f"Cannot read task file {path}: {exc}."
        return report
    try:
        tree = parse_source(source, str(path))
    except TaskLoadError as exc:
        report.error, report.traceback = str(exc), exc.trace
        return report
    violations = static_check.check_tree(tree)
    if not violations:
        return None
    report.error = static_check.format_violations(path, violations)
    return report


def _run(job: Job, limits: SandboxLimits, report: ValidationReport) -> SandboxResult:
    client = get_client()
    try:
        handle = client.submit(job.to_dict())
    except (OSError, ZygoteError) as exc:
        report.stage = Stage.IMPORT
        report.error = f"The sandbox could not start a validation process: {exc}."
        return SandboxResult(report)
    timed_out = not handle.wait(limits.wall_seconds)
    if timed_out:
        client.kill(job.job_id)
        if not handle.wait(KILL_GRACE_SECONDS):
            raise ZygoteError(f"validation process {handle.pid} did not stop after SIGKILL")
    result = SandboxResult(
        report,
        exit_code=handle.exit_code,
        timed_out=timed_out,
        cpu_seconds=handle.cpu_seconds,
        pid=handle.pid,
        output=_tail(job.control / OUTPUT_FILE),
    )
    result.mechanisms = list(_read_json(job.control / ISOLATION_FILE).get("mechanisms", []))
    child_report = _read_json(job.control / REPORT_FILE)
    if handle.lost:
        report.stage = Stage.IMPORT
        report.error = "The sandbox fork server died during the validation; run it again."
    elif child_report and not timed_out:
        result.report = _from_child(child_report, report)
    else:
        _explain_failure(result, limits, _read_json(job.control / PROGRESS_FILE))
    return result


def _from_child(data: dict[str, Any], fallback: ValidationReport) -> ValidationReport:
    try:
        report = ValidationReport.model_validate(data)
    except ValueError:
        fallback.stage = Stage.IMPORT
        fallback.error = "The validation process returned an unreadable report."
        return fallback
    report.target = fallback.target
    return report


def _explain_failure(
    result: SandboxResult, limits: SandboxLimits, progress: dict[str, Any]
) -> None:
    """No report came back: say why from the exit status, the CPU used and the last stage."""
    report = result.report
    stage = str(progress.get("stage", "import"))
    seed = progress.get("seed")
    try:
        report.stage = Stage(stage)
    except ValueError:
        report.stage = Stage.IMPORT
    where = describe_stage(stage, seed)
    code = result.exit_code
    cpu_limit = limits.effective_cpu_seconds
    if result.timed_out:
        report.error = (
            f"{where} did not finish: the validation exceeded the {limits.describe_wall()} "
            "wall-clock limit and was stopped. Look for a loop that never ends (a while loop "
            "whose condition never changes, a retry without a bound) or work that grows without "
            "limit; every loop in reset() must terminate."
        )
    elif (
        code is not None
        and code < 0
        and (
            -code == signal.SIGXCPU
            or (-code == signal.SIGKILL and result.cpu_seconds >= cpu_limit - 0.5)
        )
    ):
        report.error = (
            f"{where} exceeded the {cpu_limit} s CPU-time limit and was stopped (busy loop?). "
            "Make every loop terminate and keep reset() and the expert cheap."
        )
    elif code is not None and -code == signal.SIGKILL:
        report.error = (
            f"{where} was killed (SIGKILL): the task exceeded the {limits.describe_memory()} memory "
            "limit of the sandbox. Allocate less: no huge lists or arrays."
        )
    elif code is not None and code < 0:
        name = signal.Signals(-code).name
        hint = SIGNAL_HINTS.get(signal.Signals(-code), "a signal")
        report.error = (
            f"{where} crashed with signal {name} ({hint}). Check the arguments the task passes to "
            "PyBullet and the task API (body ids, poses, sizes, NaN values), and do not use "
            "ctypes or native libraries."
        )
        report.traceback = result.output or None
    elif code is None:
        report.error = f"{where}: the validation process vanished without an exit status."
    else:
        report.error = (
            f"{where}: the task's process exited with code {code} before the validation "
            "finished, without a report. Task code must not call sys.exit(), os._exit() or "
            "exit(); raise an exception with a message (e.g. ValueError) instead."
        )
        report.traceback = result.output or None


def _read_json(path: Path) -> dict[str, Any]:
    with contextlib.suppress(OSError, ValueError):
        data = json.loads(path.read_text())
        if isinstance(data, dict):
            return data
    return {}


def _tail(path: Path, lines: int = OUTPUT_TAIL_LINES) -> str:
    with contextlib.suppress(OSError):
        text = path.read_text(errors="replace")
        return "\n".join(text.strip().splitlines()[-lines:])
    return ""
