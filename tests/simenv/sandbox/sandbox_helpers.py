"""Shared helpers for the sandbox tests: rendering corpus files, running them as a user,
finding processes left behind."""

from __future__ import annotations

import ctypes
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).parent
CORPUS = HERE / "corpus"
REPO = Path(__file__).resolve().parents[3]
PR_SET_CHILD_SUBREAPER = 36


@dataclass
class Stage:
    """A temporary world for one attack: markers it must not create, a secret it must not read.

    It lives in a folder of its own under the system's temporary folder (pytest's is private
    to root), so that ``nobody`` can read the task file and would be able to write the markers
    if the sandbox let it."""

    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="simgen-attack-")))
    tag: str = field(default_factory=lambda: uuid.uuid4().hex)
    #: Processes below the test before the attack ran (not the attack's doing).
    before: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.root.chmod(0o755)
        self.markers = self.root / "markers"
        self.markers.mkdir()
        self.markers.chmod(0o777)  # so that only the sandbox, not file modes, stops a write
        self.secret = f"simgen-secret-{self.tag}"
        self.secret_file = self.root / "secret.txt"
        self.secret_file.write_text(self.secret + "\n")
        self.secret_file.chmod(0o644)
        self.repo_marker = REPO / f"simgen-escape-{self.tag}"

    def render(self, name: str, port: int) -> Path:
        source = (CORPUS / f"{name}.py").read_text()
        for token, value in {
            "__MARKERS__": str(self.markers),
            "__SECRET_FILE__": str(self.secret_file),
            "__REPO_MARKER__": str(self.repo_marker),
            "__PORT__": str(port),
        }.items():
            source = source.replace(token, value)
        path = self.root / f"{name}.py"
        path.write_text(source)
        path.chmod(0o644)
        return path

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        self.repo_marker.unlink(missing_ok=True)

    def escapes(self) -> list[Path]:
        return [*self.markers.iterdir(), *([self.repo_marker] if self.repo_marker.exists() else [])]


class LoopbackServer:
    """A TCP server on 127.0.0.1 that counts the connections it accepts."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.sock.close()


def become_subreaper() -> None:
    """Orphans of our descendants come back to us, so a process that escaped is found."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def user_command(as_nobody: bool) -> list[str]:
    """A prefix that runs a command as ``nobody`` (from root), with this Python reachable.

    The Python may live under /root (mode 0700): an outer bwrap, run as root, shows the same
    file system with /root replaced by an empty folder into which only the Python and this
    repository are bound again, then setpriv drops to nobody with no capabilities.
    """
    if not as_nobody:
        return []
    binds: list[str] = []
    private = [p for p in (Path(sys.base_prefix).resolve(), REPO) if p.is_relative_to("/root")]
    if private:
        binds += ["--perms", "0755", "--tmpfs", "/root"]
        for path in private:
            for parent in reversed(path.parents):
                if parent.is_relative_to("/root") and parent != Path("/root"):
                    binds += ["--perms", "0755", "--dir", str(parent)]
            binds += ["--bind", str(path), str(path)]
    drop = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    drop += ["--inh-caps=-all", "--bounding-set=-all"]
    return ["bwrap", "--dev-bind", "/", "/", *binds, "--", *drop, "--"]


def run_as(as_nobody: bool, argv: list[str], env: dict[str, str], timeout: float) -> str:
    """Run ``argv`` (as nobody if asked); its stdout and stderr together."""
    done = subprocess.run(
        [*user_command(as_nobody), *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd="/",
        timeout=timeout,
    )
    return done.stdout + "\n" + done.stderr


def _stat(pid: str) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    return raw[raw.rfind(b")") + 2 :].decode().split()


def describe(pids: list[int]) -> list[str]:
    """Command lines of processes, for an assertion message."""
    found = []
    for pid in pids:
        try:
            found.append(f"{pid}: {Path(f'/proc/{pid}/cmdline').read_bytes()!r}")
        except OSError:
            found.append(f"{pid}: gone")
    return found


def descendants_of(root: int) -> list[int]:
    """Every live process below ``root`` in the process tree."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(entry)
            if fields and fields[0] != "Z":
                parents[int(entry)] = int(fields[1])
    found = []
    for pid in parents:
        seen, cursor = set(), pid
        while cursor in parents and cursor not in seen:
            seen.add(cursor)
            cursor = parents[cursor]
            if cursor == root:
                found.append(pid)
                break
    return found
