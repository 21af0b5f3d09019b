"""The seed task library: one module per task, found by name.

A task's name is its module's file name with dashes (``place_red_in_green.py`` ->
``place-red-in-green``), as in Ravens / CLIPort. Its description is the task class's
docstring, and its assets are the asset paths its source names.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

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
    return module.replace("_", "-")


def task_name_to_module_name(name: str) -> str:
    return name.replace("-", "_")


def _task_class_in(module: object) -> type:
    from simenv.task import Task

    classes = [
        obj
        for _, obj in inspect.getmembers(module, inspect.isclass)
        if issubclass(obj, Task) and obj is not Task and obj.__module__ == module.__name__  # type: ignore[attr-defined]
    ]
    if len(classes) != 1:
        raise RuntimeError(f"{module.__name__} must define exactly one Task subclass")  # type: ignore[attr-defined]
    return classes[0]


def _source_with_helpers(path: Path) -> str:
    """A task module's source plus that of the private ``_helper`` modules it imports, which
    is where shared set-ups name their assets."""
    import ast

    source = path.read_text()
    parts = [source]
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith(__name__ + "._")
        ):
            helper = TASKS_DIR / (node.module.rsplit(".", 1)[1] + ".py")
            if helper.is_file():
                parts.append(helper.read_text())
    return "\n".join(parts)


@cache
def _registry() -> dict[str, TaskInfo]:
    from simenv.assets import find_asset_references

    tasks: dict[str, TaskInfo] = {}
    for mod in sorted(m.name for m in pkgutil.iter_modules([str(TASKS_DIR)])):
        if mod.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{mod}")
        cls = _task_class_in(module)
        path = Path(inspect.getfile(module))
        description = inspect.cleandoc(cls.__doc__ or "").split("\n\n")[0].replace("\n", " ")
        name = module_name_to_task_name(mod)
        assets = tuple(find_asset_references(_source_with_helpers(path)))
        tasks[name] = TaskInfo(name, description, path, cls, assets)
    return tasks


def list_tasks() -> list[TaskInfo]:
    """Every registered seed task, sorted by name."""
    return list(_registry().values())


def task_names() -> list[str]:
    return list(_registry())


def get_task(name: str) -> TaskInfo:
    """The task of that name, or an error that names the closest registered ones."""
    import difflib

    registry = _registry()
    if name in registry:
        return registry[name]
    close = difflib.get_close_matches(name, list(registry), n=3, cutoff=0.4)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise UnknownTaskError(f"Unknown task '{name}'.{hint} Registered tasks: {', '.join(registry)}.")
