"""Tests for ``simenv.piles`` and ``simenv.expert.push``: pile layout, the push planner, and
particles in a live world."""

from __future__ import annotations

import numpy as np
import pybullet as p
import pytest

from simenv import piles, utils
from simenv.environment import Environment
from simenv.expert import push

IDENTITY = (0.0, 0.0, 0.0, 1.0)
ZONE = (((0.5, 0.2, 0.0), IDENTITY), (0.12, 0.12, 0.0))


def test_pile_positions_do_not_overlap() -> None:
    np.random.seed(0)
    xy = piles.pile_positions((0.5, -0.1, 0.0), 50)
    assert xy.shape == (50, 2)
    gaps = np.linalg.norm(xy[:, None] - xy[None], axis=2) + np.eye(50)
    assert gaps.min() > piles.PARTICLE_SIZE * np.sqrt(2) - 0.004
    assert np.linalg.norm(xy - (0.5, -0.1), axis=1).max() < piles.PILE_RADIUS + 0.003


def test_pile_positions_grow_the_disc_for_many_blocks() -> None:
    np.random.seed(0)
    assert len(piles.pile_positions((0.5, 0.0), 200)) == 200


def test_outside_respects_margin() -> None:
    points = np.array([[0.5, 0.2, 0.0], [0.557, 0.2, 0.0], [0.7, 0.2, 0.0]])
    assert push.outside(points, [ZONE]).tolist() == [False, False, True]
    assert push.outside(points, [ZONE], margin=0.005).tolist() == [False, True, True]


def test_entry_distance() -> None:
    half = np.array([0.06, 0.06])
    # From 10 cm out along -x, heading to the centre: 4 cm to the edge, plus the depth.
    assert push.entry_distance(
        np.array([-0.1, 0.0]), np.array([1.0, 0.0]), half, 0.03
    ) == pytest.approx(0.07)
    # Never past the centre.
    assert push.entry_distance(
        np.array([-0.1, 0.0]), np.array([1.0, 0.0]), half, 0.1
    ) == pytest.approx(0.1)


def test_plan_push_drives_the_farthest_particle_into_the_zone() -> None:
    points = np.array([[0.5, 0.2, 0.005], [0.5, 0.0, 0.005], [0.5, -0.05, 0.005]])
    pose0, pose1 = push.plan_push(points, [ZONE])  # type: ignore[misc]
    assert pose0[0][:2] == pytest.approx((0.5, -0.05))
    # The blade stops PUSH_STOP_SHORT before pose1; the particle ends TARGET_DEPTH inside.
    blade_end = pose1[0][1] - push.PUSH_STOP_SHORT
    particle_end = blade_end + push.BLADE_TO_PARTICLE
    assert particle_end == pytest.approx(0.2 - 0.06 + push.TARGET_DEPTH)
    assert push.plan_push(points[:1], [ZONE]) is None


def test_make_piles_spawns_settled_particles(env: Environment) -> None:
    np.random.seed(3)
    task = env.task
    task.num_blocks = 20
    ids = task.make_piles(env, block_color="red")
    assert len(ids) == 20 and set(ids) <= set(env.obj_ids["rigid"])
    start = np.array([p.getBasePositionAndOrientation(i)[0] for i in ids])
    env.settle()
    end = np.array([p.getBasePositionAndOrientation(i)[0] for i in ids])
    assert np.abs(end - start).max() < 0.005  # no overlaps that would make them jump
    assert env.is_static()


def test_zone_goal_on_particles_counts_centres(env: Environment) -> None:
    task = env.task
    ids = task.make_piles(env, n_blocks=4, center=(0.5, -0.2, 0.0))
    p.resetBasePositionAndOrientation(ids[0], (0.5, 0.2, 0.005), IDENTITY)
    task.add_goal(ids, np.ones((4, 1)), [ZONE[0]], True, False, "zone", [ZONE], 1.0)
    assert task.goal_progress(task.goals[0]) == pytest.approx(0.25)
    assert utils.apply(ZONE[0], (0, 0, 0)).tolist() == pytest.approx([0.5, 0.2, 0.0])
