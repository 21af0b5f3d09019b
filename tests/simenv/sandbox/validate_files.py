"""Validate many files in the sandbox, one after another in this one process, as production
does (the attack tests run this as the current user and as ``nobody``: the interpreter and the
trusted side start once, and the sandbox for the next file starts while one is judged).

    python validate_files.py JOBS_JSON

JOBS_JSON is a list of {"file", "settings", "static_check", "output", "left"}. For each job,
everything printed while it runs (stdout and stderr; the report as one JSON line) goes to
"output", and the processes it left below this one go to "left" as {"pids", "described"}:
this process is a subreaper, so an escaped process comes back here and is counted.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sandbox_helpers import become_subreaper, descendants_of, describe

from simenv.sandbox.judge import JUDGE
from simenv.sandbox.runner import WAITING, run_isolated
from simenv.settings import ValidationSettings

#: How long a dying sandbox's processes may take to go once the validation has returned.
SETTLE_SECONDS = 1.0


@contextlib.contextmanager
def output_to(path: Path) -> Iterator[None]:
    """Send this process's stdout and stderr (the descriptors, so native code's too) to
    ``path`` for the duration."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    with path.open("wb") as sink:
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
    try:
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        for fd, copy in zip((1, 2), saved, strict=True):
            os.dup2(copy, fd)
            os.close(copy)


def standing() -> set[int]:
    """The validator's own processes, kept between validations (the sandbox started ahead for
    the next file, the judge process) and theirs: not something a task left behind."""
    ready = WAITING.sandbox
    found = {ready.proc.pid} if ready is not None else set()
    judge = JUDGE.pid()
    if judge is not None:
        found.add(judge)
    return found.union(*(descendants_of(pid) for pid in found))


def left_behind(before: set[int]) -> list[int]:
    """Processes below this one that were not there before the job, less the validator's
    own; a killed sandbox's may take a moment to go."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        left = sorted(set(descendants_of(os.getpid())) - before - standing())
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)


def run_job(job: dict[str, Any]) -> None:
    """Validate one file; a trusted-side exception is printed, so the test shows it."""
    before = set(descendants_of(os.getpid()))
    with output_to(Path(job["output"])):
        try:
            settings = ValidationSettings.from_dict(job["settings"])
            result = run_isolated(job["file"], settings, static_check=job["static_check"])
            sys.stdout.write(result.report.model_dump_json() + "\n")
        except Exception:
            traceback.print_exc()
    left = left_behind(before)
    Path(job["left"]).write_text(json.dumps({"pids": left, "described": describe(left)}))


def main() -> None:
    become_subreaper()
    for job in json.loads(Path(sys.argv[1]).read_text()):
        run_job(job)
    WAITING.clear()


if __name__ == "__main__":
    main()
