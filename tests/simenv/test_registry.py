from __future__ import annotations

import ast

import pytest

from simenv.task import Task
from simenv.tasks import TaskInfo, UnknownTaskError, get_task, list_tasks

ISSUE_2_TASKS = {
    "align-box-corner",
    "block-insertion",
    "place-red-in-green",
    "put-block-in-bowl",
    "stack-block-pyramid",
    "stack-block-pyramid-seq",
    "towers-of-hanoi",
    "towers-of-hanoi-seq",
}


def test_registry_has_the_seed_tasks_with_descriptions() -> None:
    tasks = {t.name: t for t in list_tasks()}
    assert set(tasks) >= ISSUE_2_TASKS
    for info in tasks.values():
        assert issubclass(info.task_class, Task)
        assert len(info.description) > 30, info.name
        assert info.path.stem == info.name.replace("-", "_")


def test_assets_are_those_the_source_names() -> None:
    assert set(get_task("towers-of-hanoi").assets) >= {"hanoi/stand.urdf", "hanoi/disk0.urdf"}
    assert "bowl/bowl.urdf" in get_task("place-red-in-green").assets


#: What a generated task may import (the task API page), and so all a seed task imports.
EXAMPLE_IMPORTS = {
    "__future__",
    "numpy",
    "random",
    "math",
    "os",
    "pybullet",
    "simenv.task",
    "simenv.utils",
    "simenv.primitives",
    "simenv.grippers",
    "simenv.environment",
}


@pytest.mark.parametrize("info", list_tasks(), ids=lambda info: info.name)
def test_seed_task_reads_on_its_own(info: TaskInfo) -> None:
    """A seed task is shown to the model as an example: it imports only the task API."""
    imported = set()
    for node in ast.walk(ast.parse(info.path.read_text())):
        if isinstance(node, ast.Import):
            imported |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            prefix = node.module + "." if node.module == "simenv" else ""
            imported |= {prefix + a.name for a in node.names} if prefix else {node.module}
    assert imported <= EXAMPLE_IMPORTS, imported - EXAMPLE_IMPORTS


def test_unknown_task_suggests_close_names() -> None:
    with pytest.raises(UnknownTaskError, match="towers-of-hanoi"):
        get_task("tower-of-hanoi")
