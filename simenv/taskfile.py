"""Reading a task file without running it: its Task class, name, description and assets.

One reader for everyone who needs these facts (the seed registry, the loader, the task library),
so they cannot disagree about which class is the task or how a file name becomes a task name.
It reads the source with ``ast`` only: task code is untrusted and is not imported to learn
its docstring.

- name: the file name with dashes, lower-case (``place_red_in_green.py`` -> ``place-red-in-green``);
- class: the one top-level class deriving from ``Task`` (directly, through an import alias
  such as ``from cliport.tasks.task import Task as T``, or through another task class of the
  same file); none, or more than one, is an error;
- description: the first paragraph of that class's docstring, on one line ("" without one);
- assets: the existing asset paths that the source names (``simenv.assets.find_asset_references``).

Where the task library once had rules of its own, these are the ones kept: the base class is
found through import aliases and same-file task classes (GenSim files write
``from cliport.tasks.task import Task``; a suffix rule such as "a base named ``*Task``" would
take any helper class for the task), and a file must define exactly one task class, because the
loader has to know which class to run. Every failure is a ``StageFailure`` at the parse or
import stage; reading the file's bytes (``read_source``) is the one place that reports a file
that cannot be read.
"""

from __future__ import annotations

import ast
import inspect
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from simenv.assets import find_asset_references
from simenv.validation_report import Stage, StageFailure

TASK_BASE = "Task"
#: Where a task file's author reads what a task file is (named in the errors below).
TASK_API_PAGE = "simenv/docs/task-api.md"

#: Finds the asset paths a task's source names (``find_asset_references``; tests pass a fake).
AssetFinder = Callable[[str], list[str]]


@dataclass(frozen=True)
class TaskFile:
    """What a task file says about itself, read without running it."""

    name: str
    class_name: str
    description: str
    assets: tuple[str, ...]
    source: str
    path: Path | None = None


def task_name_from_path(path: str | Path) -> str:
    """``place_red_in_green.py`` -> ``place-red-in-green`` (the registry's naming rule)."""
    return Path(path).stem.replace("_", "-").lower()


def parse_source(source: str, filename: str) -> ast.Module:
    """The syntax tree, or a parse-stage error naming the line and what is wrong there."""
    try:
        return ast.parse(source, filename=filename)
    except SyntaxError as exc:
        raise StageFailure(
            Stage.PARSE,
            f"Syntax error in {Path(filename).name} line {exc.lineno}: {exc.msg}. "
            f"Offending line: {(exc.text or '').strip()!r}. Fix the Python syntax.",
            "".join(traceback.format_exception_only(type(exc), exc)).rstrip(),
        ) from exc


def _base_aliases(tree: ast.Module) -> set[str]:
    """Names the file binds to the task base class (``Task``, or ``T`` in ``import Task as T``)."""
    names = {TASK_BASE}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names.update(a.asname for a in node.names if a.name == TASK_BASE and a.asname)
    return names


def _base_name(base: ast.expr) -> str | None:
    if isinstance(base, ast.Name):
        return base.id
    if isinstance(base, ast.Attribute):
        return base.attr
    return None


def task_classes(tree: ast.Module) -> list[ast.ClassDef]:
    """Top-level classes deriving from Task, directly or through a task class defined above."""
    known = _base_aliases(tree)
    found: list[ast.ClassDef] = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and any(_base_name(b) in known for b in node.bases):
            found.append(node)
            known.add(node.name)
    return found


def find_task_class(tree: ast.Module, filename: str) -> ast.ClassDef:
    """The one Task subclass of the file, or an import-stage error saying how to fix the file."""
    classes = task_classes(tree)
    name = Path(filename).name
    if not classes:
        raise StageFailure(
            Stage.IMPORT,
            f"{name} defines no Task subclass. Define exactly one class that subclasses Task "
            f"(from cliport.tasks.task import Task); see {TASK_API_PAGE}.",
        )
    if len(classes) > 1:
        names = ", ".join(sorted(c.name for c in classes))
        raise StageFailure(
            Stage.IMPORT,
            f"{name} defines {len(classes)} Task subclasses ({names}); define exactly one task "
            "class per file (helpers may be plain functions or classes that do not subclass Task).",
        )
    return classes[0]


def first_paragraph(docstring: str | None) -> str:
    """The first paragraph of a docstring, on one line."""
    return inspect.cleandoc(docstring or "").split("\n\n")[0].replace("\n", " ").strip()


def parse_task_source(
    source: str, filename: str = "<task>", find_assets: AssetFinder = find_asset_references
) -> TaskFile:
    """Read a task program's text: its class, name (from ``filename``), description, assets."""
    tree = parse_source(source, filename)
    cls = find_task_class(tree, filename)
    return TaskFile(
        name=task_name_from_path(filename),
        class_name=cls.name,
        description=first_paragraph(ast.get_docstring(cls)),
        assets=tuple(find_assets(source)),
        source=source,
        path=Path(filename) if filename != "<task>" else None,
    )


def read_source(path: str | Path) -> str:
    """A task file's text, or a parse-stage error saying why it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise StageFailure(Stage.PARSE, f"No such task file: {path}.") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise StageFailure(Stage.PARSE, f"Cannot read task file {path}: {exc}.") from exc


def read_task_file(path: str | Path, find_assets: AssetFinder = find_asset_references) -> TaskFile:
    """Read a task file from disk (see ``parse_task_source`` and ``read_source``)."""
    return parse_task_source(read_source(path), str(path), find_assets)
