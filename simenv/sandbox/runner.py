"""``validate_isolated``: validate one task program with its code contained by the kernel.

The trusted side of the sandbox. It reads and checks the file (parse stage: syntax, the static
import check, methods a task may not redefine), runs the task's half of the validation in a
fresh bubblewrap sandbox (``containment.py``, ``child.py``), reads back at most
``settings.output_bytes`` of schema-checked scene records within ``settings.timeout`` seconds,
then has each scene rebuilt and judged by the expert in the judge process
(``simenv.sandbox.judge``: its own output, wall-clock and memory limits, crashes contained).
Whatever the task does, the report says what happened and which limit was hit; the sandbox
leaves no process behind (its PID namespace dies with it).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import selectors
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simenv.record_checks import RecordRejected, decode_record, printable
from simenv.sandbox import static_check as static_checks
from simenv.sandbox.containment import (
    MAX_JOB_BYTES,
    Containment,
    Sandbox,
    probe,
    sandbox_key,
    start,
)
from simenv.sandbox.exit_status import describe_signal, signal_of
from simenv.sandbox.judge import IsolatedJudge
from simenv.scene_record import SceneRecord
from simenv.settings import IsolationUnavailable, ValidationSettings
from simenv.tasks import module_name_to_task_name
from simenv.validation import fail, new_report, parse_task, resolve_target
from simenv.validation_report import Stage, StageCallback, StageFailure, ValidationReport

#: Bytes of the sandbox's log (its stderr) kept for a crash report.
LOG_TAIL_BYTES = 16_000


#: The stages the sandboxed half goes through (a message naming another is ignored).
SANDBOX_STAGES = (Stage.IMPORT, Stage.BUILD, Stage.RESET)


__all__ = ["IsolationUnavailable", "SandboxResult", "record_scenes", "run_isolated"]


def _no_stage(stage: Stage, seed: int | None) -> None:
    """The default stage callback: nobody is listening."""


@dataclass
class SandboxResult:
    """How the sandboxed half ended; ``validate_isolated`` returns only ``report``."""

    report: ValidationReport
    exit_code: int | None = None
    timed_out: bool = False
    output_exceeded: bool = False
    log: str = ""
    records: list[SceneRecord] = field(default_factory=list)
    failure: StageFailure | None = None
    stage: Stage = Stage.IMPORT
    seed: int | None = None
    task_path: str = ""


def validate_isolated(
    target: str | Path,
    settings: ValidationSettings | None = None,
    *,
    on_stage: StageCallback = _no_stage,
) -> ValidationReport:
    """Validate a task (registered name or file): its code sandboxed, the verdict trusted.

    ``on_stage(stage, seed)`` is called as the validation moves through its stages. Raises
    ``IsolationUnavailable`` when ``settings.require_isolation`` is set and a layer is missing.
    The expert runs in this process's judge process (``simenv.sandbox.judge``), so this may be
    called while an ``Environment`` is open here.
    """
    return run_isolated(target, settings, on_stage=on_stage).report


def run_isolated(
    target: str | Path,
    settings: ValidationSettings | None = None,
    *,
    on_stage: StageCallback = _no_stage,
    static_check: bool = True,
) -> SandboxResult:
    """``validate_isolated``, with how the sandbox ended (for tests and benchmarks).

    ``static_check=False`` skips the import allow-list, so that tests can show the kernel
    boundary holds on its own against code the static check would have refused.
    """
    settings = settings or ValidationSettings()
    start = time.perf_counter()
    result, found, path = _prepare(target, settings, on_stage, static_check)
    if path is None:
        return _finish(result, settings, start)
    report = result.report
    report.isolation = list(found.layers)
    with IsolatedJudge(report, settings, on_stage) as judging:
        _contain(result, found, path, settings, on_stage, judging.add)
    if _built_every_scene(result, settings):
        result.report = judging.verdict()
    else:
        _fail_sandboxed(result, path, settings)
    return _finish(result, settings, start)


def record_scenes(
    target: str | Path,
    settings: ValidationSettings | None = None,
    *,
    on_stage: StageCallback = _no_stage,
) -> SandboxResult:
    """Only the sandboxed half: the checked scene records of ``settings.seeds``, not judged.

    Demonstrations and renders of generated tasks replay these records in a world of their
    own; this opens none, so it may be called while an ``Environment`` is open here. The
    report says how building failed, if it did (its verdict fields stay unset otherwise).
    """
    settings = settings or ValidationSettings()
    start = time.perf_counter()
    result, found, path = _prepare(target, settings, on_stage, static_check=True)
    if path is None:
        return _finish(result, settings, start)
    result.report.isolation = list(found.layers)
    _contain(result, found, path, settings, on_stage, lambda record: None)
    if not _built_every_scene(result, settings):
        _fail_sandboxed(result, path, settings)
    return _finish(result, settings, start)


def _prepare(
    target: str | Path, settings: ValidationSettings, on_stage: StageCallback, static_check: bool
) -> tuple[SandboxResult, Containment, Path | None]:
    """The checks before a sandbox starts: isolation, the target, the parse and static check.
    The path is None when one failed (the result's report says which)."""
    found = probe()
    if settings.require_isolation and found.missing:
        raise IsolationUnavailable(found.describe_missing())
    report = new_report(target, settings)
    result = SandboxResult(report)
    try:
        path = resolve_target(target).resolve()
    except (FileNotFoundError, KeyError) as exc:
        fail(report, StageFailure(Stage.PARSE, str(exc)))
        return result, found, None
    report.task_name = module_name_to_task_name(path.stem)
    try:
        on_stage(Stage.PARSE, None)
        tree = parse_task(path)
        violations = static_checks.check_tree(tree) if static_check else []
        if violations:
            raise StageFailure(Stage.PARSE, static_checks.format_violations(path, violations))
    except StageFailure as failure:
        fail(report, failure)
        return result, found, None
    return result, found, path


def _built_every_scene(result: SandboxResult, settings: ValidationSettings) -> bool:
    return (
        result.failure is None and len(result.records) == settings.episodes and not result.timed_out
    )


def _fail_sandboxed(result: SandboxResult, path: Path, settings: ValidationSettings) -> None:
    """Fail the report with what went wrong in the sandbox (an error it reported, or how it
    ended: killed, timed out, too much output, too few scenes)."""
    report = result.report
    if result.failure is None:
        fail(report, _explain(result, settings))
        return
    fail(report, _relabel(result.failure, result.task_path, path))
    if "MemoryError" in (report.error or ""):
        report.error = (
            f"{(report.error or '').rstrip(': .')}: the task exceeded the "
            f"{settings.describe_memory()} memory limit of the sandbox. Allocate less (no "
            "huge lists or arrays; objects and goals take little memory)."
        )


def _finish(result: SandboxResult, settings: ValidationSettings, start: float) -> SandboxResult:
    report = result.report
    report.error = truncate(report.error, settings.message_chars)
    report.traceback = truncate(report.traceback, settings.message_chars)
    report.seconds = round(time.perf_counter() - start, 4)
    return result


def truncate(text: str | None, limit: int) -> str | None:
    """``text`` cut to ``limit`` characters, saying how much was cut."""
    if text is None or len(text) <= limit:
        return text
    return f"{text[:limit]}... [truncated: {len(text) - limit} more characters]"


def _relabel(failure: StageFailure, inside: str, path: Path) -> StageFailure:
    """Messages name the file as the user knows it, not by its path inside the sandbox."""
    message = failure.message.replace(inside, str(path))
    trace = failure.trace.replace(inside, str(path)) if failure.trace else None
    return StageFailure(failure.stage, message, trace)


# -- running the sandbox -----------------------------------------------------------------------


class _Waiting:
    """At most one started sandbox per process, importing the simulator while the current
    validation runs, so that the next one does not wait for an interpreter to start.

    Each sandbox serves exactly one validation and is killed after it: a waiting sandbox has
    run no task code. It is started from the calling thread (bwrap dies with the thread that
    started it) and found dead, and replaced, if that thread has ended."""

    def __init__(self) -> None:
        self.sandbox: Sandbox | None = None
        self.lock = threading.Lock()
        atexit.register(self.clear)

    def take(self, found: Containment, settings: ValidationSettings) -> Sandbox:
        with self.lock:
            ready, self.sandbox = self.sandbox, None
        if ready is not None and ready.alive() and ready.key == sandbox_key(found, settings):
            return ready
        if ready is not None:
            ready.kill()
        return start(found, settings)

    def refill(self, found: Containment, settings: ValidationSettings) -> None:
        with self.lock:
            if self.sandbox is None:
                self.sandbox = start(found, settings)

    def clear(self) -> None:
        with self.lock:
            ready, self.sandbox = self.sandbox, None
        if ready is not None:
            ready.kill()


WAITING = _Waiting()


#: Called with each checked scene record as it arrives (the trusted judge).
RecordCallback = Callable[[SceneRecord], None]


def _contain(
    result: SandboxResult,
    found: Containment,
    path: Path,
    settings: ValidationSettings,
    on_stage: StageCallback,
    on_record: RecordCallback,
) -> None:
    sandbox = WAITING.take(found, settings)
    # The next validation's sandbox imports the simulator while this one runs and is judged.
    WAITING.refill(found, settings)
    try:
        job = {"name": path.name, "source": path.read_text(), "settings": settings.to_dict()}
        _talk(sandbox, job, result, settings, on_stage, on_record)
    finally:
        sandbox.kill()
    result.exit_code = sandbox.proc.returncode


def _talk(
    sandbox: Sandbox,
    job: dict[str, Any],
    result: SandboxResult,
    settings: ValidationSettings,
    on_stage: StageCallback,
    on_record: RecordCallback,
) -> None:
    """Send the job, read bounded output until the child ends or a limit is hit. Each record
    is judged as it arrives (the sandbox builds the next one meanwhile); time spent judging
    does not count against the sandbox's wall-clock limit."""
    proc = sandbox.proc
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    deadline = time.monotonic() + settings.timeout
    try:
        proc.stdin.write(json.dumps(job).encode()[:MAX_JOB_BYTES])
        proc.stdin.close()
    except OSError:
        pass  # it died at once; its exit status says why
    budget = settings.output_bytes
    lines = b""
    log = bytearray()
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ, "out")
        selector.register(proc.stderr, selectors.EVENT_READ, "log")
        while selector.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                result.timed_out = True
                break
            for key, _ in selector.select(timeout=min(remaining, 1.0)):
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    selector.unregister(key.fileobj)
                    continue
                budget -= len(chunk)
                if key.data == "log":
                    log += chunk
                    del log[:-LOG_TAIL_BYTES]
                else:
                    lines += chunk
                    *complete, lines = lines.split(b"\n")
                    judging_since = time.monotonic()
                    for line in complete:
                        _message(line, result, settings, on_stage, on_record)
                    deadline += time.monotonic() - judging_since
            if budget < 0 or result.failure is not None:
                result.output_exceeded = True
                break
    if not result.timed_out and not result.output_exceeded:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
    result.log = log.decode(errors="replace")
    result.task_path = str(Path(sandbox.scratch) / "task" / str(job["name"]))


def _message(
    line: bytes,
    result: SandboxResult,
    settings: ValidationSettings,
    on_stage: StageCallback,
    on_record: RecordCallback,
) -> None:
    """One line from the sandbox: untrusted, so anything malformed is ignored or refused, and
    nothing in it (a line nested thousands deep, a value no check expected) may escape as an
    exception: that fails the scene with a clear message instead."""
    if result.failure is not None:
        return
    try:
        message = json.loads(line)
    except ValueError:
        return  # not a message (the child writes only JSON lines; task code may write junk)
    except Exception as exc:  # noqa: BLE001 - RecursionError on deep nesting, and the like
        result.failure = _unreadable(result, exc)
        return
    if not isinstance(message, dict):
        return
    try:
        _handle(message, result, settings, on_stage, on_record)
    except StageFailure as failure:
        result.failure = failure
    except Exception as exc:  # noqa: BLE001 - untrusted input never becomes a traceback
        result.failure = _unreadable(result, exc)


def _unreadable(result: SandboxResult, exc: BaseException) -> StageFailure:
    detail = printable(f"{type(exc).__name__}: {exc}")[:300]
    return StageFailure(
        result.stage if result.stage in SANDBOX_STAGES else Stage.RESET,
        f"The sandbox sent a message the validator cannot read ({detail}). A task sends its "
        "scene only through the task API (env.add_object, self.add_goal); do not write to "
        "the process's output.",
    )


def _handle(
    message: dict[str, Any],
    result: SandboxResult,
    settings: ValidationSettings,
    on_stage: StageCallback,
    on_record: RecordCallback,
) -> None:
    if set(message) == {"stage", "seed"}:
        with contextlib.suppress(ValueError, TypeError):
            stage = Stage(message["stage"])
            seed = message["seed"]
            if stage in SANDBOX_STAGES:
                result.stage, result.seed = stage, seed if isinstance(seed, int) else None
                on_stage(result.stage, result.seed)
    elif "record" in message:
        _record(message["record"], result, settings, on_record)
    elif "failure" in message:
        result.failure = _failure(message["failure"], result)


def _record(
    data: Any, result: SandboxResult, settings: ValidationSettings, on_record: RecordCallback
) -> None:
    """Decode and check one scene record (``simenv.record_checks``), then judge it."""
    expected = settings.seed + len(result.records)
    try:
        record = decode_record(data)
    except RecordRejected as exc:
        result.failure = StageFailure(
            Stage.RESET,
            f"The scene reset() built on seed {expected} was refused: {printable(str(exc))}",
        )
        return
    if record.seed != expected or len(result.records) >= settings.episodes:
        result.failure = StageFailure(
            Stage.RESET, f"The sandbox sent a scene for seed {record.seed}; expected {expected}."
        )
        return
    result.records.append(record)
    try:
        on_record(record)
    except StageFailure as failure:
        result.failure = failure


def _failure(data: Any, result: SandboxResult) -> StageFailure:
    if not isinstance(data, dict):
        return StageFailure(result.stage, "The sandbox sent an unreadable failure.")
    try:
        stage = Stage(str(data.get("stage")))
    except ValueError:
        stage = result.stage
    if stage not in (Stage.PARSE, *SANDBOX_STAGES):
        stage = result.stage
    message = str(data.get("message") or "The task failed without a message.")
    trace = data.get("traceback")
    return StageFailure(stage, message, str(trace) if trace is not None else None)


def describe_stage(stage: Stage, seed: int | None) -> str:
    """Human words for a stage: what the validator was doing there."""
    seed_text = f" on seed {seed}" if seed is not None else ""
    return {
        Stage.PARSE: "Reading the task file",
        Stage.IMPORT: "Importing the task file",
        Stage.BUILD: "Building the task (its __init__)",
        Stage.RESET: f"reset(){seed_text}",
    }.get(stage, f"The {stage.value} stage")


def _explain(result: SandboxResult, settings: ValidationSettings) -> StageFailure:
    """No verdict came back: say why from the limits, the exit status and the last stage."""
    stage = result.stage if result.stage != Stage.PARSE else Stage.IMPORT
    where = describe_stage(stage, result.seed)
    code, sig = result.exit_code, signal_of(result.exit_code)
    log = result.log.strip() or None
    if result.timed_out:
        return StageFailure(
            stage,
            f"{where} did not finish: the validation exceeded the {settings.describe_timeout()} "
            "wall-clock limit and was stopped. Look for a loop that never ends (a while loop "
            "whose condition never changes, a retry without a bound) or work that grows without "
            "limit; every loop in reset() must terminate.",
        )
    if result.output_exceeded:
        return StageFailure(
            stage,
            f"{where} wrote more than the sandbox's {settings.output_bytes // 1024} KiB output "
            "limit and was stopped. Do not print in loops or build huge scenes.",
        )
    if sig == signal.SIGXCPU or (sig == signal.SIGKILL and code is not None and code > 0):
        return StageFailure(
            stage,
            f"{where} exceeded the {settings.effective_cpu_seconds} s CPU-time limit and was "
            "stopped (busy loop?). Make every loop terminate and keep reset() cheap.",
        )
    if sig is not None:
        return StageFailure(
            stage,
            f"{where} crashed with signal {describe_signal(sig)}. Check the "
            "arguments the task passes to PyBullet and the task API (body ids, poses, sizes, "
            "NaN values), and do not use ctypes or native libraries.",
            log,
        )
    if len(result.records) < settings.episodes and code == 0:
        return StageFailure(
            stage,
            f"{where}: the task's process ended before it sent every scene. Task code must not "
            "exit the process or close its output; raise an exception with a message instead.",
            log,
        )
    return StageFailure(
        stage,
        f"{where}: the task's process exited with code {code} before the validation finished. "
        "Task code must not call sys.exit(), os._exit() or exit(); raise an exception with a "
        "message (e.g. ValueError) instead.",
        log,
    )
