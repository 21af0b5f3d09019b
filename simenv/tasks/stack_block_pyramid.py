"""Stack block pyramid: six blocks form a 3-2-1 pyramid on a stand."""

from __future__ import annotations

import numpy as np

from simenv.task import Task
from simenv.tasks._pyramid import ROWS, add_stand_and_blocks, row_targets

COLORS = ["purple", "blue", "green", "yellow", "orange", "red"]


class StackBlockPyramid(Task):
    """Stack the six coloured blocks into a pyramid on the stand: three on the bottom row, two in the middle row and one on top."""

    def __init__(self) -> None:
        super().__init__()
        self.max_steps = 12
        self.lang_template = "stack the blocks in a 3-2-1 pyramid on the stand"
        self.task_completed_desc = "done stacking block pyramid."
        self.additional_reset()

    def reset(self, env) -> None:  # type: ignore[no-untyped-def]
        super().reset(env)
        stand_pose, blocks = add_stand_and_blocks(self, env, COLORS)
        targets = row_targets(stand_pose)
        start = 0
        shares = (1 / 2, 1 / 3, 1 / 6)
        for row, share in zip(targets, shares, strict=True):
            objs = blocks[start : start + len(row)]
            start += len(row)
            self.add_goal(
                objs=objs,
                matches=np.ones((len(objs), len(row))),
                targ_poses=row,
                replace=False,
                rotations=True,
                metric="pose",
                params=None,
                step_max_reward=share,
                symmetries=[np.pi / 2] * len(objs),
                language_goal=self.lang_template,
            )
        assert start == sum(len(r) for r in ROWS)
