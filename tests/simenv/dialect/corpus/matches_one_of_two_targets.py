# fmt: off
# ruff: noqa
# CLIPort parity: matches of shape (1, 1) with two target poses; the block may only take the
# first (warning).
import numpy as np
from cliport.tasks.task import Task
from cliport.utils import utils


class BlockBesideTheBowl(Task):
    """Put the green block on the left side of the bowl."""

    def __init__(self):
        super().__init__()
        self.max_steps = 3
        self.lang_template = "put the green block on the left side of the bowl"
        self.task_completed_desc = "done."
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        bowl_size = (0.12, 0.12, 0)
        bowl_pose = self.get_random_pose(env, bowl_size)
        env.add_object('bowl/bowl.urdf', bowl_pose, 'fixed', color=utils.COLORS['blue'])

        left = (utils.apply(bowl_pose, (0, -0.1, 0.02)), bowl_pose[1])
        right = (utils.apply(bowl_pose, (0, 0.1, 0.02)), bowl_pose[1])

        block_pose = self.get_random_pose(env, (0.04, 0.04, 0.04))
        block_id = env.add_object('block/block.urdf', block_pose, color=utils.COLORS['green'])
        self.add_goal(objs=[block_id], matches=np.ones((1, 1)), targ_poses=[left, right],
                      replace=False, rotations=True, metric='pose', params=None, step_max_reward=1,
                      language_goal=self.lang_template)
