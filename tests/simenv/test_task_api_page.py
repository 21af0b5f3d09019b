"""``simenv/docs/task-api.md`` stays written from the code: every method, utility and asset is on it."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from simenv import utils
from simenv.assets import list_assets
from simenv.task import Task

PAGE = (Path(__file__).resolve().parents[2] / "simenv" / "docs" / "task-api.md").read_text()
#: Machinery the environment and expert call, not something task code writes.
INTERNAL_METHODS = {
    "goal_progress",
    "match_matrix",
    "placed_objects",
    "occupancy",
    "set_assets_root",
    "get_box_object_points",
}
INTERNAL_UTILS = {
    "ColorTable",
    "Rect",
    "color_rgba",
    "nearest_colors",
    "unknown_color_message",
    "get_pointcloud",
    "transform_pointcloud",
}
#: The world's own bodies, loaded by the environment.
WORLD_ASSETS = {"plane/plane.urdf", "workspace/workspace.urdf"}


@pytest.mark.parametrize(
    "name",
    sorted(
        n
        for n, _ in inspect.getmembers(Task, inspect.isfunction)
        if not n.startswith("_") and n not in INTERNAL_METHODS
    ),
)
def test_every_task_method_is_documented(name: str) -> None:
    assert f"`{name}(" in PAGE or f"`{name}`" in PAGE or f", `{name}(" in PAGE


@pytest.mark.parametrize(
    "name",
    sorted(
        n
        for n in dir(utils)
        if not n.startswith("_")
        and callable(getattr(utils, n))
        and getattr(getattr(utils, n), "__module__", "") == "simenv.utils"
        and n not in INTERNAL_UTILS
    ),
)
def test_every_utility_is_documented(name: str) -> None:
    assert f"`{name}" in PAGE


@pytest.mark.parametrize("asset", sorted(set(list_assets()) - WORLD_ASSETS))
def test_every_asset_is_in_the_table(asset: str) -> None:
    stem = asset.rsplit(".", 1)[0]
    assert f"`{asset}`" in PAGE or (
        asset.startswith("hanoi/disk") and "`hanoi/disk0.urdf` .. `disk2.urdf`" in PAGE
    ), stem
