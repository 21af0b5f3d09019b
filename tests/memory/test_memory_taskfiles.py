"""Task files: crash-safe writes and reading a task without running it."""

from __future__ import annotations

from pathlib import Path

import pytest

from memory.errors import TaskFileError
from memory.taskfiles import (
    TEMP_PREFIX,
    atomic_write_text,
    read_task_source,
    task_description,
)
from simenv.taskfile import task_name_from_path
from tests.memory.memory_fakes import fake_asset_finder, write_task


def test_atomic_write_replaces_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "tasks" / "a.py"
    atomic_write_text(target, "one")
    atomic_write_text(target, "two")
    assert target.read_text() == "two"
    assert [p.name for p in target.parent.iterdir()] == ["a.py"]


def test_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "a.py"
    atomic_write_text(target, "old")
    with pytest.raises(UnicodeEncodeError):
        atomic_write_text(target, "bad \ud800 surrogate")
    assert target.read_text() == "old"
    assert not list(tmp_path.glob(f"{TEMP_PREFIX}*"))


def test_read_task_source(tmp_path: Path) -> None:
    path = write_task(
        tmp_path, "put-block-in-bowl", "Put the blocks in the bowls.", ("bowl/bowl.urdf",)
    )
    source = read_task_source(path, find_assets=fake_asset_finder)
    assert task_name_from_path(path) == "put-block-in-bowl"
    assert source.name == "put-block-in-bowl"
    assert source.description == "Put the blocks in the bowls."
    assert source.assets == ("bowl/bowl.urdf",)
    assert source.code == path.read_text()


def test_description_is_the_first_docstring_paragraph_on_one_line() -> None:
    code = (
        "from cliport.tasks.task import Task\n"
        "class Helper:\n    '''not this'''\n"
        "class MyTask(Task):\n    '''Line one\n    line two.\n\n    More.'''\n"
    )
    assert task_description(code) == "Line one line two."


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("def f(:\n", "not valid Python"),
        ("class A:\n    '''doc'''\n", "no Task subclass"),
        ("class A(Task):\n    pass\n", "has no docstring"),
    ],
)
def test_unreadable_tasks_say_why(code: str, message: str) -> None:
    with pytest.raises(TaskFileError, match=message):
        task_description(code)


def test_missing_file_and_bad_name(tmp_path: Path) -> None:
    with pytest.raises(TaskFileError, match="No such task file"):
        read_task_source(tmp_path / "nope.py", find_assets=fake_asset_finder)
    bad = tmp_path / "Bad Name.py"
    bad.write_text("class A(Task):\n    '''d'''\n")
    with pytest.raises(TaskFileError, match="Invalid task name"):
        read_task_source(bad, find_assets=fake_asset_finder)
