# fmt: off
# ruff: noqa
# Dialect rule: `copy` and `pprint` are allowed (pose copies, debugging prints).
import copy
import numpy as np
import pprint
from cliport.tasks.task import Task
from cliport.utils import utils


class StackTwoBlocksCopy(Task):
    """Stack the blue block on top of the yellow block."""

    def __init__(self):
        super().__init__()
        self.max_steps = 3
        self.lang_template = "stack the blue block on the yellow block"
        self.task_completed_desc = "done stacking."
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        block_size = (0.04, 0.04, 0.04)
        base_pose = self.get_random_pose(env, block_size)
        env.add_object('block/block.urdf', base_pose, 'fixed', color=utils.COLORS['yellow'])

        # The target is a copy of the base pose, one block higher.
        target_pose = copy.deepcopy(base_pose)
        target_pose[0][2] += block_size[2]
        pprint.pprint(target_pose)

        top_pose = self.get_random_pose(env, block_size)
        top_id = env.add_object('block/block.urdf', top_pose, color=utils.COLORS['blue'])
        self.add_goal(objs=[top_id], matches=np.ones((1, 1)), targ_poses=[target_pose], replace=False,
                      rotations=False, metric='pose', params=None, step_max_reward=1,
                      language_goal=self.lang_template)
