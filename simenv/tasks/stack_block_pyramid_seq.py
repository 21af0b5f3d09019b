"""Stack block pyramid, step by step: each instruction names one block and where it goes."""

from __future__ import annotations

import numpy as np

from simenv import utils
from simenv.environment import Environment
from simenv.task import Task

#: Block centres in the stand's frame (origin at the stand's centre): 3 on the bottom row,
#: 2 in the middle and 1 on top. The stand is 5 mm thick and the blocks 4 cm.
SLOTS = (
    (0.0, -0.05, 0.0225),
    (0.0, 0.0, 0.0225),
    (0.0, 0.05, 0.0225),
    (0.0, -0.025, 0.0625),
    (0.0, 0.025, 0.0625),
    (0.0, 0.0, 0.1025),
)


class StackBlockPyramidSeq(Task):
    """Build a 3-2-1 pyramid of six coloured blocks on the stand one block at a time, following an instruction per step that names the block's colour and where to put it."""

    def __init__(self) -> None:
        super().__init__()
        self.max_steps = 12
        self.lang_template = "put the {pick} block on {place}"
        self.task_completed_desc = "done stacking block pyramid."
        self.additional_reset()

    def reset(self, env: Environment) -> None:
        super().reset(env)
        _, colors = utils.get_colors(self.mode, n_colors=6)
        stand_pose = self.get_random_pose(env, (0.05, 0.15, 0.005))
        env.add_object("stacking/stand.urdf", stand_pose, "fixed")
        blocks = []
        for color in colors:
            pose = self.get_random_pose(env, (0.04, 0.04, 0.04))
            blocks.append(env.add_object("stacking/block.urdf", pose, color=color))

        # Where each block goes, in words: the stand's slots, then the blocks it rests on.
        places = [
            "the left of the stand",
            "the middle of the stand",
            "the right of the stand",
            f"the {colors[0]} and {colors[1]} blocks",
            f"the {colors[1]} and {colors[2]} blocks",
            f"the {colors[3]} and {colors[4]} blocks",
        ]
        for block, color, slot, place in zip(blocks, colors, SLOTS, places, strict=True):
            target = (tuple(utils.apply(stand_pose, slot)), tuple(stand_pose[1]))
            self.add_goal(
                objs=[block],
                matches=np.ones((1, 1)),
                targ_poses=[target],
                replace=False,
                rotations=True,
                metric="pose",
                params=None,
                step_max_reward=1 / 6,
                symmetries=[np.pi / 2],
                language_goal=self.lang_template.format(pick=color, place=place),
            )
