# fmt: off
# ruff: noqa
# Dialect rule: get_random_pose returns the position as a list, edited in place; a bare (x, y, z)
# target gets identity rotation.
import numpy as np
from cliport.tasks.task import Task
from cliport.utils import utils


class RaiseBlockOntoStand(Task):
    """Put the green block on the stand."""

    def __init__(self):
        super().__init__()
        self.max_steps = 3
        self.lang_template = "put the green block on the stand"
        self.task_completed_desc = "done."
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        stand_size = (0.05, 0.05, 0.005)
        stand_pose = self.get_random_pose(env, stand_size)
        env.add_object('stacking/stand.urdf', stand_pose, 'fixed')

        block_size = (0.04, 0.04, 0.04)
        block_pose = self.get_random_pose(env, block_size)
        block_pose[0][2] += 0.001
        block_id = env.add_object('block/block.urdf', block_pose, color='green')

        target = stand_pose[0]
        target[2] = stand_size[2] + block_size[2] / 2
        self.add_goal(objs=[block_id], matches=np.ones((1, 1)), targ_poses=[tuple(target)], replace=False,
                      rotations=False, metric='pose', params=None, step_max_reward=1,
                      language_goal=self.lang_template)
