"""One scratch folder per process for files the simulator writes (filled templates, the arm).

It is made on first use, not at import, so importing the task API touches no disk, and it is
removed when the process that made it exits. A forked child (the sandbox forks validations)
gets a folder of its own on first use: the parent's may be read-only there, and the child must
never delete what its parent still uses.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

_FOLDERS: dict[int, Path] = {}


def _remove(pid: int) -> None:
    if os.getpid() == pid and pid in _FOLDERS:
        shutil.rmtree(_FOLDERS.pop(pid), ignore_errors=True)


def scratch_dir() -> Path:
    """This process's scratch folder, created (under ``tempfile.gettempdir()``) on first call."""
    pid = os.getpid()
    folder = _FOLDERS.get(pid)
    if folder is None or not folder.is_dir():
        folder = Path(tempfile.mkdtemp(prefix="simgen-"))
        _FOLDERS[pid] = folder
        atexit.register(_remove, pid)
    return folder


def write_scratch_file(text: str, prefix: str, suffix: str) -> Path:
    """Write ``text`` to a new uniquely named file in the scratch folder; returns its path."""
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=scratch_dir())
    with open(fd, "w") as handle:
        handle.write(text)
    return Path(name)
