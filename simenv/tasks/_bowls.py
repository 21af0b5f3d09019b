"""Shared set-up of the block-in-bowl tasks (place-red-in-green, put-block-in-bowl)."""

from __future__ import annotations

from typing import Any

import numpy as np

BOWL_SIZE = (0.12, 0.12, 0.0)
BLOCK_SIZE = (0.04, 0.04, 0.04)
MAX_DISTRACTORS = 6


def add_blocks_and_bowls(
    task: Any, env: Any, block_color: str, bowl_color: str, language_goal: str
) -> None:
    """1-3 bowls and as many blocks or fewer, with the goal: every block in some bowl."""
    n_bowls = np.random.randint(1, 4)
    n_blocks = np.random.randint(1, n_bowls + 1)
    bowl_poses = []
    for _ in range(n_bowls):
        pose = task.get_random_pose(env, BOWL_SIZE)
        env.add_object("bowl/bowl.urdf", pose, "fixed", color=bowl_color)
        bowl_poses.append(pose)
    blocks = [
        env.add_object("block/block.urdf", task.get_random_pose(env, BLOCK_SIZE), color=block_color)
        for _ in range(n_blocks)
    ]
    task.add_goal(
        objs=blocks,
        matches=np.ones((n_blocks, n_bowls)),
        targ_poses=bowl_poses,
        replace=True,
        rotations=False,
        metric="pose",
        params=None,
        step_max_reward=1.0,
        language_goal=language_goal,
    )


def add_distractors(task: Any, env: Any, colors: list[str]) -> None:
    """Up to five blocks and bowls in other colours, where there is room for them."""
    for _ in range(np.random.randint(0, MAX_DISTRACTORS)):
        is_block = np.random.rand() > 0.5
        pose = task.get_random_pose(env, BLOCK_SIZE if is_block else BOWL_SIZE)
        if pose[0] is None:
            continue
        color = colors[np.random.randint(len(colors))]
        if is_block:
            env.add_object("block/block.urdf", pose, color=color)
        else:
            env.add_object("bowl/bowl.urdf", pose, "fixed", color=color)
