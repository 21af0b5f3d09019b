# fmt: off
# ruff: noqa
# Dialect rule: a template passed to add_object without fill_template gets random sizes (warning).
import numpy as np
from cliport.tasks.task import Task
from cliport.utils import utils


class BoxInContainerUnfilled(Task):
    """Put the box into the zone."""

    def __init__(self):
        super().__init__()
        self.max_steps = 3
        self.lang_template = "put the box in the zone"
        self.task_completed_desc = "done."
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        zone_size = (0.12, 0.12, 0)
        zone_pose = self.get_random_pose(env, zone_size)
        env.add_object('zone/zone.urdf', zone_pose, 'fixed')

        box_size = (0.05, 0.05, 0.05)
        box_pose = self.get_random_pose(env, box_size)
        box_id = env.add_object('box/box-template.urdf', box_pose, color=utils.COLORS['orange'])
        self.add_goal(objs=[box_id], matches=np.ones((1, 1)), targ_poses=[zone_pose], replace=True,
                      rotations=False, metric='zone', params=[(zone_pose, zone_size)], step_max_reward=1,
                      language_goal=self.lang_template)
