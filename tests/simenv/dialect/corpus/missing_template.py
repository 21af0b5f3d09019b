# fmt: off
# ruff: noqa
# Dialect rule: a *-template.urdf that does not exist falls back to the file without -template (warning).
import numpy as np
from cliport.tasks.task import Task
from cliport.utils import utils


class BlockInBowlTemplate(Task):
    """Put the blue block in the bowl."""

    def __init__(self):
        super().__init__()
        self.max_steps = 3
        self.lang_template = "put the blue block in the bowl"
        self.task_completed_desc = "done."
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        bowl_size = (0.12, 0.12, 0)
        bowl_pose = self.get_random_pose(env, bowl_size)
        bowl_urdf = self.fill_template('bowl/bowl-template.urdf', {'DIM': bowl_size})
        env.add_object(bowl_urdf, bowl_pose, 'fixed')
        block_pose = self.get_random_pose(env, (0.04, 0.04, 0.04))
        block_id = env.add_object('block/block.urdf', block_pose, color='blue')
        self.add_goal(objs=[block_id], matches=np.ones((1, 1)), targ_poses=[bowl_pose], replace=True,
                      rotations=False, metric='pose', params=None, step_max_reward=1,
                      language_goal=self.lang_template)
