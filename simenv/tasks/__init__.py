"""The seed task library: one module per task, found by name.

A task's name, description and assets are what the task-file reader (``simenv.taskfile``) finds
in its source, exactly as for a generated task: the name is the file name with dashes
(``place_red_in_green.py`` -> ``place-red-in-green``), as in Ravens / CLIPort, the description
the task class's docstring, and the assets the asset paths its source names.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from simenv.task import Task
from simenv.taskfile import read_task_file, task_name_from_path

TASKS_DIR = Path(__file__).parent


@dataclass(frozen=True)
class TaskInfo:
    """A registered seed task: what the library, the CLI and the tests need to know of it."""

    name: str
    description: str
    path: Path
    task_class: type = field(repr=False)
    assets: tuple[str, ...] = ()


class UnknownTaskError(KeyError):
    """A task name that is not registered; the message lists the close ones."""

    def __str__(self) -> str:
        return str(self.args[0])


def module_name_to_task_name(module: str) -> str:
    return task_name_from_path(module)


def task_name_to_module_name(name: str) -> str:
    return name.replace("-", "_")


@cache
def _registry() -> dict[str, TaskInfo]:
    tasks: dict[str, TaskInfo] = {}
    for mod in sorted(m.name for m in pkgutil.iter_modules([str(TASKS_DIR)])):
        if mod.startswith("_"):
            continue
        path = TASKS_DIR / f"{mod}.py"
        info = read_task_file(path)
        cls = getattr(importlib.import_module(f"{__name__}.{mod}"), info.class_name)
        if not (isinstance(cls, type) and issubclass(cls, Task)):
            raise RuntimeError(f"{path}: {info.class_name} is not a Task subclass")
        tasks[info.name] = TaskInfo(info.name, info.description, path, cls, info.assets)
    return tasks


def list_tasks() -> list[TaskInfo]:
    """Every registered seed task, sorted by name."""
    return list(_registry().values())


def task_names() -> list[str]:
    return list(_registry())


def get_task(name: str) -> TaskInfo:
    """The task of that name, or an error that names the closest registered ones."""
    registry = _registry()
    if name in registry:
        return registry[name]
    close = difflib.get_close_matches(name, list(registry), n=3, cutoff=0.4)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise UnknownTaskError(f"Unknown task '{name}'.{hint} Registered tasks: {', '.join(registry)}.")
