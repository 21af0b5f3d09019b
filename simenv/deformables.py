"""Ropes: chains of small beads joined by point-to-point constraints, and how to straighten one.

PyBullet's soft bodies are slow and fragile, so a rope is ``n_parts`` rigid beads (1 cm cubes
for contact, drawn as spheres), each joined to the next by a ball joint (a point-to-point
constraint) one bead spacing apart. Neighbours do not collide with each other, so a held bead
touches only what it is put on. Beads are registered as ``'deformable'`` objects: the suction cup
may hold them, and the settling check (``Environment.is_static``, rigid objects only) does not wait
for a rope that keeps twitching.

A rope's goal is a ``'pose'`` goal: bead ``i`` must lie within ``pos_eps`` of target ``i`` or of
target ``n - 1 - i`` (a rope has no head). The expert for it is ``simenv.expert.rope``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pybullet as p

from simenv import utils

BEAD_MASS = 0.005
#: Strength of each link, newtons: strong enough to drag the whole rope by one end.
LINK_FORCE = 100.0
#: Radians a random rope may turn per bead while it is laid out.
MAX_TURN = 0.35
#: A rope laid out at random keeps inside these x-y bounds (the reachable table).
LAYOUT_BOUNDS = ((0.3, 0.7), (-0.4, 0.4))
#: ... and within this distance (metres) beyond the target's length of the target's middle.
#: The rope primitive moves slowly (0.001 rad per step) and a move times out after 8 s, so
#: dragging a rope end across the whole table would not finish.
LAYOUT_REACH = 0.15


def rope_targets(corners: Sequence[Sequence[float]], n_parts: int) -> tuple[np.ndarray, float]:
    """Target positions (n x 3) of ``n_parts`` beads evenly along corner0 -> corner1, and the spacing."""
    c0 = np.asarray(corners[0], dtype=np.float64)
    c1 = np.asarray(corners[1], dtype=np.float64)
    increment = (c1 - c0) / n_parts
    targets = np.array([c0 + increment * (i + 0.5) for i in range(n_parts)])
    return targets, float(np.linalg.norm(increment))


def random_rope_path(
    n_parts: int,
    spacing: float,
    z: float,
    avoid: Sequence[tuple[np.ndarray, float]] = (),
    tries: int = 500,
    near: tuple[np.ndarray, float] | None = None,
) -> np.ndarray:
    """A random smooth planar curve of ``n_parts`` points ``spacing`` apart (n x 3).

    It starts at a random point with a random heading and turns by up to ``MAX_TURN`` per
    step; curves that leave ``LAYOUT_BOUNDS`` or pass within a radius of an ``avoid`` point are
    redrawn, so the rope starts on the table, untangled, and away from its target; with
    ``near = (point, radius)`` every bead must also lie within ``radius`` of ``point``.
    """
    (x0, x1), (y0, y1) = LAYOUT_BOUNDS
    best: np.ndarray | None = None
    for _ in range(tries):
        pos = np.array([x0 + np.random.rand() * (x1 - x0), y0 + np.random.rand() * (y1 - y0)])
        heading = np.random.rand() * 2 * np.pi
        bend = (np.random.rand() - 0.5) * MAX_TURN
        path = [pos.copy()]
        for _ in range(n_parts - 1):
            heading += bend + (np.random.rand() - 0.5) * MAX_TURN
            pos = pos + spacing * np.array([np.cos(heading), np.sin(heading)])
            path.append(pos.copy())
        xy = np.array(path)
        inside = bool(np.all((xy[:, 0] > x0) & (xy[:, 0] < x1) & (xy[:, 1] > y0) & (xy[:, 1] < y1)))
        clear = all(np.min(np.linalg.norm(xy - np.asarray(c)[:2], axis=1)) > r for c, r in avoid)
        if near is not None:
            clear &= bool(np.linalg.norm(xy - np.asarray(near[0])[:2], axis=1).max() < near[1])
        if inside:
            best = xy
            if clear:
                break
    if best is None:  # a rope too long to lay out inside the bounds: lay it straight, centred.
        span = spacing * (n_parts - 1)
        best = np.stack([np.full(n_parts, 0.5), np.linspace(-span / 2, span / 2, n_parts)], axis=1)
    return np.concatenate([best, np.full((n_parts, 1), z)], axis=1)


def make_ropes(
    env: Any,
    corners: Sequence[Sequence[float]],
    radius: float = 0.005,
    n_parts: int = 20,
    color_name: Any = "red",
) -> tuple[list[tuple[int, tuple[float, None]]], list[utils.Pose], np.ndarray]:
    """A rope of ``n_parts`` beads whose straight layout runs from corner0 to corner1.

    The rope itself starts as a random curve elsewhere on the table. Returns ``(objects,
    targets, matches)`` for ``add_goal``: objects are ``(bead id, (0, None))`` (a bead's yaw does
    not matter), targets the straight layout's bead positions, and ``matches`` lets the rope lie
    either way round.
    """
    n_parts = int(n_parts)
    if n_parts < 2:
        raise ValueError(f"make_ropes: a rope needs at least 2 parts; got n_parts={n_parts}.")
    targets, spacing = rope_targets(corners, n_parts)
    if spacing < 2 * radius:
        raise ValueError(
            f"make_ropes: corners {spacing * n_parts:.3f} m apart are too close for {n_parts} beads "
            f"of radius {radius}; move them at least {2 * radius * n_parts:.3f} m apart."
        )
    mid = targets.mean(axis=0)
    half_length = float(np.linalg.norm(targets[-1] - targets[0])) / 2
    avoid = [(mid, half_length + 0.03)]
    near = (mid, 2 * half_length + LAYOUT_REACH)
    path = random_rope_path(n_parts, spacing, radius, avoid, near=near)
    rgba = utils.color_rgba(color_name)
    collision = p.createCollisionShape(p.GEOM_BOX, halfExtents=[radius] * 3)
    visual = p.createVisualShape(p.GEOM_SPHERE, radius=radius * 1.5, rgbaColor=rgba)
    beads: list[int] = []
    for i, position in enumerate(path):
        bead = p.createMultiBody(BEAD_MASS, collision, visual, basePosition=position.tolist())
        p.changeDynamics(bead, -1, lateralFriction=0.8)
        if beads:
            parent = beads[-1]
            offset = (path[i] - path[i - 1]) / 2
            link = p.createConstraint(
                parentBodyUniqueId=parent,
                parentLinkIndex=-1,
                childBodyUniqueId=bead,
                childLinkIndex=-1,
                jointType=p.JOINT_POINT2POINT,
                jointAxis=(0, 0, 0),
                parentFramePosition=offset.tolist(),
                childFramePosition=(-offset).tolist(),
            )
            p.changeConstraint(link, maxForce=LINK_FORCE)
            env.disable_collision(parent, bead)
        beads.append(int(bead))
        env.obj_ids["deformable"].append(int(bead))
        env.object_sizes[int(bead)] = (2 * radius, 2 * radius, 2 * radius)
    objects = [(b, (0.0, None)) for b in beads]
    target_poses = [(tuple(float(v) for v in t), (0.0, 0.0, 0.0, 1.0)) for t in targets]
    matches = np.clip(np.eye(n_parts) + np.eye(n_parts)[::-1], 0, 1)
    return objects, target_poses, matches


def is_rope(env: Any, obj_ids: Sequence[int]) -> bool:
    """Whether a goal's objects are beads of one rope (all deformable, at least two)."""
    beads = set(env.obj_ids.get("deformable", []))
    return len(obj_ids) >= 2 and all(int(i) in beads for i in obj_ids)
