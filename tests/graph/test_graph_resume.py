"""A run killed with SIGKILL and started again with the same thread loses and duplicates
nothing, with more candidates in flight than validation processes (``--concurrency 4
--workers 1``: when the first task is committed, others are queued for the worker or
validating); the offline default's tasks re-validate from their files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from memory.library import TaskMemory
from memory.records import Origin
from simenv.settings import ValidationSettings
from simenv.taskcode import validate

pytestmark = pytest.mark.integration


N_TASKS = 4


def generate(workspace: Path, thread: str, n: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "simgen.cli",
        "generate",
        "-n",
        str(n),
        "--workspace",
        str(workspace),
        "--thread",
        thread,
        "--episodes",
        "2",
        "--workers",
        "1",
        "--concurrency",
        str(n),
        "--json",
    ]


def stat_fields(pid: int | str) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (state, ppid, ...), or None."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def children_of(pid: int) -> list[int]:
    """Direct children of a process (its validation pool workers)."""
    children = []
    for folder in Path("/proc").glob("[0-9]*"):
        fields = stat_fields(folder.name)
        if fields is not None and int(fields[1]) == pid:
            children.append(int(folder.name))
    return children


def running(pid: int) -> bool:
    """Alive and not a zombie (a dead child waits for init to reap it)."""
    fields = stat_fields(pid)
    return fields is not None and fields[0] != "Z"


def test_kill_9_then_resume(workspace: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        generate(workspace, "crash-test", N_TASKS),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stderr is not None
    seen = []
    for line in proc.stderr:
        seen.append(line)
        if "committed" in line:  # one task is in the library; others are in flight
            break
    workers = children_of(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert workers, "the run had no validation worker"
    time.sleep(2)
    alive = [pid for pid in workers if running(pid)]
    assert not alive, [Path(f"/proc/{p}/cmdline").read_bytes()[:200] for p in alive]
    assert any("committed" in line for line in seen), "".join(seen)
    # The kill caught a round of four in flight, not all of them finished.
    started = [line for line in seen if line.rstrip().endswith(": started")]
    ended = [line for line in seen if ": done, " in line]
    assert len(started) == N_TASKS and len(ended) < N_TASKS, "".join(seen)

    done = subprocess.run(
        generate(workspace, "crash-test", N_TASKS),
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    names = [t["name"] for t in summary["accepted"]]
    assert len(names) == N_TASKS == len(set(names))
    memory = TaskMemory.open(workspace)
    generated = [r for r in memory.list() if r.origin is Origin.GENERATED]
    assert sorted(r.name for r in generated) == sorted(names)
    for task in summary["accepted"]:
        path = Path(task["path"])
        assert path.is_file()
        assert validate(path, ValidationSettings(episodes=2)).passed, path.name
        # The picture is drawn from the sandbox's scene record and lies beside the file.
        assert task["picture"] == str(path.with_suffix(".png"))
        assert Path(task["picture"]).stat().st_size > 1000

    # The finished thread run again reports the same run and adds nothing.
    again = subprocess.run(
        generate(workspace, "crash-test", N_TASKS),
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert json.loads(again.stdout)["accepted"] == summary["accepted"]
    generated_again = [r for r in TaskMemory.open(workspace).list() if r.origin is Origin.GENERATED]
    assert len(generated_again) == N_TASKS
