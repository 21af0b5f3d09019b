"""Piles of small blocks: ``Task.make_piles`` spawns them here (the expert pushes them:
``simenv.expert.push``).

A pile is ``num_blocks`` (50) rigid 1 cm cubes: physical, so what a push does to them is only
known by simulating it. The goal on a pile is a zone goal: the reward is the fraction of the
particles whose centre lies inside the zone (each particle is smaller than the zone metric's
2 cm point grid, so it is one point at its centre).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pybullet as p

from simenv import utils

PARTICLE_URDF = "block/small.urdf"
PARTICLE_SIZE = 0.01
#: Rotational inertia given to each particle (kg m^2), about 6 times a solid 10 g cube's.
PARTICLE_INERTIA = 1e-6
#: Particles start on a jittered grid inside a disc of this radius (metres).
PILE_RADIUS = 0.075
#: Grid spacing: wide enough that cubes at any yaw do not overlap at spawn time.
PILE_SPACING = 0.015


def pile_positions(
    center: Sequence[float], n_blocks: int, radius: float = PILE_RADIUS
) -> np.ndarray:
    """``n_blocks`` x-y positions (n x 2) in a disc around ``center``, none overlapping.

    Cells of a ``PILE_SPACING`` grid inside the disc are drawn without replacement and jittered
    by up to 1.5 mm; the disc grows if it has too few cells for ``n_blocks``.
    """
    while True:
        ticks = np.arange(-radius, radius + 1e-9, PILE_SPACING)
        gx, gy = np.meshgrid(ticks, ticks)
        cells = np.stack([gx.ravel(), gy.ravel()], axis=1)
        cells = cells[np.hypot(cells[:, 0], cells[:, 1]) <= radius]
        if len(cells) >= n_blocks:
            break
        radius *= 1.25
    chosen = cells[np.random.choice(len(cells), n_blocks, replace=False)]
    jitter = (np.random.rand(n_blocks, 2) - 0.5) * 0.003
    return chosen + jitter + np.asarray(center[:2], dtype=np.float64)


def make_piles(
    task: Any,
    env: Any,
    block_color: Any = None,
    n_blocks: int | None = None,
    center: Sequence[float] | None = None,
) -> list[int]:
    """Spawn a pile of ``n_blocks`` (default ``task.num_blocks``) 1 cm blocks; returns their ids.

    Without ``center`` the pile goes to a random free spot (``get_random_pose`` with the pile's
    footprint), so it does not start on a zone or another object.
    """
    n = int(task.num_blocks if n_blocks is None else n_blocks)
    if center is None:
        footprint = 2 * PILE_RADIUS + PARTICLE_SIZE
        pose = task.get_random_pose(env, (footprint, footprint, PARTICLE_SIZE))
        if pose[0] is None:
            raise RuntimeError("make_piles: no free space on the table for a pile.")
        center = pose[0]
    ids = []
    for x, y in pile_positions(center, n):
        rot = utils.eulerXYZ_to_quatXYZW((0.0, 0.0, float(np.random.rand() * 2 * np.pi)))
        pose = ((float(x), float(y), PARTICLE_SIZE / 2), rot)
        obj_id = int(env.add_object(PARTICLE_URDF, pose, color=block_color))
        # A 1 cm cube's inertia is so small that contact noise keeps it spinning in place,
        # and the environment waits for objects to stop before it scores a step.
        p.changeDynamics(obj_id, -1, localInertiaDiagonal=[PARTICLE_INERTIA] * 3)
        ids.append(obj_id)
    return ids
