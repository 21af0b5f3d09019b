from __future__ import annotations

import pytest

from simenv.task import Task
from simenv.tasks import UnknownTaskError, get_task, list_tasks

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


def test_assets_include_those_named_by_shared_helpers() -> None:
    assert set(get_task("towers-of-hanoi").assets) >= {"hanoi/stand.urdf", "hanoi/disk0.urdf"}
    assert "bowl/bowl.urdf" in get_task("place-red-in-green").assets


def test_unknown_task_suggests_close_names() -> None:
    with pytest.raises(UnknownTaskError, match="towers-of-hanoi"):
        get_task("tower-of-hanoi")
