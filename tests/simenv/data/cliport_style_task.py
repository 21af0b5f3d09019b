"""A task file written exactly as for CLIPort / GenSim: it must run unchanged."""

import numpy as np
import pybullet as p  # noqa: F401
from cliport.tasks import primitives  # noqa: F401
from cliport.tasks.grippers import Spatula  # noqa: F401
from cliport.tasks.task import Task
from cliport.utils import utils


class PlaceBlueOnYellowZone(Task):
    """Place the blue block in the yellow zone."""

    def __init__(self):
        super().__init__()
        self.max_steps = 5
        self.lang_template = "put the blue block on the yellow zone"
        self.task_completed_desc = "done placing."
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        zone_size = (0.12, 0.12, 0)
        zone_pose = self.get_random_pose(env, zone_size)
        env.add_object("zone/zone.urdf", zone_pose, "fixed", color=utils.COLORS["yellow"])
        block_urdf = self.fill_template("block/block-template.urdf", {"DIM": (0.04, 0.04, 0.04)})
        block_pose = self.get_random_pose(env, (0.04, 0.04, 0.04))
        block = env.add_object(block_urdf, block_pose, color=utils.COLORS["blue"])
        self.add_goal(
            objs=[block],
            matches=np.ones((1, 1)),
            targ_poses=[zone_pose],
            replace=False,
            rotations=False,
            metric="pose",
            params=None,
            step_max_reward=1,
            language_goal=self.lang_template,
        )
