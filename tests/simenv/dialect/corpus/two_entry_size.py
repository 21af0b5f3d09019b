# fmt: off
# ruff: noqa
# Dialect rule: an obj_size with two entries gets a height of 0.05 m (warning).
import numpy as np
from cliport.tasks.task import Task
from cliport.utils import utils


class BlockOnPalletTwoEntries(Task):
    """Put the purple block on the pallet."""

    def __init__(self):
        super().__init__()
        self.max_steps = 3
        self.lang_template = "put the purple block on the pallet"
        self.task_completed_desc = "done."
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        pallet_size = (0.15, 0.15)
        pallet_pose = self.get_random_pose(env, pallet_size)
        pallet_pose[0][2] = 0.0
        env.add_object('pallet/pallet.urdf', pallet_pose, 'fixed')
        block_pose = self.get_random_pose(env, (0.04, 0.04, 0.04))
        block_id = env.add_object('block/block.urdf', block_pose, color='purple')
        self.add_goal(objs=[block_id], matches=np.ones((1, 1)), targ_poses=[pallet_pose], replace=True,
                      rotations=False, metric='zone', params=[(pallet_pose, (0.15, 0.15, 0))],
                      step_max_reward=1, language_goal=self.lang_template)
