"""The embedded library on disk: it reopens intact, and survives a process killed mid-write."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from chromadb.api.client import SharedSystemClient

from memory.embedding import MiniLMEmbeddingFunction
from memory.library import AddOutcome, TaskMemory
from memory.records import Origin, TaskRecord

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from memory.records import Origin, TaskRecord
    from memory.library import TaskMemory

    workspace = Path(sys.argv[1])
    memory = TaskMemory.open(workspace, seed=False, seed_tasks=None)
    i = 0
    while True:
        batch = [
            TaskRecord.create(
                name=f"task-{i}-{j}",
                description=f"Stack {j + 2} blocks of colour number {i} into a tower.",
                code=f"class Task{i}x{j}(Task):\\n    '''Task {i}/{j}.'''\\n",
                origin=Origin.GENERATED,
                assets=[f"block/block-{j}.urdf"],
            )
            for j in range(3)
        ]
        memory.add_many(batch)          # several records in one upsert...
        memory.add(batch[0])            # ...a repeated (no-op) write...
        memory.remove(batch[1].name)    # ...and a removal, so a kill can land anywhere
        print(i, flush=True)
        i += 1
    """
)


def reopen(workspace: Path, embedder: MiniLMEmbeddingFunction) -> TaskMemory:
    SharedSystemClient.clear_system_cache()  # a real reopen, not the cached in-process system
    return TaskMemory.open(workspace, embedding_function=embedder, seed=False, seed_tasks=None)


def test_library_reopens_with_its_records(
    tmp_path: Path, embedder: MiniLMEmbeddingFunction
) -> None:
    from simenv.tasks import TaskInfo
    from tests.memory.memory_fakes import FAKE_SEEDS

    infos = [
        TaskInfo(name, d, Path(tmp_path / f"{name}.py"), object, a)
        for name, (d, a) in FAKE_SEEDS.items()
    ]
    for info in infos:
        info.path.write_text(f"class X(Task):\n    '''{info.description}'''\n")
    first = TaskMemory.open(tmp_path / "ws", embedding_function=embedder, seed_tasks=lambda: infos)
    assert first.count() == len(infos)
    before = {r.id: r for r in first.list()}
    again = reopen(tmp_path / "ws", embedder)
    assert {r.id: r for r in again.list()} == before
    assert again.search("move rings between pegs", k=1)[0].record.name == "towers-of-hanoi"
    assert again.check().drift == []
    assert (tmp_path / "ws" / "memory" / "chroma.sqlite3").exists()


def test_a_writer_killed_mid_write_leaves_a_consistent_library(
    tmp_path: Path, embedder: MiniLMEmbeddingFunction
) -> None:
    workspace = tmp_path / "ws"
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(workspace)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )
    assert child.stdout is not None
    acknowledged = -1
    deadline = time.monotonic() + 90
    try:
        while acknowledged < 15 and time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                pytest.fail(f"writer died: {child.stderr.read() if child.stderr else ''}")
            acknowledged = int(line)
        time.sleep(0.037)  # land the kill somewhere inside the next round of writes
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert acknowledged >= 15, "the writer was too slow to test anything"

    memory = reopen(workspace, embedder)
    names = set(memory.names())
    for i in range(acknowledged + 1):  # every acknowledged write survived the kill
        assert {f"task-{i}-0", f"task-{i}-2"} <= names
        assert f"task-{i}-1" not in names
    memory.check(repair=True)
    assert memory.check().drift == []
    for record in memory.list():  # every record readable, every file matches its record
        assert memory.code_file(record).read_text() == record.code
    assert memory.search("a tower of blocks", k=3)
    after = TaskRecord.create(  # and the library still takes writes
        name="after-the-crash",
        description="Line up the blocks.",
        code='class After(Task):\n    """Line up the blocks."""\n',
        origin=Origin.GENERATED,
    )
    assert memory.add(after).outcome is AddOutcome.ADDED
