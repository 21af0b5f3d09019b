"""A library shared through a `chroma run` server (HttpClient), as several machines would use it."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import chromadb
import pytest

from memory.client import chroma_settings
from memory.embedding import MiniLMEmbeddingFunction
from memory.library import TaskMemory
from simenv.tasks import TaskInfo

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def chroma_executable() -> str:
    beside_python = Path(sys.executable).with_name("chroma")
    found = str(beside_python) if beside_python.exists() else shutil.which("chroma")
    if not found:
        pytest.fail("the `chroma` command (from the chromadb package) is not installed")
    return found


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start `chroma run` on a free port, wait for its heartbeat, stop it afterwards."""
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    log = (data / "server.log").open("w")
    server = subprocess.Popen(
        [
            chroma_executable(),
            "run",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--path",
            str(data / "db"),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                chromadb.HttpClient(
                    host="127.0.0.1", port=port, settings=chroma_settings()
                ).heartbeat()
                break
            except Exception:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        f"chroma run did not start: {(data / 'server.log').read_text()[-2000:]}"
                    )
                time.sleep(0.25)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        log.close()


def test_two_workspaces_share_one_server_library(
    chroma_url: str, tmp_path: Path, embedder: MiniLMEmbeddingFunction, seed_infos: list[TaskInfo]
) -> None:
    machine_a = TaskMemory.open(
        tmp_path / "a", chroma_url, embedding_function=embedder, seed_tasks=lambda: seed_infos
    )
    assert machine_a.count() == len(seed_infos)
    assert (
        machine_a.search("move the rings from peg to peg", k=1)[0].record.name == "towers-of-hanoi"
    )

    # A second machine: same server, its own (empty) workspace. Nothing is seeded twice.
    machine_b = TaskMemory.open(
        tmp_path / "b", chroma_url, embedding_function=embedder, seed_tasks=lambda: seed_infos
    )
    assert machine_b.count() == len(seed_infos)
    report = machine_b.check()
    assert report.counts() == {"missing_file": len(seed_infos)}
    assert machine_b.check(repair=True).repaired
    record = machine_b.get("align-rope")
    assert machine_b.code_file(record).read_text() == record.code

    machine_b.remove("align-rope")
    assert machine_a.find("align-rope") is None
    assert machine_a.check().counts() == {"orphan_file": 1, "unseeded": 1}
