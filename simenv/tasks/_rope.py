"""Shared layout of the rope tasks (manipulating-rope, align-rope): a square outline and its corners.

The outline is the three-sided ``square/square-template.urdf``, open on its +y side. A rope of
``N_PARTS`` beads spaced ``2 * RADIUS * sqrt(2)`` apart is exactly as long as one side.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simenv import utils

N_PARTS = 20
RADIUS = 0.005
#: Side of the square: the rope's length.
LENGTH = 2 * RADIUS * N_PARTS * float(np.sqrt(2))
#: Corners in the square's frame (1 mm above the table); "tips" are the ends of the open side.
CORNERS = {
    "left tip": (-LENGTH / 2, LENGTH / 2, 0.001),
    "right tip": (LENGTH / 2, LENGTH / 2, 0.001),
    "back left corner": (-LENGTH / 2, -LENGTH / 2, 0.001),
    "back right corner": (LENGTH / 2, -LENGTH / 2, 0.001),
}


def add_square(task: Any, env: Any) -> utils.Pose:
    """The square outline at a random free pose; returns its pose."""
    size = (LENGTH, LENGTH, 0.0)
    pose = task.get_random_pose(env, size)
    if pose[0] is None:
        raise RuntimeError("No free space on the table for the square outline.")
    urdf = task.fill_template(
        "square/square-template.urdf", {"DIM": (LENGTH,), "HALF": (LENGTH / 2 - 0.005,)}
    )
    env.add_object(urdf, pose, "fixed")
    return pose


def corner(square_pose: utils.Pose, name: str) -> tuple[float, float, float]:
    """A named corner of the square, in the world."""
    x, y, z = utils.apply(square_pose, CORNERS[name])
    return float(x), float(y), float(z)


def add_rope_goal(task: Any, env: Any, corners: tuple[Any, Any], language_goal: str) -> None:
    """A rope laid out near the square, and the goal: every bead on its slot between corners."""
    objects, targets, matches = task.make_ropes(env, corners, radius=RADIUS, n_parts=N_PARTS)
    task.add_goal(
        objs=objects,
        matches=matches,
        targ_poses=targets,
        replace=False,
        rotations=False,
        metric="pose",
        params=None,
        step_max_reward=1.0,
        language_goal=language_goal,
    )
