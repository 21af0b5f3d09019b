"""Towers of Hanoi, step by step: each instruction names one ring and its peg."""

from __future__ import annotations

import numpy as np

from simenv import utils
from simenv.task import Task
from simenv.tasks._hanoi import N_DISKS, PEG_NAMES, set_up


class TowersOfHanoiSeq(Task):
    """Solve the towers of Hanoi with three coloured rings by following one instruction per move that names the ring's colour and the peg to put it on."""

    def __init__(self) -> None:
        super().__init__()
        self.max_steps = 14
        self.lang_template = "move the {obj} ring to {loc}"
        self.task_completed_desc = "solved towers of hanoi."
        self.additional_reset()

    def reset(self, env) -> None:  # type: ignore[no-untyped-def]
        super().reset(env)
        _, colors = utils.get_colors(self.mode, n_colors=N_DISKS)
        disks, moves = set_up(self, env, colors)
        for disk, target, peg in moves:
            self.add_goal(
                objs=[disks[disk]],
                matches=np.ones((1, 1)),
                targ_poses=[target],
                replace=False,
                rotations=False,
                metric="pose",
                params=None,
                step_max_reward=1 / len(moves),
                language_goal=self.lang_template.format(obj=colors[disk], loc=PEG_NAMES[peg]),
            )
