"""Stack block pyramid, step by step: each instruction names one block and where it goes."""

from __future__ import annotations

import numpy as np

from simenv import utils
from simenv.task import Task
from simenv.tasks._pyramid import SLOT_NAMES, add_stand_and_blocks, row_targets


class StackBlockPyramidSeq(Task):
    """Build a 3-2-1 pyramid of six coloured blocks on the stand one block at a time, following an instruction per step that names the block's colour and where to put it."""

    def __init__(self) -> None:
        super().__init__()
        self.max_steps = 12
        self.lang_template = "put the {pick} block on {place}"
        self.task_completed_desc = "done stacking block pyramid."
        self.additional_reset()

    def reset(self, env) -> None:  # type: ignore[no-untyped-def]
        super().reset(env)
        _, colors = utils.get_colors(self.mode, n_colors=6)
        stand_pose, blocks = add_stand_and_blocks(self, env, colors)
        slots = [pose for row in row_targets(stand_pose) for pose in row]
        # Where each block goes, in words: the stand's slots, then the blocks it rests on.
        places = [
            *SLOT_NAMES,
            f"the {colors[0]} and {colors[1]} blocks",
            f"the {colors[1]} and {colors[2]} blocks",
            f"the {colors[3]} and {colors[4]} blocks",
        ]
        for block, color, slot, place in zip(blocks, colors, slots, places, strict=True):
            self.add_goal(
                objs=[block],
                matches=np.ones((1, 1)),
                targ_poses=[slot],
                replace=False,
                rotations=True,
                metric="pose",
                params=None,
                step_max_reward=1 / 6,
                symmetries=[np.pi / 2],
                language_goal=self.lang_template.format(pick=color, place=place),
            )
