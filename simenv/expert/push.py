"""Pushing a pile of particles into a zone with the spatula (the expert for pile goals).

The expert pushes with the spatula (``primitives.push``): each push starts just behind the
particle farthest from the zone and drives the blade to the zone's centre, so it collects the
particles along its 8 cm wide corridor and leaves them on the zone. The farthest particle is
always pushed, so every push makes progress on the worst straggler.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pybullet as p

from simenv import utils
from simenv.goals import Goal

#: How deep inside the zone's edge a push leaves the particle it aims at (metres). The
#: particles it drives ahead of that one end up deeper, towards the far edge, so this is
#: about a quarter of the 12 cm zone: room ahead for a heap, and a margin behind.
TARGET_DEPTH = 0.035
#: From the blade's centre to the centre of a particle resting against it (half the 5 mm
#: blade, half a particle, and a little slack).
BLADE_TO_PARTICLE = 0.008
#: A particle this far inside the zone's edge counts as in for planning, so the expert aims
#: for a margin and does not stop with particles balanced on the edge.
PLAN_MARGIN = 0.005
#: ``primitives.push`` stops its blade this far short of ``pose1``.
PUSH_STOP_SHORT = 0.05


def _zone_local(points: np.ndarray, zone: tuple[utils.Pose, Sequence[float]]) -> np.ndarray:
    """Points (N x 3, world) in the zone's frame (N x 3)."""
    return utils.apply(utils.invert(zone[0]), points.T).T


def outside(
    points: np.ndarray, zones: Sequence[tuple[utils.Pose, Sequence[float]]], margin: float = 0.0
) -> np.ndarray:
    """Mask of points (N x 3, world) not inside any zone shrunk by ``margin`` on each side."""
    return ~utils.in_zones(np.asarray(points, dtype=np.float64).T, zones, margin)


def entry_distance(
    start: np.ndarray, direction: np.ndarray, half: np.ndarray, depth: float
) -> float:
    """How far from ``start`` along ``direction`` (zone frame, x-y) a point is ``depth`` inside.

    ``direction`` points at the zone centre, so each coordinate shrinks linearly towards 0;
    the point is in once every coordinate is within ``half - depth``. Never past the centre.
    """
    to_center = float(np.linalg.norm(start))
    need = 0.0
    for k in range(2):
        excess = abs(start[k]) - max(half[k] - depth, 0.0)
        if excess > 0:
            need = max(need, excess / max(abs(direction[k]), 1e-9))
    return min(need, to_center)


def plan_push(
    points: np.ndarray, zones: Sequence[tuple[utils.Pose, Sequence[float]]]
) -> tuple[utils.Pose, utils.Pose] | None:
    """The next push (pose0, pose1) for particles at ``points`` (N x 3), or None when all are in.

    It takes the particle farthest from its nearest zone's centre, and pushes it towards that
    centre until it is ``TARGET_DEPTH`` inside the zone: far enough to leave a margin, not so
    far that the heap it drives ahead spills out of the far side (or that it ploughs through
    particles already in). ``primitives.push`` starts 2 cm behind ``pose0`` and stops the
    blade ``PUSH_STOP_SHORT`` before ``pose1``; ``pose1`` is set for that.
    """
    if len(points) == 0:
        return None
    out = outside(points, zones, PLAN_MARGIN)
    if not out.any():
        return None
    centers = np.array([zone[0][0][:2] for zone in zones], dtype=np.float64)
    candidates = points[out]
    dists = np.linalg.norm(candidates[:, None, :2] - centers[None, :, :], axis=2)
    k = int(dists.min(axis=1).argmax())
    zone = zones[int(dists[k].argmin())]
    local = _zone_local(candidates[k : k + 1], zone)[0, :2]
    length = float(np.linalg.norm(local))
    if length < 1e-6:
        return None
    local_dir = -local / length
    half = np.asarray(zone[1][:2], dtype=np.float64) / 2
    travel = entry_distance(local, local_dir, half, TARGET_DEPTH)
    stop = local + local_dir * (travel - BLADE_TO_PARTICLE + PUSH_STOP_SHORT)
    start_world = candidates[k, :2]
    end_world = utils.apply(zone[0], (float(stop[0]), float(stop[1]), 0.0))
    identity = (0.0, 0.0, 0.0, 1.0)
    return (
        ((float(start_world[0]), float(start_world[1]), 0.0), identity),
        ((float(end_world[0]), float(end_world[1]), 0.0), identity),
    )


def push_action(goal: Goal) -> dict[str, Any] | None:
    """The expert's action for a zone goal on particles: ``{'pose0', 'pose1'}`` or None."""
    if not goal.objs:
        return None
    points = np.array([p.getBasePositionAndOrientation(i)[0] for i in goal.objs], dtype=np.float64)
    zones = [((tuple(z[0][0]), tuple(z[0][1])), tuple(z[1])) for z in goal.params]
    push = plan_push(points, zones)
    if push is None:
        return None
    return {"pose0": push[0], "pose1": push[1]}
