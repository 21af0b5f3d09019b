"""Shared layout of the box packing tasks (packing-boxes, packing-boxes-pairs).

The boxes are made from the container, not the other way round: the container's floor is cut
recursively into rectangles (a random k-d split), and each rectangle, shrunk by a margin, becomes
one box. So the boxes always tile the container, every episode is solvable, and the expert knows
each box's slot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from simenv import utils

CONTAINER_TEMPLATE = "container/container-template.urdf"
BOX_TEMPLATE = "box/box-template.urdf"
#: Container walls are 4 mm thick, centred on the nominal faces.
WALL = 0.004
CONTAINER_HEIGHT = 0.05
#: Gap left around each box inside its slot (so that a box placed a few mm off still drops in).
MARGIN = 0.01
#: No box side is shorter than this (the suction cup and pick-point search need a top face).
MIN_DIM = 0.05


@dataclass(frozen=True)
class Slot:
    """One rectangle of the container floor: centre and size in the container frame."""

    center: tuple[float, float]
    size: tuple[float, float]


def split_rectangle(
    size: tuple[float, float], n_boxes: int, min_dim: float = MIN_DIM
) -> list[Slot]:
    """Cut a ``size`` rectangle (centred on the origin) into up to ``n_boxes`` slots.

    Each cut takes the largest slot that can still be cut, and cuts across its longer side at a
    uniformly random point that leaves both parts at least ``min_dim`` wide. Cutting stops at
    ``n_boxes`` slots or when no slot can be cut. Draws from ``np.random`` (episodes are seeded).
    """
    rects = [(-size[0] / 2, -size[1] / 2, size[0] / 2, size[1] / 2)]
    while len(rects) < n_boxes:
        cuttable = [r for r in rects if max(r[2] - r[0], r[3] - r[1]) >= 2 * min_dim + 1e-9]
        if not cuttable:
            break
        rect = max(cuttable, key=lambda r: (r[2] - r[0]) * (r[3] - r[1]))
        rects.remove(rect)
        x0, y0, x1, y1 = rect
        axis = 0 if x1 - x0 >= y1 - y0 else 1
        lo, hi = (x0, x1) if axis == 0 else (y0, y1)
        cut = lo + min_dim + np.random.rand() * (hi - lo - 2 * min_dim)
        if axis == 0:
            rects += [(x0, y0, cut, y1), (cut, y0, x1, y1)]
        else:
            rects += [(x0, y0, x1, cut), (x0, cut, x1, y1)]
    return [Slot(((r[0] + r[2]) / 2, (r[1] + r[3]) / 2), (r[2] - r[0], r[3] - r[1])) for r in rects]


@dataclass
class PackingLayout:
    """A container in the scene and the boxes that tile it."""

    container_pose: utils.Pose
    container_size: tuple[float, float, float]
    boxes: list[int]
    box_sizes: list[tuple[float, float, float]]
    #: Where each box goes: its slot's centre at rest on the container floor, container yaw.
    slot_poses: list[utils.Pose]


def add_container(
    task: Any, env: Any, size: tuple[float, float, float], color: str = "brown"
) -> utils.Pose:
    """A fixed open container of outer ``size`` at a random free pose; returns its pose."""
    pose = task.get_random_pose(env, size)
    if pose[0] is None:
        raise RuntimeError("No free space on the table for the container.")
    half = tuple(s / 2 for s in size)
    urdf = task.fill_template(CONTAINER_TEMPLATE, {"DIM": size, "HALF": half})
    env.add_object(urdf, pose, "fixed", color=color)
    return pose


def tile_container(
    task: Any, env: Any, size: tuple[float, float, float], n_boxes: int, colors: list[Any]
) -> PackingLayout:
    """A container of outer ``size`` and boxes that tile its floor, each at a free table spot.

    ``colors[i]`` colours box ``i`` (the list is cycled if it is shorter). Box heights vary so
    that boxes look different from above; all stay below the rim.
    """
    container_pose = add_container(task, env, size)
    inner = (size[0] - WALL, size[1] - WALL)
    slots = split_rectangle(inner, n_boxes)
    floor = -size[2] / 2 + WALL / 2
    boxes, sizes, targets = [], [], []
    for i, slot in enumerate(slots):
        height = float(0.03 + np.random.rand() * 0.015)
        box_size = (slot.size[0] - MARGIN, slot.size[1] - MARGIN, height)
        center = (slot.center[0], slot.center[1], floor + height / 2)
        targets.append((tuple(utils.apply(container_pose, center)), tuple(container_pose[1])))
        pose = task.get_random_pose(env, box_size)
        if pose[0] is None:
            raise RuntimeError("No free space on the table for another box.")
        urdf = task.fill_template(BOX_TEMPLATE, {"DIM": box_size})
        boxes.append(int(env.add_object(urdf, pose, color=colors[i % len(colors)])))
        sizes.append(box_size)
    return PackingLayout(container_pose, size, boxes, sizes, targets)


def box_symmetry(size: tuple[float, float, float]) -> float:
    """A box with a square top maps onto itself every quarter turn, any other every half turn."""
    return np.pi / 2 if abs(size[0] - size[1]) < 1e-3 else np.pi


def add_packing_goal(task: Any, layout: PackingLayout, language_goal: str) -> None:
    """The goal: every box inside the container (zone metric), each in its own slot."""
    task.add_goal(
        objs=layout.boxes,
        matches=np.eye(len(layout.boxes)),
        targ_poses=layout.slot_poses,
        replace=False,
        rotations=True,
        metric="zone",
        params=[(layout.container_pose, layout.container_size)],
        step_max_reward=1.0,
        symmetries=[box_symmetry(s) for s in layout.box_sizes],
        language_goal=language_goal,
    )
