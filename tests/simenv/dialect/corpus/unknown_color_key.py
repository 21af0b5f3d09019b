# fmt: off
# ruff: noqa
# Dialect rule: an unknown colour looked up as utils.COLORS[name] is a KeyError naming the nearest.
import numpy as np
from cliport.tasks.task import Task
from cliport.utils import utils


class ChartreuseBlock(Task):
    """Put the chartreuse block in the zone."""

    def __init__(self):
        super().__init__()
        self.max_steps = 3
        self.lang_template = "put the chartreuse block in the zone"
        self.task_completed_desc = "done."
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        block_pose = self.get_random_pose(env, (0.04, 0.04, 0.04))
        env.add_object('block/block.urdf', block_pose, color=utils.COLORS['chartreuse'] + [1])
