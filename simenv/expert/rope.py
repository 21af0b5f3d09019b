"""Straightening a rope of beads (the expert for rope goals).

The expert lays the two ends on their end targets first, which pulls the rope straight between
them, and then corrects the bead farthest from its target. A bead that did not move when last
moved (wedged on another bead) is passed over while others are out of place.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pybullet as p

from simenv.expert.picking import pick_place
from simenv.goals import Goal

#: A moved bead that ends up closer than this (metres, x-y) to where it was did not move.
STUCK_DISTANCE = 0.003


def rope_step(
    positions: np.ndarray,
    targets: np.ndarray,
    matches: np.ndarray,
    tolerance: float,
    skip: frozenset[int] = frozenset(),
) -> tuple[int, int] | None:
    """Which bead to move to which target next: (bead index, target index), or None if done.

    The rope's direction is the one (bead i -> target i, or -> target n-1-i) whose end beads are
    nearer their targets. Ends first, so that the rope is stretched along the line; then the
    bead farthest from its target. A bead within ``tolerance`` counts as placed; ends are held
    to half of it, because the beads between them can only be as straight as the ends are exact.
    Beads in ``skip`` (ones that did not move when last moved, such as a bead wedged on top of
    another) are passed over while any other bead is out of place.
    """
    n = len(positions)
    forward = np.arange(n)
    backward = forward[::-1]

    def end_cost(order: np.ndarray) -> float:
        return float(
            np.linalg.norm(positions[0, :2] - targets[order[0], :2])
            + np.linalg.norm(positions[-1, :2] - targets[order[-1], :2])
        )

    orders = [o for o in (forward, backward) if all(matches[i, o[i]] for i in range(n))]
    if not orders:
        return None
    order = min(orders, key=end_cost)
    errors = np.linalg.norm(positions[:, :2] - targets[order, :2], axis=1)
    if errors.max() < tolerance:
        return None
    for end in (0, n - 1):
        if end not in skip and errors[end] > tolerance / 2:
            return end, int(order[end])
    off = [i for i in range(n) if errors[i] >= tolerance]
    candidates = [i for i in off if i not in skip] or off
    i = max(candidates, key=lambda k: float(errors[k]))
    return i, int(order[i])


class RopeExpert:
    """Remembers, across steps of one episode, which beads are stuck and what it moved last."""

    def __init__(self) -> None:
        self.skip: set[int] = set()
        self.last: tuple[int, np.ndarray] | None = None

    def act(self, goal: Goal, tolerance: float) -> dict[str, Any] | None:
        """Lay both ends on their targets, then fix the bead farthest off; None when done."""
        positions = np.array([p.getBasePositionAndOrientation(i)[0] for i in goal.objs])
        targets = np.array([t[0] for t in goal.targ_poses], dtype=np.float64)
        last = self.last
        if (
            last is not None
            and np.linalg.norm(positions[last[0], :2] - last[1][:2]) < STUCK_DISTANCE
        ):
            self.skip.add(last[0])
        step = rope_step(positions, targets, goal.matches, tolerance, frozenset(self.skip))
        if step is None:
            return None
        bead, target = step
        self.last = (bead, positions[bead])
        return pick_place(goal.objs[bead], goal.targ_poses[target], rotations=False)
