"""Tests for ``simenv.deformables``: rope layout, construction, grasping a bead, expert steps."""

from __future__ import annotations

import numpy as np
import pybullet as p
import pytest

from simenv import deformables
from simenv.environment import Environment
from simenv.expert.rope import rope_step

CORNERS = ((0.4, 0.1, 0.001), (0.6, 0.1, 0.001))


def test_rope_targets_are_evenly_spaced() -> None:
    targets, spacing = deformables.rope_targets(CORNERS, 10)
    assert spacing == pytest.approx(0.02)
    assert targets[0] == pytest.approx((0.41, 0.1, 0.001))
    assert targets[-1] == pytest.approx((0.59, 0.1, 0.001))


def test_random_rope_path_keeps_spacing_bounds_and_distance() -> None:
    np.random.seed(0)
    avoid = [(np.array([0.5, 0.1, 0.0]), 0.15)]
    path = deformables.random_rope_path(20, 0.014, 0.005, avoid)
    assert path.shape == (20, 3)
    assert np.linalg.norm(np.diff(path, axis=0), axis=1) == pytest.approx(np.full(19, 0.014))
    (x0, x1), (y0, y1) = deformables.LAYOUT_BOUNDS
    assert path[:, 0].min() > x0 and path[:, 0].max() < x1
    assert path[:, 1].min() > y0 and path[:, 1].max() < y1
    assert np.linalg.norm(path[:, :2] - (0.5, 0.1), axis=1).min() > 0.15


def test_make_ropes_links_beads(env: Environment) -> None:
    np.random.seed(0)
    objects, targets, matches = env.task.make_ropes(env, CORNERS, n_parts=10)
    beads = [i for i, _ in objects]
    assert beads == env.obj_ids["deformable"] and len(targets) == 10
    assert p.getNumConstraints() == 9
    assert matches[0, 0] == 1 and matches[0, 9] == 1 and matches[0, 5] == 0
    for _ in range(240):
        env.step_simulation()
    pos = np.array([p.getBasePositionAndOrientation(b)[0] for b in beads])
    assert np.linalg.norm(np.diff(pos, axis=0), axis=1).max() < 0.025  # still a rope
    assert deformables.is_rope(env, beads)
    with pytest.raises(ValueError, match="too close"):
        env.task.make_ropes(env, ((0.5, 0.0, 0.0), (0.5, 0.05, 0.0)), n_parts=10)


def test_suction_holds_a_bead(env: Environment) -> None:
    np.random.seed(0)
    objects, _, _ = env.task.make_ropes(env, CORNERS, n_parts=10)
    bead = objects[0][0]
    pos = p.getBasePositionAndOrientation(bead)[0]
    env.movep(((pos[0], pos[1], 0.05), (0, 0, 0, 1)))
    env.movep(
        ((pos[0], pos[1], pos[2] - 0.02), (0, 0, 0, 1)), stop=env.ee.detect_contact, straight=True
    )
    env.ee.activate()
    assert env.ee.check_grasp()
    env.movep(((pos[0], pos[1], 0.05), (0, 0, 0, 1)), straight=True)
    assert p.getBasePositionAndOrientation(bead)[0][2] > 0.02


def test_rope_step_ends_first_then_worst_bead() -> None:
    targets, _ = deformables.rope_targets(CORNERS, 5)
    matches = np.clip(np.eye(5) + np.eye(5)[::-1], 0, 1)
    positions = targets[::-1].copy()  # laid the other way round: already done
    assert rope_step(positions, targets, matches, 0.02) is None
    positions[2, 1] += 0.05  # middle bead off
    assert rope_step(positions, targets, matches, 0.02) == (2, 2)
    positions[0, 0] += 0.03  # an end off: ends first
    assert rope_step(positions, targets, matches, 0.02) == (0, 4)
