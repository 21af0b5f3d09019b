"""Shared helpers for the sandbox tests: rendering corpus files, finding leftover processes."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).parent / "corpus"
REPO = Path(__file__).resolve().parents[3]


@dataclass
class Rendered:
    """A corpus file written for one test, with the paths it would create if it escaped."""

    path: Path
    escapes: tuple[Path, ...]


def render(name: str, folder: Path, port: int = 9) -> Rendered:
    """Fill the corpus template's tokens with paths unique to this test run."""
    tag = uuid.uuid4().hex
    escapes = (Path(f"/tmp/simgen-escape-{tag}"), REPO / f"simgen-escape-{tag}")
    # A corpus file that is not valid Python is stored as .py.txt, so linters leave it alone.
    template = CORPUS / f"{name}.py"
    if not template.exists():
        template = CORPUS / f"{name}.py.txt"
    source = template.read_text()
    source = source.replace("__ESCAPE__", str(escapes[0]))
    source = source.replace("__REPO_ESCAPE__", str(escapes[1]))
    source = source.replace("__PORT__", str(port))
    path = folder / f"{name}.py"
    path.write_text(source)
    return Rendered(path, escapes)


def _stat(pid: str) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    return raw[raw.rfind(b")") + 2 :].decode().split()


def processes_in_session(session: int) -> list[int]:
    """Live (non-zombie) processes whose session id is ``session`` (each job has its own)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(entry)
            if fields and fields[0] != "Z" and int(fields[3]) == session:
                found.append(int(entry))
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
