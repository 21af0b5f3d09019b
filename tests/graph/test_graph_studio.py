"""``langgraph dev`` serves the graph that ``langgraph.json`` names (what LangGraph Studio
talks to); a run started through its HTTP API completes and commits a task."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from langgraph_sdk import get_sync_client

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def studio_server(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    langgraph = Path(sys.executable).with_name("langgraph")
    log = (tmp_path / "langgraph-dev.log").open("w")
    proc = subprocess.Popen(
        [
            str(langgraph),
            "dev",
            "--no-browser",
            "--no-reload",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env={**os.environ, "LANGGRAPH_CLI_NO_ANALYTICS": "1"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert proc.poll() is None, (tmp_path / "langgraph-dev.log").read_text()
            try:
                if httpx.get(f"{url}/ok", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            pytest.fail(
                "langgraph dev did not start: " + (tmp_path / "langgraph-dev.log").read_text()
            )
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def test_a_run_through_the_langgraph_server(studio_server: str, workspace: Path) -> None:
    client = get_sync_client(url=studio_server)
    assert [a["graph_id"] for a in client.assistants.search()] == ["simgen"]
    thread = client.threads.create()
    run = client.runs.create(
        thread["thread_id"],
        "simgen",
        input={"n_tasks": 1, "mode": "explore", "target": None},
        context={"workspace": str(workspace), "episodes": 2},
    )
    final = client.runs.join(thread["thread_id"], run["run_id"])
    (task,) = final["summary"]["accepted"]
    assert Path(task["path"]).is_file() and Path(task["picture"]).is_file()
    assert final["summary"]["thread"] == thread["thread_id"]
