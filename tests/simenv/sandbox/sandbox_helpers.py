"""Shared helpers for the sandbox tests: rendering corpus files, running them as the
unprivileged user, finding processes left behind."""

from __future__ import annotations

import ctypes
import os
import shutil
import socket
import stat
import sys
import sysconfig
import tempfile
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import simenv

HERE = Path(__file__).parent
CORPUS = HERE / "corpus"
REPO = Path(__file__).resolve().parents[3]
PR_SET_CHILD_SUBREAPER = 36
#: ``nobody`` and its group (``nogroup`` on Debian, ``nobody`` elsewhere): by number, not name.
NOBODY = 65534
#: Root's home, often 0700, where pyenv or uv keep the interpreter: runs as ``nobody`` see an
#: empty 0755 folder there with only the interpreter, the venv and the checkout bound back in.
PRIVATE_HOME = Path("/root")


@dataclass
class Stage:
    """A temporary world for one attack: markers it must not create, a secret it must not read.

    It lives in a folder of its own under the system's temporary folder (pytest's is private
    to root), so that ``nobody`` can read the task file and would be able to write the markers
    if the sandbox let it."""

    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="simgen-attack-")))
    tag: str = field(default_factory=lambda: uuid.uuid4().hex)
    #: Shared by the stages of one run of many attacks: it is also in that run's environment.
    secret: str = ""

    def __post_init__(self) -> None:
        self.root.chmod(0o755)
        self.markers = self.root / "markers"
        self.markers.mkdir()
        self.markers.chmod(0o777)  # so that only the sandbox, not file modes, stops a write
        self.secret = self.secret or f"simgen-secret-{self.tag}"
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


def shared_folder(prefix: str) -> Path:
    """A new temporary folder every user may write (outputs, HOME and caches of a run as
    ``nobody``, who may write nowhere else)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    folder.chmod(0o777)
    return folder


def _private_paths() -> list[Path]:
    """What a run as ``nobody`` needs from under root's home: the interpreter, the venv and
    the checkout, where they live there."""
    needed = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), REPO}
    return sorted(p for p in needed if p.is_relative_to(PRIVATE_HOME))


def unprivileged_prefix() -> list[str]:
    """A command prefix that runs a command as ``nobody`` with no capabilities (from root).

    Root's home is usually closed to others and the interpreter may live there (pyenv, uv):
    an outer bwrap, run as root, shows the same file system with that folder replaced by an
    empty 0755 one into which only what ``_private_paths`` names is bound again. Elsewhere
    the file modes are the machine's, which ``blocked_for_nobody`` checks first.
    """
    binds: list[str] = []
    private = _private_paths()
    if private:
        binds += ["--perms", "0755", "--tmpfs", str(PRIVATE_HOME)]
        for path in private:
            for parent in reversed(path.parents):
                if parent.is_relative_to(PRIVATE_HOME) and parent != PRIVATE_HOME:
                    binds += ["--perms", "0755", "--dir", str(parent)]
            binds += ["--bind", str(path), str(path)]
    drop = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    drop += ["--inh-caps=-all", "--bounding-set=-all", "--"]
    return [*(["bwrap", "--dev-bind", "/", "/", *binds, "--"] if binds else []), *drop]


def nobody_needs() -> list[Path]:
    """What a validation run as ``nobody`` opens of this machine's files: the checkout (the
    ``simenv`` these tests import, installed editable, and these tests), the interpreter and
    its standard library, the venv's packages, the temporary folder of the attacks' files."""
    return [
        Path(simenv.__file__),
        HERE / "validate_files.py",
        HERE / "sandbox_helpers.py",
        Path(sys.executable),
        Path(sys.executable).resolve(),
        Path(sysconfig.get_paths()["stdlib"]) / "os.py",
        Path(sysconfig.get_paths()["purelib"]),
        Path(tempfile.gettempdir()),
    ]


def _class_of(info: os.stat_result) -> tuple[str, int]:
    """Which of a file's permission classes applies to ``nobody`` (its own group only), as
    chmod names it and as the shift of its bits; access control lists are not looked at."""
    if info.st_uid == NOBODY:
        return "u", 6
    if info.st_gid == NOBODY:
        return "g", 3
    return "o", 0


def _rebound(path: Path, private: list[Path]) -> bool:
    """Whether the outer bwrap makes ``path`` a 0755 folder: root's home itself, or a folder
    under it on the way to a path bound back in."""
    if not private or not path.is_relative_to(PRIVATE_HOME):
        return False
    return path == PRIVATE_HOME or any(p.is_relative_to(path) and p != path for p in private)


def blocked_for_nobody(paths: Iterable[Path], private: list[Path] | None = None) -> list[str]:
    """Why ``nobody`` cannot reach each of ``paths`` (empty: it can), each with its fix.

    Every folder on the way must let nobody enter (x), the last one also be listed (r), a
    file be read (r); the way is checked as written and with links resolved. ``private``
    are the paths under root's home that the outer bwrap of ``unprivileged_prefix`` binds
    back in (it makes the folders above them 0755 itself)."""
    private = _private_paths() if private is None else private
    problems: dict[Path, str] = {}  # one message per blocking step, naming its first target
    for target in paths:
        for way in dict.fromkeys([Path(os.path.abspath(target)), target.resolve()]):
            found = _first_block(target, way, private)
            if found is not None:
                problems.setdefault(*found)
                break
    return list(problems.values())


def _first_block(target: Path, way: Path, private: list[Path]) -> tuple[Path, str] | None:
    """The first step of ``way`` (to ``target``) that ``nobody`` may not take, and why."""
    for step in [*reversed(way.parents), way]:
        if _rebound(step, private):
            continue
        hidden = not any(step.is_relative_to(p) for p in private)
        if private and step.is_relative_to(PRIVATE_HOME) and hidden:
            shown = ", ".join(map(str, private))
            return step, (
                f"the attack runs as nobody (uid {NOBODY}) cannot reach {target}: it is "
                f"under {PRIVATE_HOME}, where they see only {shown}; move it elsewhere"
            )
        try:
            info = step.lstat()
        except FileNotFoundError:
            return None  # nothing there to reach
        if stat.S_ISLNK(info.st_mode):
            continue  # a link's own mode means nothing; the resolved way is checked too
        need, fix = (1, "x")
        if step == way:
            need, fix = (5, "rx") if stat.S_ISDIR(info.st_mode) else (4, "r")
        who, shift = _class_of(info)
        if info.st_mode >> shift & need != need:
            return step, (
                f"the attack runs as nobody (uid {NOBODY}) cannot reach {target}: {step} is "
                f"{stat.filemode(info.st_mode)} (owner {info.st_uid}:{info.st_gid}); run "
                f"`chmod {who}+{fix} {step}`, or keep it where every user may enter"
            )
    return None


def as_unprivileged_user() -> bool:
    """Whether these tests already run unprivileged: then they run the attacks directly."""
    return os.geteuid() != 0


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
