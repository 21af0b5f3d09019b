"""Towers of Hanoi, step by step: each instruction names one ring and its peg."""

from __future__ import annotations

import numpy as np

from simenv import utils
from simenv.environment import Environment
from simenv.task import Task

#: Ring assets, smallest first.
DISK_URDFS = ("hanoi/disk0.urdf", "hanoi/disk1.urdf", "hanoi/disk2.urdf")
#: Peg positions in the stand's frame (origin at the centre of its bottom face), and their names.
PEGS = ((0.0, -0.12), (0.0, 0.0), (0.0, 0.12))
PEG_NAMES = ("the left peg", "the middle peg", "the right peg")
#: Ring centre heights above the stand's origin for stack levels 0, 1, 2.
LEVEL_Z = (0.0175, 0.0325, 0.0475)


class TowersOfHanoiSeq(Task):
    """Solve the towers of Hanoi with three coloured rings by following one instruction per move that names the ring's colour and the peg to put it on."""

    def __init__(self) -> None:
        super().__init__()
        self.max_steps = 14
        self.lang_template = "move the {obj} ring to {loc}"
        self.task_completed_desc = "solved towers of hanoi."
        self.additional_reset()

    def reset(self, env: Environment) -> None:
        super().reset(env)
        n_disks = len(DISK_URDFS)
        _, colors = utils.get_colors(self.mode, n_colors=n_disks)
        pos, rot = self.get_random_pose(env, (0.12, 0.36, 0.01))
        stand_pose = ((pos[0], pos[1], 0.0), rot)
        env.add_object("hanoi/stand.urdf", stand_pose, "fixed")

        # The rings stacked on the first peg, largest at the bottom, one colour each.
        disks = [0] * n_disks
        for i in reversed(range(n_disks)):
            ring_pos = utils.apply(stand_pose, (*PEGS[0], LEVEL_Z[n_disks - 1 - i]))
            disks[i] = env.add_object(DISK_URDFS[i], (tuple(ring_pos), rot), color=colors[i])

        # The optimal solution, as (disk, peg) moves; disk 0 is the smallest.
        def solve(n: int, source: int, target: int, spare: int) -> list[tuple[int, int]]:
            if n == 0:
                return []
            return (
                solve(n - 1, source, spare, target)
                + [(n - 1, target)]
                + solve(n - 1, spare, target, source)
            )

        # One goal per move, in order, each with its own instruction.
        moves = solve(n_disks, 0, 2, 1)
        heights, on_peg = [n_disks, 0, 0], [0] * n_disks
        for disk, peg in moves:
            heights[on_peg[disk]] -= 1
            target = utils.apply(stand_pose, (*PEGS[peg], LEVEL_Z[heights[peg]]))
            heights[peg] += 1
            on_peg[disk] = peg
            self.add_goal(
                objs=[disks[disk]],
                matches=np.ones((1, 1)),
                targ_poses=[(tuple(target), rot)],
                replace=False,
                rotations=False,
                metric="pose",
                params=None,
                step_max_reward=1 / len(moves),
                language_goal=self.lang_template.format(obj=colors[disk], loc=PEG_NAMES[peg]),
            )
