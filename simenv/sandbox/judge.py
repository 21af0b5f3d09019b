"""The judge process: the trusted rebuild, the expert and the pictures, under limits of their own.

A scene record is data that hostile code may have written (``simenv.record_checks`` checks
what it means), and rebuilding it runs PyBullet's C code on it. So the rebuild, the expert's
episode and the drawing of pictures run in a child process of the caller
(``simenv.sandbox.judge_child``), never in the caller itself:

- its stdout and stderr (file descriptors 1 and 2) go to /dev/null, so that what PyBullet
  prints about a record (URDF link names, verbatim) cannot reach ``simgen validate --json``;
- each request has a wall-clock limit (``ValidationSettings.judge_timeout``); when it runs out,
  the process is killed and the scene fails with that reason;
- its address space is capped (``ValidationSettings.judge_memory_bytes``);
- when it crashes (a segmentation fault in PyBullet), the scene fails with the signal's name,
  and the next request starts a fresh process.

One judge process serves each calling process (started ahead, while the sandbox builds the
first scene, and kept between validations), so isolating the judge costs little throughput.
The URDFs it rebuilds go to a folder named for its process id, removed when it ends; folders
of judge processes that died with their parent are swept when the next one starts.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import selectors
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from simenv.sandbox.exit_status import describe_signal, signal_of
from simenv.sandbox.judge_child import FOLDER_PREFIX
from simenv.scene_record import SceneRecord
from simenv.scratch import sweep_stale_folders
from simenv.settings import ValidationSettings
from simenv.validation import Judge
from simenv.validation_report import (
    EpisodeResult,
    Stage,
    StageCallback,
    StageFailure,
    ValidationReport,
    no_stage,
)

#: The longest reply read from the judge process (an episode's figures, a file's path).
MAX_REPLY_BYTES = 1 << 20
#: Seconds to wait for a judge process to exit once its input is closed.
EXIT_WAIT_S = 5.0
#: Environment of the judge process: one BLAS thread (it judges one scene at a time, beside
#: other workers) also keeps its address space well under the cap.
THREAD_LIMITS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


class JudgeError(RuntimeError):
    """The judge process gave no answer: it timed out, crashed or sent nonsense. The message
    says which, for the task's author."""


class JudgeProcess:
    """One judge process: started at once, asked one request at a time."""

    def __init__(self, memory_bytes: int) -> None:
        sweep_stale_folders(Path(tempfile.gettempdir()), FOLDER_PREFIX)
        self.memory_bytes = memory_bytes
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-m", "simenv.sandbox.judge_child", str(memory_bytes)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, **THREAD_LIMITS},
        )
        self.folder = Path(tempfile.gettempdir()) / f"{FOLDER_PREFIX}{self.proc.pid}"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        """End the process now and remove its folder."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._tidy()

    def close(self) -> None:
        """Let the process finish (it exits when its input closes), then remove its folder."""
        if self.proc.stdin is not None:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
        try:
            self.proc.wait(timeout=EXIT_WAIT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._tidy()

    def _tidy(self) -> None:
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def ask(self, request: dict[str, Any], timeout: float, what: str) -> dict[str, Any]:
        """Send one request and read its reply within ``timeout`` seconds (``JudgeError``
        otherwise: the process is then dead and must be replaced)."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        try:
            self.proc.stdin.write(json.dumps(request).encode() + b"\n")
            self.proc.stdin.flush()
        except OSError:
            pass  # it died; reading says how
        line = self._read_line(timeout, what)
        try:
            reply = json.loads(line)
        except ValueError as exc:
            self.kill()
            raise JudgeError(f"{what}: the judge process sent an unreadable reply.") from exc
        if not isinstance(reply, dict):
            self.kill()
            raise JudgeError(f"{what}: the judge process sent an unreadable reply.")
        return reply

    def _read_line(self, timeout: float, what: str) -> bytes:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        data = b""
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while b"\n" not in data:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self.kill()
                    raise JudgeError(timed_out(what, timeout))
                if not selector.select(timeout=remaining):
                    continue
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise JudgeError(self._ended(what))
                data += chunk
                if len(data) > MAX_REPLY_BYTES:
                    self.kill()
                    raise JudgeError(f"{what}: the judge process sent an over-long reply.")
        return data.split(b"\n", 1)[0]

    def _ended(self, what: str) -> str:
        """Why the process ended without replying (it has ended, or is about to)."""
        try:
            code = self.proc.wait(timeout=EXIT_WAIT_S)
        except subprocess.TimeoutExpired:
            code = None
        self.kill()
        return crashed(what, code, self.memory_bytes)


def timed_out(what: str, timeout: float) -> str:
    return (
        f"{what} did not finish within the judge's {timeout:g} s wall-clock limit and was "
        "stopped. Look at the scene the task builds: a primitive speed or tolerances so small "
        "that the expert's moves never end, very many linked bodies, or objects far too large "
        "to place; keep every setting close to the seed tasks' values."
    )


def crashed(what: str, code: int | None, memory_bytes: int) -> str:
    from simenv.settings import format_bytes

    sig = signal_of(code)
    if sig is not None:
        cause = f"crashed the judge process with signal {describe_signal(sig)}"
    else:
        cause = f"ended the judge process (exit code {code}) without an answer"
    return (
        f"{what} {cause}. The judge rebuilds the scene the task recorded in PyBullet "
        f"(address space limit {format_bytes(memory_bytes)}); check the URDF text the task "
        "builds (one parent per link, no joint cycles, few links, sane sizes and scales) and "
        "the sizes of its objects."
    )


class _Shared:
    """The calling process's judge process: started on demand, replaced when it died or its
    memory limit changed. Requests from several threads take turns."""

    def __init__(self) -> None:
        self.process: JudgeProcess | None = None
        self.lock = threading.Lock()
        atexit.register(self.close)

    def _current(self, memory_bytes: int) -> JudgeProcess:
        process = self.process
        if process is None or not process.alive() or process.memory_bytes != memory_bytes:
            if process is not None:
                process.kill()
            process = self.process = JudgeProcess(memory_bytes)
        return process

    def prestart(self, memory_bytes: int) -> None:
        """Start the process now (it imports PyBullet while the sandbox runs)."""
        with self.lock:
            self._current(memory_bytes)

    def ask(
        self, request: dict[str, Any], settings: ValidationSettings, what: str
    ) -> dict[str, Any]:
        with self.lock:
            process = self._current(settings.judge_memory_bytes)
            try:
                return process.ask(request, settings.judge_timeout, what)
            except JudgeError:
                self.process = None
                raise

    def pid(self) -> int | None:
        """The judge process's id (None before one started): for tests that crash it."""
        return self.process.pid if self.process is not None else None

    def close(self) -> None:
        with self.lock:
            process, self.process = self.process, None
        if process is not None:
            process.close()


JUDGE = _Shared()


def _payload(record: SceneRecord) -> dict[str, Any]:
    return record.model_dump(mode="json")


def judge_episode(record: SceneRecord, settings: ValidationSettings) -> EpisodeResult:
    """Rebuild ``record`` and run the expert in the judge process (``StageFailure`` when the
    scene could not be rebuilt or judged, whatever the reason)."""
    what = f"The expert episode on seed {record.seed}"
    try:
        reply = JUDGE.ask({"op": "episode", "record": _payload(record)}, settings, what)
    except JudgeError as exc:
        raise StageFailure(Stage.EPISODES, str(exc)) from exc
    if "episode" in reply:
        return EpisodeResult.model_validate(reply["episode"])
    raise _failure(reply, what)


def draw_record(
    kind: str, record: SceneRecord, out: Path, title: str, settings: ValidationSettings
) -> Path:
    """Draw ``record`` as a picture or an animation (``kind``) in the judge process; a
    ``JudgeError`` says why it could not be drawn."""
    what = f"Drawing the {kind} of seed {record.seed}"
    request = {"op": kind, "record": _payload(record), "out": str(out), "title": title}
    reply = JUDGE.ask(request, settings, what)
    if "path" in reply:
        return Path(str(reply["path"]))
    raise JudgeError(_failure(reply, what).message)


def draw_views_record(
    record: SceneRecord, folder: Path, settings: ValidationSettings
) -> list[Path]:
    """Draw the vision critic's views of ``record`` (first scene and after the expert's
    episode, top-down and front) as PNGs in ``folder``, in the judge process; a
    ``JudgeError`` says why they could not be drawn."""
    what = f"Drawing the views of seed {record.seed}"
    request = {"op": "views", "record": _payload(record), "out": str(folder)}
    reply = JUDGE.ask(request, settings, what)
    paths = reply.get("paths")
    if isinstance(paths, list) and all(isinstance(p, str) for p in paths):
        return [Path(p) for p in paths]
    raise JudgeError(_failure(reply, what).message)


def _failure(reply: dict[str, Any], what: str) -> StageFailure:
    failure = reply.get("failure")
    if not isinstance(failure, dict):
        return StageFailure(Stage.EPISODES, f"{what}: the judge process sent no result.")
    try:
        stage = Stage(str(failure.get("stage")))
    except ValueError:
        stage = Stage.EPISODES
    return StageFailure(stage, str(failure.get("message") or f"{what} failed."))


class IsolatedJudge(Judge):
    """``Judge`` whose rebuilds and episodes run in the judge process, under its limits."""

    def __init__(
        self,
        report: ValidationReport,
        settings: ValidationSettings,
        on_stage: StageCallback = no_stage,
    ) -> None:
        super().__init__(report, settings, on_stage)

    def __enter__(self) -> IsolatedJudge:
        JUDGE.prestart(self.settings.judge_memory_bytes)
        return self

    def __exit__(self, *exc: object) -> None:
        """The judge process is kept for the next validation."""

    def add(self, record: SceneRecord) -> None:
        self.on_stage(Stage.EPISODES, record.seed)
        self.keep(record, judge_episode(record, self.settings))
