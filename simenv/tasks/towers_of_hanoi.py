"""Towers of Hanoi: move the stack of three rings from the first peg to the last."""

from __future__ import annotations

import numpy as np

from simenv.task import Task
from simenv.tasks._hanoi import set_up


class TowersOfHanoi(Task):
    """Solve the towers of Hanoi with three rings: move the stack from the first peg to the last, one ring at a time, never putting a larger ring on a smaller one."""

    def __init__(self) -> None:
        super().__init__()
        self.max_steps = 14
        self.lang_template = "solve towers of hanoi"
        self.task_completed_desc = "solved towers of hanoi."
        self.additional_reset()

    def reset(self, env) -> None:  # type: ignore[no-untyped-def]
        super().reset(env)
        disks, moves = set_up(self, env)
        for disk, target, _ in moves:
            self.add_goal(
                objs=[disks[disk]],
                matches=np.ones((1, 1)),
                targ_poses=[target],
                replace=False,
                rotations=False,
                metric="pose",
                params=None,
                step_max_reward=1 / len(moves),
                language_goal=self.lang_template,
            )
