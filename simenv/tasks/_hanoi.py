"""Shared set-up of the towers of Hanoi (towers-of-hanoi and its -seq variant)."""

from __future__ import annotations

from typing import Any

import numpy as np

from simenv import utils

STAND_SIZE = (0.12, 0.36, 0.01)
N_DISKS = 3
#: Ring assets, smallest first.
DISK_URDFS = ("hanoi/disk0.urdf", "hanoi/disk1.urdf", "hanoi/disk2.urdf")
#: Peg positions in the stand's frame (origin at the centre of its bottom face).
PEGS = ((0.0, -0.12), (0.0, 0.0), (0.0, 0.12))
PEG_NAMES = ("the left peg", "the middle peg", "the right peg")
#: Ring centre heights above the stand's origin for stack levels 0, 1, 2.
LEVEL_Z = (0.0175, 0.0325, 0.0475)


def solve(n: int, source: int, target: int, spare: int) -> list[tuple[int, int]]:
    """The optimal move list, as (disk, peg) pairs; disk 0 is the smallest."""
    if n == 0:
        return []
    return (
        solve(n - 1, source, spare, target)
        + [(n - 1, target)]
        + solve(n - 1, spare, target, source)
    )


def set_up(task: Any, env: Any, colors: list[str] | None = None) -> tuple[list[int], list[Any]]:
    """The stand and the rings stacked on the first peg; returns (ring ids, move targets).

    Each move target is (disk index, world pose of the ring after the move, peg index).
    """
    pos, rot = task.get_random_pose(env, STAND_SIZE)
    stand_pose = ((pos[0], pos[1], 0.0), rot)
    env.add_object("hanoi/stand.urdf", stand_pose, "fixed")
    disks = []
    for i in reversed(range(N_DISKS)):  # largest first, at the bottom
        level = N_DISKS - 1 - i
        ring_pos = utils.apply(stand_pose, (*PEGS[0], LEVEL_Z[level]))
        color = colors[i] if colors else None
        disks.append((i, env.add_object(DISK_URDFS[i], (tuple(ring_pos), rot), color=color)))
    ids = [obj for _, obj in sorted(disks)]

    heights = [N_DISKS, 0, 0]
    moves = []
    on_peg = [0] * N_DISKS
    for disk, peg in solve(N_DISKS, 0, 2, 1):
        heights[on_peg[disk]] -= 1
        target = utils.apply(stand_pose, (*PEGS[peg], LEVEL_Z[heights[peg]]))
        heights[peg] += 1
        on_peg[disk] = peg
        moves.append((disk, (tuple(target), rot), peg))
    return ids, moves


def add_move_goals(task: Any, disks: list[int], moves: list[Any], language: list[str]) -> None:
    """One goal per move, in solution order, each with its instruction."""
    for (disk, target, _), instruction in zip(moves, language, strict=True):
        task.add_goal(
            objs=[disks[disk]],
            matches=np.ones((1, 1)),
            targ_poses=[target],
            replace=False,
            rotations=False,
            metric="pose",
            params=None,
            step_max_reward=1 / len(moves),
            language_goal=instruction,
        )
