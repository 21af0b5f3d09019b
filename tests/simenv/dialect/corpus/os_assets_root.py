# fmt: off
# ruff: noqa
# Dialect rule: `import os` for os.path.join(self.assets_root, ...), and utils.COLORS as rgb lists.
import numpy as np
import os
import pybullet as p
import random
from cliport.tasks.task import Task
from cliport.utils import utils


class PlaceBlockInZoneAssetsRoot(Task):
    """Place the red block inside the green zone."""

    def __init__(self):
        super().__init__()
        self.max_steps = 3
        self.lang_template = "place the red block in the green zone"
        self.task_completed_desc = "done placing block."
        self.additional_reset()

    def reset(self, env):
        super().reset(env)

        # Add zone.
        zone_size = (0.12, 0.12, 0)
        zone_pose = self.get_random_pose(env, zone_size)
        zone_urdf = os.path.join(self.assets_root, 'zone/zone.urdf')
        env.add_object(zone_urdf, zone_pose, 'fixed', color=utils.COLORS['green'] + [1])

        # Add block.
        block_size = (0.04, 0.04, 0.04)
        block_urdf = os.path.join(self.assets_root, 'block', 'block.urdf')
        block_pose = self.get_random_pose(env, block_size)
        block_id = env.add_object(block_urdf, block_pose, color=utils.COLORS['red'])

        self.add_goal(objs=[block_id], matches=np.ones((1, 1)), targ_poses=[zone_pose], replace=True,
                      rotations=False, metric='zone', params=[(zone_pose, zone_size)], step_max_reward=1,
                      language_goal=self.lang_template)
