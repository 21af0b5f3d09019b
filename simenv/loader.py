"""Loading a task program: from source text to one ``Task`` subclass.

Each step raises ``StageFailure`` carrying the validation stage it belongs to, so that the
validator reports where a program broke. Reading the file and finding which class is the task
are the task-file reader's (``simenv.taskfile``); what task code may import is the static
check's allow-list (``simenv.sandbox.static_check``), quoted when an import fails.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import traceback
from pathlib import Path
from types import ModuleType

from simenv.compat import cliport_aliases
from simenv.sandbox.static_check import ALLOWED_SUMMARY
from simenv.shims import task_builtins
from simenv.task import Task
from simenv.taskfile import TaskFile, parse_source, parse_task_source, read_source
from simenv.validation_report import Stage, StageFailure

__all__ = [
    "import_task_module",
    "load_task_class",
    "trimmed_traceback",
]


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


def module_name_for(path: Path, source: str) -> str:
    digest = hashlib.sha256(source.encode()).hexdigest()[:12]
    return f"simgen_task_{path.stem.replace('-', '_')}_{digest}"


def import_task_module(path: Path, source: str) -> ModuleType:
    """Execute the task file as a fresh module.

    ``cliport.*`` aliases are available, and the module's builtins answer ``import os`` and
    ``import IPython`` with the task-code shims (``simenv.shims``).
    """
    cliport_aliases()
    name = module_name_for(path, source)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise StageFailure(Stage.IMPORT, f"Cannot import {path}: not a Python file.")
    module = importlib.util.module_from_spec(spec)
    module.__dict__["__builtins__"] = task_builtins()
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        sys.modules.pop(name, None)
        raise StageFailure(
            Stage.IMPORT,
            f"Importing {path.name} failed: {type(exc).__name__}: {exc}. Task files may import "
            f"only {ALLOWED_SUMMARY}.",
            trimmed_traceback(exc, path),
        ) from exc
    return module


def task_class_of(module: ModuleType, info: TaskFile, path: Path) -> type[Task]:
    """The class the reader named, checked to be a Task subclass now that it exists."""
    cls = getattr(module, info.class_name, None)
    if not (isinstance(cls, type) and issubclass(cls, Task)):
        raise StageFailure(
            Stage.IMPORT,
            f"{path.name}: class {info.class_name} does not subclass Task once imported; "
            "derive it from Task (from cliport.tasks.task import Task).",
        )
    return cls


def load_task_class(path: str | Path) -> type[Task]:
    """Parse, import and return the task class of a task file.

    The file is imported before its class is looked for, so that an import error (the more
    basic fault) is what a file with both problems reports.
    """
    path = Path(path).resolve()
    source = read_source(path)
    parse_source(source, str(path))
    module = import_task_module(path, source)
    return task_class_of(module, parse_task_source(source, str(path)), path)
