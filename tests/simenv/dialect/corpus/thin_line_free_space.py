# fmt: off
# ruff: noqa
# CLIPort parity: free space is what objects cover as turned, so a thin 0.3 m line at a slant
# leaves room for four containers and their blocks (no warning).
import numpy as np
from cliport.tasks.task import Task
from cliport.utils import utils


class BlocksIntoContainersByTheLine(Task):
    """Put each block in the container of the same colour; a line marks the start."""

    def __init__(self):
        super().__init__()
        self.max_steps = 8
        self.lang_template = "put the {color} block in the {color} container"
        self.task_completed_desc = "done."
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        # A thin start line.
        line_size = (0.3, 0.01, 0.01)
        line_pose = self.get_random_pose(env, line_size)
        line_urdf = self.fill_template('line/line-template.urdf',
                                       {'DIM': line_size, 'COLOR': utils.COLORS['white']})
        env.add_object(line_urdf, line_pose, 'fixed')

        # Four containers, one per colour.
        colors = ['red', 'green', 'blue', 'yellow']
        container_size = (0.15, 0.15, 0.05)
        container_poses = []
        for color in colors:
            container_pose = self.get_random_pose(env, container_size)
            container_urdf = self.fill_template('container/container-template.urdf',
                                                {'DIM': container_size, 'HALF': (0.075, 0.075, 0.025)})
            env.add_object(container_urdf, container_pose, 'fixed', color=utils.COLORS[color])
            container_poses.append(container_pose)

        # One block per container.
        for i, color in enumerate(colors):
            block_pose = self.get_random_pose(env, (0.04, 0.04, 0.04))
            block_id = env.add_object('block/block.urdf', block_pose, color=utils.COLORS[color])
            self.add_goal(objs=[block_id], matches=np.ones((1, 1)), targ_poses=[container_poses[i]],
                          replace=False, rotations=True, metric='pose', params=None,
                          step_max_reward=1 / 4, language_goal=self.lang_template.format(color=color))
