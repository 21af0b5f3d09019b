"""One scratch folder per process for files the simulator writes (filled templates, the arm).

It is made on first use, not at import, so importing the task API touches no disk, and it is
removed when the process that made it exits. A forked child (the sandbox forks validations)
gets a folder of its own on first use: the parent's may be read-only there, and the child must
never delete what its parent still uses.

A killed process cannot remove its folder, so every folder a process makes under the temporary
directory is named ``simgen-<kind>-<pid>...`` or ``simgen-<pid>-...``: the owner's id in the
name lets the next process remove what a dead one left behind (``sweep_stale_folders``).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

#: Scratch folders are ``<tmp>/simgen-<pid>-<random>``.
SCRATCH_PREFIX = "simgen-"

_FOLDERS: dict[int, Path] = {}


def _remove(pid: int) -> None:
    if os.getpid() == pid and pid in _FOLDERS:
        shutil.rmtree(_FOLDERS.pop(pid), ignore_errors=True)


def _owner_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process, or a sandbox that may not ask: keep it
    return True


def sweep_stale_folders(parent: Path, prefix: str) -> None:
    """Remove ``parent/<prefix><pid>...`` folders whose owner process no longer runs (a
    killed run cannot clean up after itself; the next one does). Names whose part after
    ``prefix`` does not start with a process id are left alone."""
    try:
        entries = list(parent.glob(f"{prefix}*"))
    except OSError:
        return
    for entry in entries:
        owner = entry.name[len(prefix) :].split("-", 1)[0]
        if owner.isdigit() and int(owner) != os.getpid() and not _owner_alive(int(owner)):
            shutil.rmtree(entry, ignore_errors=True)


#: (process id, folder, prefix) already swept: sweeping lists the whole temp folder, so a
#: process does it once per prefix, not once per scene.
_SWEPT: set[tuple[int, str, str]] = set()


def sweep_stale_folders_once(parent: Path, prefix: str) -> None:
    """``sweep_stale_folders``, the first time this process asks for ``parent`` and ``prefix``."""
    key = (os.getpid(), str(parent), prefix)
    if key not in _SWEPT:
        _SWEPT.add(key)
        sweep_stale_folders(parent, prefix)


def scratch_dir() -> Path:
    """This process's scratch folder, created (under ``tempfile.gettempdir()``) on first call;
    folders of dead processes are swept then."""
    pid = os.getpid()
    folder = _FOLDERS.get(pid)
    if folder is None or not folder.is_dir():
        parent = Path(tempfile.gettempdir())
        sweep_stale_folders(parent, SCRATCH_PREFIX)
        folder = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{pid}-", dir=parent))
        _FOLDERS[pid] = folder
        atexit.register(_remove, pid)
    return folder


def write_scratch_file(text: str, prefix: str, suffix: str) -> Path:
    """Write ``text`` to a new uniquely named file in the scratch folder; returns its path."""
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=scratch_dir())
    with open(fd, "w") as handle:
        handle.write(text)
    return Path(name)
