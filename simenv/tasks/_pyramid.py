"""Shared layout of the 3-2-1 block pyramid (stack-block-pyramid and its -seq variant)."""

from __future__ import annotations

from typing import Any

from simenv import utils

STAND_SIZE = (0.05, 0.15, 0.005)
BLOCK_SIZE = (0.04, 0.04, 0.04)
#: Block centres in the stand's frame (origin at the stand's centre): rows of 3, 2 and 1.
#: The stand is 5 mm thick, so the first row rests 2.5 mm above its origin plus half a block.
ROWS: tuple[tuple[tuple[float, float, float], ...], ...] = (
    ((0.0, -0.05, 0.0225), (0.0, 0.0, 0.0225), (0.0, 0.05, 0.0225)),
    ((0.0, -0.025, 0.0625), (0.0, 0.025, 0.0625)),
    ((0.0, 0.0, 0.1025),),
)
#: How each first-row slot is named in language goals.
SLOT_NAMES = ("the left of the stand", "the middle of the stand", "the right of the stand")


def add_stand_and_blocks(task: Any, env: Any, colors: list[str]) -> tuple[Any, list[int]]:
    """The stand at a random pose and one block per colour; returns (stand pose, block ids)."""
    stand_pose = task.get_random_pose(env, STAND_SIZE)
    env.add_object("stacking/stand.urdf", stand_pose, "fixed")
    blocks = []
    for color in colors:
        pose = task.get_random_pose(env, BLOCK_SIZE)
        blocks.append(env.add_object("stacking/block.urdf", pose, color=color))
    return stand_pose, blocks


def row_targets(stand_pose: Any) -> list[list[Any]]:
    """Target poses of each row's slots, in the world."""
    return [
        [(tuple(utils.apply(stand_pose, slot)), tuple(stand_pose[1])) for slot in row]
        for row in ROWS
    ]
