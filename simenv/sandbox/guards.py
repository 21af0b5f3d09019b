"""Runtime guards inside the validation child: a Python audit hook (PEP 578).

The static check sees only the text of a program; a program can still reach ``os`` through an
object it was handed. The audit hook sees what the interpreter actually does (opens a file for
writing, starts a process, opens a socket, loads a native library) and refuses what a task
never needs, with a message that names the operation. It cannot be removed from Python code
once installed. It is the second of three layers: the operating-system limits in
``isolation.py`` hold even where both Python layers are bypassed (native code, a segfault).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import Any

WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND

#: Operations a task program never needs, by audit event name -> what to say. Frame access
#: (``sys._getframe``, ``object.__getattr__`` on tracebacks) stays allowed: the standard library
#: (namedtuple, warnings, traceback formatting) needs it, and the static check rejects it in
#: task code.
BLOCKED_EVENTS: dict[str, str] = {
    "os.system": "running shell commands",
    "subprocess.Popen": "starting processes",
    "os.exec": "executing programs",
    "os.posix_spawn": "starting processes",
    "os.spawn": "starting processes",
    "os.fork": "forking processes",
    "os.forkpty": "forking processes",
    "os.kill": "sending signals",
    "os.killpg": "sending signals",
    "pty.spawn": "starting processes",
    "socket.__new__": "opening network sockets",
    "socket.connect": "connecting to the network",
    "socket.bind": "listening on the network",
    "socket.getaddrinfo": "resolving network names",
    "socket.gethostbyname": "resolving network names",
    "urllib.Request": "network requests",
    "ctypes.dlopen": "loading native libraries",
    "ctypes.dlsym": "calling native code",
    "ctypes.string_at": "reading raw memory",
    "ctypes.wstring_at": "reading raw memory",
    "ctypes.addressof": "reading raw memory",
    "ctypes.cdata": "reading raw memory",
    "ctypes.call_function": "calling native code",
    "os.symlink": "creating links",
    "os.link": "creating links",
    "os.chown": "changing file owners",
    "sys.addaudithook": "installing audit hooks",
    "sys.setprofile": "installing profilers",
    "sys.settrace": "installing tracers",
    "function.__new__": "building functions from code objects",
    "code.__new__": "building code objects",
    "builtins.input": "reading input",
    "webbrowser.open": "opening a browser",
}
#: Path-taking events: allowed only inside the writable folders.
PATH_EVENTS = frozenset(
    {
        "os.remove",
        "os.rmdir",
        "os.mkdir",
        "os.rename",
        "os.chmod",
        "os.truncate",
        "os.utime",
        "shutil.rmtree",
        "shutil.move",
        "shutil.copyfile",
        "os.chdir",
        "os.chroot",
    }
)


class SandboxViolation(PermissionError):
    """Raised inside the child when task code attempts a blocked operation."""


def _is_within(path: str, folders: tuple[str, ...]) -> bool:
    return any(path == f or path.startswith(f + os.sep) for f in folders)


class AuditGuard:
    """The audit hook. ``armed`` is False while our own setup code runs, True for task code."""

    def __init__(self, writable: Iterable[str]) -> None:
        self.writable = tuple(os.path.realpath(f) for f in writable)
        self.armed = False

    def _deny(self, what: str, detail: str = "") -> None:
        suffix = f" ({detail})" if detail else ""
        raise SandboxViolation(
            f"The sandbox blocked {what}{suffix}: task code may only build the scene with the "
            "task API, and may not touch files outside its scratch folder, processes or the "
            "network."
        )

    def _resolve(self, path: Any) -> str | None:
        if isinstance(path, int):
            return None  # an already open descriptor
        try:
            text = os.fsdecode(os.fspath(path))
        except TypeError:
            return None
        return os.path.normpath(os.path.join(os.getcwd(), text))

    def __call__(self, event: str, args: tuple[Any, ...]) -> None:
        if not self.armed:
            return
        if event in BLOCKED_EVENTS:
            self._deny(BLOCKED_EVENTS[event], event)
        elif event == "open":
            path, mode, flags = (tuple(args) + (None, None, None))[:3]
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & WRITE_FLAGS
            )
            resolved = self._resolve(path)
            if writing and resolved is not None and not _is_within(resolved, self.writable):
                self._deny("writing a file outside the scratch folder", resolved)
        elif event in PATH_EVENTS:
            for arg in args[:2]:
                resolved = (
                    self._resolve(arg) if isinstance(arg, str | bytes | os.PathLike) else None
                )
                if resolved is not None and not _is_within(resolved, self.writable):
                    self._deny("changing files outside the scratch folder", f"{event} {resolved}")


def install(writable: Iterable[str]) -> AuditGuard:
    """Install the hook (disarmed) for the rest of this process; arm it before task code runs."""
    guard = AuditGuard(writable)
    sys.addaudithook(guard)
    return guard
