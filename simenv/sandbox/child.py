"""What runs in the validation child: isolate, limit, validate, write the report, exit.

The child is forked by the fork server (``zygote.py``), so numpy, SciPy and PyBullet are
already imported and a validation starts in milliseconds, yet every validation still gets a
process of its own that dies afterwards. The sequence:

1. a new session (so the parent can kill the whole group), stdio to a log in the control folder;
2. namespaces where permitted: network (no interface is up, so no connection can be made),
   mount (everything read-only except the job's folder), PID (everything the task forks dies
   with it), plus a pids cgroup capping the process count;
3. in the task process: rlimits, a scrubbed environment, cwd/HOME/TMPDIR = scratch folder, the
   audit-hook guards, stage progress written to the control folder;
4. the ordinary in-process validator, ``simenv.validation.validate``; its report goes back as
   JSON in ``control/report.json``.

Nothing here trusts the task: whatever it does, the parent reads the exit status and the
files, and decides what to report.
"""

from __future__ import annotations

import contextlib
import faulthandler
import json
import os
import signal
import sys
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from simenv.sandbox import isolation
from simenv.sandbox.limits import SandboxLimits

EXIT_INTERNAL_ERROR = 70
PROGRESS_FILE = "progress.json"
REPORT_FILE = "report.json"
ISOLATION_FILE = "isolation.json"
OUTPUT_FILE = "output.log"


@dataclass
class Job:
    """One validation, as the runner describes it to the child (JSON on the way)."""

    job_id: str
    path: str
    target: str
    workdir: str
    episodes: int = 5
    seed: int = 0
    min_success: float = 0.5
    mode: str = "train"
    #: Dialect leniencies fail the validation instead of being warnings (simenv.dialect).
    strict: bool = False
    limits: dict[str, Any] = field(default_factory=dict)
    guards: bool = True
    namespaces: bool = True

    @property
    def scratch(self) -> Path:
        return Path(self.workdir) / "scratch"

    @property
    def control(self) -> Path:
        return Path(self.workdir) / "control"

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Job:
        return cls(**data)


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Atomic (write then rename): the parent never reads half a file, even after a kill."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data))
    os.replace(tmp, path)


class Progress:
    """The stage the validation is in, on disk, so a timeout can say where it happened."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / PROGRESS_FILE
        self.stage = "import"
        self.seed: int | None = None

    def set(self, stage: str, seed: int | None = None) -> None:
        self.stage, self.seed = stage, seed
        with contextlib.suppress(OSError):
            write_json(self.path, {"stage": stage, "seed": seed})


def run_job(job_data: dict[str, Any]) -> NoReturn:
    """Entry point in the freshly forked child; never returns."""
    code = EXIT_INTERNAL_ERROR
    try:
        code = _supervise(Job.from_dict(job_data))
    except BaseException:  # noqa: BLE001 - anything here is a sandbox bug; say so in the log
        with contextlib.suppress(Exception):
            traceback.print_exc()
    finally:
        os._exit(code)


def _redirect_stdio(log: Path) -> None:
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.close(devnull)
    os.close(out)


def _supervise(job: Job) -> int:
    """Session, namespaces, cgroup; then run the task process (as PID 1 of a new PID namespace
    where possible) and mirror its exit status so the fork server sees what happened."""
    os.setsid()
    for sig in (signal.SIGCHLD, signal.SIGPIPE, signal.SIGINT, signal.SIGTERM, signal.SIGXCPU):
        signal.signal(sig, signal.SIG_DFL)
    _redirect_stdio(job.control / OUTPUT_FILE)
    isolation.apply_rlimits_core_only()
    limits = SandboxLimits.from_dict(job.limits)
    mechanisms: list[str] = ["process", "session"]
    if job.namespaces:
        if os.geteuid() == 0 and isolation.join_pids_cgroup(job.job_id, limits.max_processes):
            mechanisms.append("pids-cgroup")
        if isolation.unshare(isolation.CLONE_NEWNET):
            mechanisms.append("network-namespace")
        if isolation.readonly_filesystem([job.workdir]):
            mechanisms.append("read-only-filesystem")
        if isolation.unshare(isolation.CLONE_NEWPID):
            mechanisms.append("pid-namespace")
            return _mirror(_fork(lambda: _namespace_init(job, limits, mechanisms)))
    return _run_task(job, limits, mechanisms)


def _fork(body: Callable[[], int]) -> int:
    pid = os.fork()
    if pid == 0:
        code = EXIT_INTERNAL_ERROR
        try:
            code = body()
        finally:
            os._exit(code)
    return pid


def _namespace_init(job: Job, limits: SandboxLimits, mechanisms: list[str]) -> int:
    """PID 1 of the job's PID namespace: when it dies, the kernel kills every process the task
    started. It runs the task as PID 2, because PID 1 ignores signals it has no handler for
    (SIGXCPU from the CPU limit among them). PID 1 cannot kill itself with a signal either, so
    it passes a signal death up as exit code 128 + signal, which ``_mirror`` turns back."""
    isolation.set_parent_death_signal()
    task = _fork(
        lambda: (isolation.set_parent_death_signal(), _run_task(job, limits, mechanisms))[1]
    )
    code = _wait(task)
    return 128 + -code if code < 0 else code


def _wait(pid: int) -> int:
    while True:
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:
            return EXIT_INTERNAL_ERROR
        except InterruptedError:
            continue
        return os.waitstatus_to_exitcode(status)


def _mirror(init: int) -> int:
    """Wait for the namespace's init; die by the task's signal or exit with its code."""
    code = _wait(init)
    sig = code - 128 if code > 128 else -code if code < 0 else 0
    if sig:
        signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)
    return code


def _run_task(job: Job, limits: SandboxLimits, mechanisms: list[str]) -> int:
    scratch = str(job.scratch)
    os.chdir(scratch)
    clean = isolation.scrubbed_environment(os.environ, home=scratch)
    os.environ.clear()
    os.environ.update(clean)
    tempfile.tempdir = scratch
    sys.dont_write_bytecode = True
    progress = Progress(job.control)
    progress.set("import")
    with contextlib.suppress(Exception):
        faulthandler.enable(file=sys.stderr, all_threads=False)

    # Our own imports happen before the limits and guards, so they never count against the task.
    from simenv import validation
    from simenv.report import Stage, ValidationReport

    _track_stages(validation, progress)
    mechanisms += isolation.apply_rlimits(limits)
    guard = None
    if job.guards:
        from simenv.sandbox import guards

        guard = guards.install([job.workdir])
        mechanisms.append("audit-hook")
    with contextlib.suppress(OSError):
        write_json(job.control / ISOLATION_FILE, {"mechanisms": mechanisms})

    if guard is not None:
        guard.armed = True
    try:
        report = validation.validate(
            job.path,
            episodes=job.episodes,
            seed=job.seed,
            min_success=job.min_success,
            mode=job.mode,
            strict=job.strict,
        )
    except SystemExit as exc:
        report = _exit_report(job, progress, exc)
    except BaseException as exc:  # noqa: BLE001 - KeyboardInterrupt, GeneratorExit... from task code
        report = ValidationReport(
            target=job.target,
            passed=False,
            stage=Stage(progress.stage),
            min_success=job.min_success,
            error=f"{_where(progress)} raised {type(exc).__name__}: {exc}",
            traceback=_safe_trace(exc, job.path),
        )
    finally:
        if guard is not None:
            guard.armed = False
    _explain_limits(report, limits)
    report.target = job.target
    write_json(job.control / REPORT_FILE, json.loads(report.model_dump_json()))
    return 0


def _track_stages(validation: Any, progress: Progress) -> None:
    """Wrap the validator's stage functions (in this throwaway process only) to record progress.

    ``simenv.validation`` looks these names up at call time, so the in-process validator needs
    no hooks of its own and stays exactly what ``simgen validate --in-process`` runs."""
    load, reset, expert = (
        validation.load_task_class,
        validation.reset_episode,
        validation.run_expert,
    )

    def load_task_class(path: Any) -> Any:
        progress.set("import")
        task_class = load(path)
        progress.set("build")
        return task_class

    def reset_episode(env: Any, task_class: Any, seed: int, mode: str = "train") -> Any:
        progress.set("reset", seed)
        return reset(env, task_class, seed, mode)

    def run_expert(env: Any, task: Any, on_step: Any = None) -> Any:
        progress.set("episodes", progress.seed)
        result = expert(env, task, on_step)
        progress.set("success", progress.seed)
        return result

    validation.load_task_class = load_task_class
    validation.reset_episode = reset_episode
    validation.run_expert = run_expert


def _where(progress: Progress) -> str:
    return describe_stage(progress.stage, progress.seed)


def describe_stage(stage: str, seed: int | None) -> str:
    """Human words for a stage: what the validator was doing there."""
    seed_text = f" on seed {seed}" if seed is not None else ""
    return {
        "parse": "Reading the task file",
        "import": "Importing the task file",
        "build": "Building the task (its __init__ or the world)",
        "reset": f"reset(){seed_text}",
        "episodes": f"The expert episode{seed_text}",
        "success": f"The expert episode{seed_text}",
    }.get(stage, f"The {stage} stage")


def _exit_report(job: Job, progress: Progress, exc: SystemExit) -> Any:
    from simenv.report import Stage, ValidationReport

    return ValidationReport(
        target=job.target,
        passed=False,
        stage=Stage(progress.stage),
        min_success=job.min_success,
        error=(
            f"{_where(progress)} called sys.exit({exc.code!r}): task code must not exit the "
            "process. Raise an exception with a message (e.g. ValueError) instead."
        ),
        traceback=_safe_trace(exc, job.path),
    )


def _safe_trace(exc: BaseException, path: str) -> str | None:
    try:
        from simenv.loader import trimmed_traceback

        return trimmed_traceback(exc, path)
    except Exception:  # noqa: BLE001 - a traceback is a nicety, the report is what matters
        return None


def _explain_limits(report: Any, limits: SandboxLimits) -> None:
    """A MemoryError inside the task means it hit the address-space cap: say which cap."""
    if report.error and "MemoryError" in report.error:
        report.error = (
            f"{report.error.rstrip(': .')}: the task exceeded the {limits.describe_memory()} "
            "memory limit of the sandbox. Allocate less (no huge lists or arrays; objects and "
            "goals take little memory)."
        )
