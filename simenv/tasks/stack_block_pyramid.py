"""Stack block pyramid: six blocks form a 3-2-1 pyramid on a stand."""

from __future__ import annotations

import numpy as np

from simenv import utils
from simenv.environment import Environment
from simenv.task import Task

COLORS = ["purple", "blue", "green", "yellow", "orange", "red"]
#: Block centres in the stand's frame (origin at the stand's centre): rows of 3, 2 and 1.
#: The stand is 5 mm thick, so the first row rests 2.5 mm above its origin plus half a block.
ROWS = (
    ((0.0, -0.05, 0.0225), (0.0, 0.0, 0.0225), (0.0, 0.05, 0.0225)),
    ((0.0, -0.025, 0.0625), (0.0, 0.025, 0.0625)),
    ((0.0, 0.0, 0.1025),),
)


class StackBlockPyramid(Task):
    """Stack the six coloured blocks into a pyramid on the stand: three on the bottom row, two in the middle row and one on top."""

    def __init__(self) -> None:
        super().__init__()
        self.max_steps = 12
        self.lang_template = "stack the blocks in a 3-2-1 pyramid on the stand"
        self.task_completed_desc = "done stacking block pyramid."
        self.additional_reset()

    def reset(self, env: Environment) -> None:
        super().reset(env)
        stand_pose = self.get_random_pose(env, (0.05, 0.15, 0.005))
        env.add_object("stacking/stand.urdf", stand_pose, "fixed")
        blocks = []
        for color in COLORS:
            pose = self.get_random_pose(env, (0.04, 0.04, 0.04))
            blocks.append(env.add_object("stacking/block.urdf", pose, color=color))

        # One goal per row, bottom first; a row's blocks may take its slots in any order.
        start = 0
        for row, share in zip(ROWS, (1 / 2, 1 / 3, 1 / 6), strict=True):
            targets = [(tuple(utils.apply(stand_pose, slot)), tuple(stand_pose[1])) for slot in row]
            objs = blocks[start : start + len(row)]
            start += len(row)
            self.add_goal(
                objs=objs,
                matches=np.ones((len(objs), len(targets))),
                targ_poses=targets,
                replace=False,
                rotations=True,
                metric="pose",
                params=None,
                step_max_reward=share,
                symmetries=[np.pi / 2] * len(objs),
                language_goal=self.lang_template,
            )
