"""Dialect warnings: one collection point, deduplicated, strict mode, and the task API's rules."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from simenv import dialect
from simenv.environment import Environment
from simenv.errors import InvalidPoseError
from simenv.task import DEFAULT_HEIGHT, Task
from simenv.templates import DEFAULT_SIZE_RANGE


def test_collect_keeps_each_message_once_in_order() -> None:
    with dialect.collect_warnings() as log:
        for message in ("b", "a", "b"):
            dialect.warn(message)
    assert [m.split(": ", 1)[1] for m in log.messages] == ["b", "a"]
    assert log.messages[0].startswith("test_dialect.py line ")


def test_strict_raises_where_the_leniency_happens() -> None:
    with dialect.collect_warnings(strict=True), pytest.raises(dialect.DialectError, match="strict"):
        dialect.warn("x")


def test_outside_a_block_it_is_a_python_warning() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        dialect.warn("x")
    assert [w.category for w in caught] == [dialect.DialectWarning]


def test_nested_blocks_do_not_leak() -> None:
    with dialect.collect_warnings() as outer:
        with dialect.collect_warnings() as inner:
            dialect.warn("inner")
        dialect.warn("outer")
    assert len(inner.messages) == 1 and "inner" in inner.messages[0]
    assert len(outer.messages) == 1 and "outer" in outer.messages[0]


def test_positions_are_lists_and_two_entry_sizes_get_a_height(env: Environment) -> None:
    task = env.task
    np.random.seed(0)
    with dialect.collect_warnings() as log:
        pos, rot = task.get_random_pose(env, (0.1, 0.1))
    assert isinstance(pos, list) and pos[2] == pytest.approx(DEFAULT_HEIGHT / 2)
    assert len(rot) == 4
    assert "two entries" in log.messages[0]


def test_full_table_is_none_then_a_clear_error(env: Environment) -> None:
    task: Task = env.task
    assert task.get_random_pose(env, (2.0, 2.0, 0.1)) == (None, None)
    with pytest.raises(
        InvalidPoseError, match=r"table is full.*\(2.0, 2.0, 0.1\).*fewer or smaller"
    ):
        env.add_object("block/block.urdf", (None, None))


def test_unfilled_template_gets_default_sizes(env: Environment) -> None:
    np.random.seed(1)
    with dialect.collect_warnings() as log:
        obj = env.add_object("box/box-template.urdf", ((0.5, 0.0, 0.05), (0, 0, 0, 1)))
    size = env.object_sizes[obj]
    lo, hi = DEFAULT_SIZE_RANGE
    assert all(lo - 1e-3 <= s <= hi + 1e-3 for s in size), size
    assert "without fill_template" in log.messages[0]


def test_template_without_defaults_is_an_error(env: Environment) -> None:
    with pytest.raises(ValueError, match="FNAME, SCALE tokens have no default"):
        env.add_object("kitting/object-template.urdf", ((0.5, 0.0, 0.05), (0, 0, 0, 1)))


def test_missing_template_falls_back_to_the_plain_file(env: Environment) -> None:
    with dialect.collect_warnings() as log:
        path = env.task.fill_template("zone/zone-template.urdf", {"DIM": (0.1, 0.1, 0.0)})
        env.add_object("bowl/bowl-template.urdf", ((0.5, 0.2, 0.0), (0, 0, 0, 1)), "fixed")
    assert path.endswith(".urdf") and len(log.messages) == 2
    assert "used 'zone/zone.urdf'" in log.messages[0] and "used 'bowl/bowl.urdf'" in log.messages[1]


def test_missing_template_without_a_plain_file_stays_an_error(env: Environment) -> None:
    with pytest.raises(FileNotFoundError, match="Unknown asset 'blob/blob-template.urdf'"):
        env.add_object("blob/blob-template.urdf", ((0.5, 0.2, 0.0), (0, 0, 0, 1)))


def test_assets_root_names_the_asset_folder() -> None:
    from simenv.assets import ASSET_ROOT

    assert Task().assets_root == str(ASSET_ROOT)
