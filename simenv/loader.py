"""Loading a task program: from source text to one ``Task`` subclass.

Each step raises ``TaskLoadError`` carrying the validation stage it belongs to, so that the
validator (in-process now, in a sandboxed child later) reports where a program broke.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import inspect
import sys
import traceback
from pathlib import Path
from types import ModuleType

from simenv.compat import cliport_aliases
from simenv.report import Stage
from simenv.task import Task


class TaskLoadError(Exception):
    """A task program that could not be loaded; ``stage`` says where it broke."""

    def __init__(self, stage: Stage, message: str, trace: str | None = None) -> None:
        super().__init__(message)
        self.stage = stage
        self.trace = trace


def trimmed_traceback(exc: BaseException, source_file: str | Path) -> str:
    """The traceback frames that belong to the task file, plus the exception line.

    Frames inside simenv or the standard library are noise for the task's author; where the
    task file has no frame at all (an error raised before its code ran), the last frame stays.
    """
    source = str(Path(source_file).resolve())
    frames = traceback.extract_tb(exc.__traceback__)
    own = [f for f in frames if str(Path(f.filename).resolve()) == source] or frames[-1:]
    lines = traceback.format_list(own)
    lines += traceback.format_exception_only(type(exc), exc)
    return "".join(lines).rstrip()


def parse_source(source: str, filename: str) -> ast.Module:
    try:
        return ast.parse(source, filename=filename)
    except SyntaxError as exc:
        raise TaskLoadError(
            Stage.PARSE,
            f"Syntax error in {Path(filename).name} line {exc.lineno}: {exc.msg}. "
            f"Offending line: {(exc.text or '').strip()!r}. Fix the Python syntax.",
            "".join(traceback.format_exception_only(type(exc), exc)).rstrip(),
        ) from exc


def module_name_for(path: Path, source: str) -> str:
    digest = hashlib.sha256(source.encode()).hexdigest()[:12]
    return f"simgen_task_{path.stem.replace('-', '_')}_{digest}"


def import_task_module(path: Path, source: str) -> ModuleType:
    """Execute the task file as a fresh module (with ``cliport.*`` aliases available)."""
    cliport_aliases()
    name = module_name_for(path, source)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise TaskLoadError(Stage.IMPORT, f"Cannot import {path}: not a Python file.")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        sys.modules.pop(name, None)
        raise TaskLoadError(
            Stage.IMPORT,
            f"Importing {path.name} failed: {type(exc).__name__}: {exc}. Task files may import numpy, "
            "random, math, pybullet and the task API (cliport.tasks.task, cliport.utils.utils, "
            "cliport.tasks.primitives) only.",
            trimmed_traceback(exc, path),
        ) from exc
    return module


def find_task_class(module: ModuleType, path: Path) -> type[Task]:
    """The one Task subclass the file defines."""
    classes = [
        obj
        for _, obj in inspect.getmembers(module, inspect.isclass)
        if issubclass(obj, Task) and obj is not Task and obj.__module__ == module.__name__
    ]
    if not classes:
        raise TaskLoadError(
            Stage.IMPORT,
            f"{path.name} defines no Task subclass. Define exactly one class that subclasses Task "
            "(from cliport.tasks.task import Task).",
        )
    if len(classes) > 1:
        names = ", ".join(sorted(c.__name__ for c in classes))
        raise TaskLoadError(
            Stage.IMPORT,
            f"{path.name} defines {len(classes)} Task subclasses ({names}); define exactly one task "
            "class per file (helpers may be plain functions or classes that do not subclass Task).",
        )
    return classes[0]


def load_task_class(path: str | Path) -> type[Task]:
    """Parse, import and return the task class of a task file."""
    path = Path(path).resolve()
    try:
        source = path.read_text()
    except (OSError, UnicodeDecodeError) as exc:
        raise TaskLoadError(Stage.PARSE, f"Cannot read task file {path}: {exc}.") from exc
    parse_source(source, str(path))
    module = import_task_module(path, source)
    return find_task_class(module, path)
