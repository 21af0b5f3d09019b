"""Task files on disk: crash-safe writes, and the library's view of a task file.

Writes go to a temporary file in the same folder, are fsync'ed, then renamed over the target
(`os.replace` is atomic on POSIX), so a process killed mid-write leaves either the old file or the
new one, never half of one. A leftover temporary file is harmless; `check --repair` deletes it.

Reading a task file (its name, class, description and assets, with `ast` only: the code is
untrusted) is `simenv.taskfile`'s, the one reader the seed registry and the loader use too, so
an imported copy of a seed task reads exactly as the seed does. The library adds what it needs
on top: a name that is a valid record name, a description (the class docstring) to retrieve
the task by, and its own error type (`TaskFileError`).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from memory.errors import TaskFileError
from memory.records import content_hash, validate_task_name
from simenv.assets import find_asset_references
from simenv.taskfile import (
    AssetFinder,
    TaskFile,
    parse_task_source,
    read_source,
    task_name_from_path,
)
from simenv.validation_report import Stage, StageFailure

TEMP_PREFIX = ".tmp-"
ORPHANS_DIRNAME = "orphans"


def atomic_write_text(path: Path, text: str) -> None:
    """Write `text` to `path` so that a crash leaves the old content or the new, never a mix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    """Make a rename durable: fsync the folder entry (no-op where unsupported)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def file_hash(path: Path) -> str:
    """The content hash of a task file, comparable with a record id."""
    return content_hash(path.read_text(encoding="utf-8", errors="surrogateescape"))


@dataclass(frozen=True)
class TaskSource:
    """What the library needs from a task file: its name, description, assets and code."""

    name: str
    description: str
    assets: tuple[str, ...]
    code: str


def _library_task(code: str, filename: str, find_assets: AssetFinder) -> TaskFile:
    """The task file as the reader sees it, with the library's own requirement: a description.

    The library describes and retrieves a task by its class docstring, so a task class without
    one is refused here (the reader itself allows it: a seed or debug task needs none to run).
    """
    try:
        task = parse_task_source(code, filename, find_assets)
    except StageFailure as exc:
        if exc.stage is Stage.PARSE:
            raise TaskFileError(f"{filename} is not valid Python: {exc}") from exc
        raise TaskFileError(str(exc)) from exc
    if not task.description:
        raise TaskFileError(
            f"{filename}: class {task.class_name} has no docstring. The library describes a task "
            "by its class docstring: add a one-paragraph description of what the robot must do."
        )
    return task


def task_description(code: str, *, filename: str = "<task>") -> str:
    """The first paragraph of the Task subclass's docstring, on one line (the reader's rule,
    ``simenv.taskfile``), or ``TaskFileError`` when the class has none."""
    return _library_task(code, filename, find_asset_references).description


def default_asset_finder() -> AssetFinder:
    """The asset finder the library uses unless a caller (a test) passes its own."""
    return find_asset_references


def read_task_source(
    path: Path, *, name: str | None = None, find_assets: AssetFinder | None = None
) -> TaskSource:
    """Read a task file: name (given, or from the file name), description, assets, code."""
    try:
        code = read_source(path)
    except StageFailure as exc:
        raise TaskFileError(str(exc)) from exc
    task_name = name or task_name_from_path(path)
    try:
        validate_task_name(task_name)
    except ValueError as exc:
        raise TaskFileError(str(exc)) from exc
    task = _library_task(code, str(path), find_assets or default_asset_finder())
    return TaskSource(name=task_name, description=task.description, assets=task.assets, code=code)
