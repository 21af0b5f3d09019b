"""What runs inside the sandbox: the task's half of a validation, and nothing else.

``python -I -m simenv.sandbox.child`` imports the simulator, then reads its job (the task's
file name and source, and the settings) as JSON on stdin, writes the file to its scratch
folder, sets its rlimits, runs ``simenv.taskcode.build_scenes``
and writes JSON lines to its original stdout: ``{"stage": ..., "seed": ...}`` as it enters a
stage, ``{"record": ...}`` per seed, ``{"failure": ...}`` when the task failed, ``{"done": true}``
at the end. The task's own prints go to stderr, which the parent keeps as a log.

Nothing here is trusted by the parent: task code runs in this process and may write anything
on any descriptor. The parent only ever reads bounded lines and schema-checked records, and
judges the scene itself.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
from pathlib import Path
from typing import Any, TextIO

from simenv.sandbox.containment import MAX_JOB_BYTES
from simenv.settings import ValidationSettings
from simenv.taskcode import build_scenes
from simenv.validation_report import Stage, StageFailure

#: Threads count against RLIMIT_NPROC too; seccomp already refuses new processes.
MAX_TASKS = 64


def apply_rlimits(settings: ValidationSettings) -> None:
    """Hard caps on this process (soft = hard, so task code cannot raise them)."""
    cpu = settings.effective_cpu_seconds
    limits = (
        (resource.RLIMIT_AS, settings.memory_bytes, settings.memory_bytes),
        # Soft: SIGXCPU (reported as a CPU-limit failure); hard: SIGKILL a second later.
        (resource.RLIMIT_CPU, cpu, cpu + 1),
        (resource.RLIMIT_FSIZE, settings.scratch_bytes, settings.scratch_bytes),
        (resource.RLIMIT_NOFILE, settings.max_open_files, settings.max_open_files),
        (resource.RLIMIT_NPROC, MAX_TASKS, MAX_TASKS),
        (resource.RLIMIT_CORE, 0, 0),
    )
    for which, soft, hard in limits:
        resource.setrlimit(which, (soft, hard))


class Channel:
    """JSON lines to the parent, on a private copy of the original stdout."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.stage = Stage.IMPORT
        self.seed: int | None = None

    def send(self, message: dict[str, Any]) -> None:
        self.out.write(json.dumps(message) + "\n")
        self.out.flush()

    def on_stage(self, stage: Stage, seed: int | None) -> None:
        self.stage, self.seed = stage, seed
        self.send({"stage": stage.value, "seed": seed})

    def fail(self, stage: Stage, message: str, trace: str | None = None) -> None:
        self.send({"failure": {"stage": stage.value, "message": message, "traceback": trace}})


def task_path(name: str) -> Path:
    """Where the task file is written inside the sandbox (its scratch folder)."""
    return Path(tempfile.gettempdir()) / "task" / Path(name).name


def run(job: dict[str, Any], channel: Channel) -> None:
    settings = ValidationSettings.from_dict(job["settings"])
    path = task_path(job["name"])
    path.parent.mkdir(exist_ok=True)
    path.write_text(job["source"])
    apply_rlimits(settings)
    try:
        for record in build_scenes(path, settings, channel.on_stage):
            channel.send({"record": record.model_dump(mode="json")})
    except StageFailure as failure:
        channel.fail(failure.stage, failure.message, failure.trace)
    except SystemExit as exc:
        channel.fail(
            channel.stage,
            f"Task code called sys.exit({exc.code!r}) ({_where(channel)}): task code must not "
            "exit the process. Raise an exception with a message (e.g. ValueError) instead.",
        )
    except BaseException as exc:  # noqa: BLE001 - KeyboardInterrupt, GeneratorExit from task code
        channel.fail(channel.stage, f"{_where(channel)} raised {type(exc).__name__}: {exc}")
    channel.send({"done": True})


def _where(channel: Channel) -> str:
    seed = f" on seed {channel.seed}" if channel.seed is not None else ""
    return f"at the {channel.stage.value} stage{seed}"


def main() -> None:
    channel = Channel(os.fdopen(os.dup(1), "w"))
    os.dup2(2, 1)
    job = json.loads(sys.stdin.read(MAX_JOB_BYTES))
    run(job, channel)


if __name__ == "__main__":
    main()
