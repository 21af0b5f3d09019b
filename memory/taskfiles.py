"""Task files on disk: crash-safe writes, and reading a task's name/description without running it.

Writes go to a temporary file in the same folder, are fsync'ed, then renamed over the target
(`os.replace` is atomic on POSIX), so a process killed mid-write leaves either the old file or the
new one, never half of one. A leftover temporary file is harmless; `check --repair` deletes it.

Reading a task file uses `ast` only: the code is untrusted and must not be imported just to learn
its docstring.
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from memory.errors import TaskFileError
from memory.records import content_hash, validate_task_name

TEMP_PREFIX = ".tmp-"
ORPHANS_DIRNAME = "orphans"

AssetFinder = Callable[[str], list[str]]


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


def task_name_from_path(path: Path) -> str:
    """`place_red_in_green.py` -> `place-red-in-green` (the registry's naming rule)."""
    return path.stem.replace("_", "-").lower()


@dataclass(frozen=True)
class TaskSource:
    """What the library needs from a task file: its name, description, assets and code."""

    name: str
    description: str
    assets: tuple[str, ...]
    code: str


def _is_task_base(base: ast.expr) -> bool:
    if isinstance(base, ast.Name):
        return base.id.endswith("Task")
    if isinstance(base, ast.Attribute):
        return base.attr.endswith("Task")
    return False


def task_description(code: str, *, filename: str = "<task>") -> str:
    """The first paragraph of the Task subclass's docstring, on one line.

    Same rule as the seed registry (`simenv.tasks`), so an imported copy of a seed task gets
    the same description as the seed itself.
    """
    try:
        tree = ast.parse(code, filename=filename)
    except SyntaxError as exc:
        raise TaskFileError(f"{filename} is not valid Python: {exc}") from exc
    classes = [
        node
        for node in tree.body
        if isinstance(node, ast.ClassDef) and any(_is_task_base(b) for b in node.bases)
    ]
    if not classes:
        raise TaskFileError(
            f"{filename} defines no Task subclass (a class deriving from `Task`); see TASK_API.md."
        )
    docstring = ast.get_docstring(classes[-1])
    if not docstring or not docstring.strip():
        raise TaskFileError(
            f"{filename}: class {classes[-1].name} has no docstring. The library describes a task "
            "by its class docstring: add a one-paragraph description of what the robot must do."
        )
    return inspect.cleandoc(docstring).split("\n\n")[0].replace("\n", " ").strip()


def default_asset_finder() -> AssetFinder:
    from simenv.assets import find_asset_references

    return find_asset_references


def read_task_source(
    path: Path, *, name: str | None = None, find_assets: AssetFinder | None = None
) -> TaskSource:
    """Read a task file: name (given, or from the file name), description, assets, code."""
    try:
        code = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise TaskFileError(f"No such task file: {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise TaskFileError(f"Cannot read task file {path}: {exc}") from exc
    task_name = name or task_name_from_path(path)
    try:
        validate_task_name(task_name)
    except ValueError as exc:
        raise TaskFileError(str(exc)) from exc
    finder = find_assets or default_asset_finder()
    return TaskSource(
        name=task_name,
        description=task_description(code, filename=str(path)),
        assets=tuple(finder(code)),
        code=code,
    )
