"""A task's sub-goals as data: what ``Task.add_goal`` records, and the expert and scoring read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simenv import utils

IDENTITY = (0.0, 0.0, 0.0, 1.0)


@dataclass
class Goal:
    """One sub-goal: which objects go to which targets, and how it is scored."""

    objs: list[int]
    matches: np.ndarray
    targ_poses: list[utils.Pose]
    replace: bool
    rotations: bool
    metric: str
    params: Any
    step_max_reward: float
    symmetries: list[float]
    language_goal: Any = None
    #: Sample points of each object (object frame), for the zone metric.
    points: dict[int, np.ndarray] = field(default_factory=dict)


def as_pose(target: Any) -> utils.Pose:
    """A target as ``(position, quaternion)`` tuples; a bare ``(x, y, z)`` gets identity rotation."""
    if len(target) == 3 and np.ndim(target[0]) == 0:
        return (tuple(float(v) for v in target), IDENTITY)
    return (tuple(float(v) for v in target[0]), tuple(float(v) for v in target[1]))


def zone_slots(targ_poses: Any, obj_ids: list[int]) -> list[utils.Pose]:
    """Target poses of a zone goal, kept when there is one per object, else none.

    The zone metric does not read them, but the expert does: packing and palletizing tasks give
    each object its slot inside the zone (as Ravens does), and the expert puts it there.
    """
    try:
        poses = [as_pose(t) for t in targ_poses] if targ_poses is not None else []
    except (TypeError, ValueError, IndexError):
        return []
    return poses if len(poses) == len(obj_ids) else []
