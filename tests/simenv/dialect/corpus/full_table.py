# fmt: off
# ruff: noqa
# Dialect rule: a full table stays an error (get_random_pose -> (None, None); add_object says so).
import numpy as np
from cliport.tasks.task import Task
from cliport.utils import utils


class TooManyContainers(Task):
    """Put the block in one of many containers."""

    def __init__(self):
        super().__init__()
        self.max_steps = 3
        self.lang_template = "put the block in a container"
        self.task_completed_desc = "done."
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        container_size = (0.2, 0.2, 0.05)
        for _ in range(40):
            pose = self.get_random_pose(env, container_size)
            urdf = self.fill_template('container/container-template.urdf',
                                      {'DIM': container_size, 'HALF': (0.1, 0.1, 0.025)})
            env.add_object(urdf, pose, 'fixed')
