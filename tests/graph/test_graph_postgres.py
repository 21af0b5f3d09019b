"""``--checkpoint-url postgresql://...``: a run checkpointed in a PostgreSQL server (one the
test starts on 127.0.0.1) finishes, and the same thread run again continues from there."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from graph.context import Context
from graph.run import run

pytestmark = pytest.mark.integration


def postgres_bin(name: str) -> str:
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))), None
    )
    if found is None:
        pytest.fail(
            f"{name} not found: `make test` installs PostgreSQL (apt-get install postgresql)"
        )
    return found


def as_server_user(argv: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: drop to nobody when the tests run as root."""
    if os.geteuid() != 0:
        return argv
    return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *argv]


@pytest.fixture
def postgres_url() -> Iterator[str]:
    # Not pytest's tmp_path: its parent is root's alone, and the server runs as nobody.
    folder = Path(tempfile.mkdtemp(prefix="simgen-pg-"))
    data, sockets = folder / "pgdata", folder / "pgsock"
    data.mkdir()
    sockets.mkdir()
    if os.geteuid() == 0:
        os.chmod(folder, 0o755)
        shutil.chown(data, "nobody", "nogroup")
        shutil.chown(sockets, "nobody", "nogroup")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subprocess.run(
        as_server_user([postgres_bin("initdb"), "-D", str(data), "-U", "simgen", "--auth=trust"]),
        check=True,
        capture_output=True,
    )
    options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={sockets}"
    pg_ctl = postgres_bin("pg_ctl")
    subprocess.run(
        as_server_user(
            [pg_ctl, "-D", str(data), "-o", options, "-w", "-l", str(data / "log"), "start"]
        ),
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://simgen@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            as_server_user([pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"]),
            capture_output=True,
        )


def test_run_checkpointed_in_postgres(postgres_url: str, workspace: Path) -> None:
    context = Context(workspace=str(workspace), episodes=2)
    first = run(1, context=context, thread="pg-run", checkpoint_url=postgres_url)
    assert first["status"] == "done" and len(first["accepted"]) == 1
    assert not (workspace / "runs" / "checkpoints.sqlite").exists()
    with psycopg.connect(postgres_url) as conn:
        rows = conn.execute(
            "select count(*) from checkpoints where thread_id = 'pg-run'"
        ).fetchone()
    assert rows is not None and rows[0] > 0
    again = run(1, context=context, thread="pg-run", checkpoint_url=postgres_url)
    assert again["accepted"] == first["accepted"]


def test_a_url_that_is_not_postgres_is_refused(workspace: Path) -> None:
    with pytest.raises(ValueError, match="postgresql://"):
        run(1, context=Context(workspace=str(workspace)), checkpoint_url="mysql://x")
