# fmt: off
# ruff: noqa
# CLIPort parity: matches of shape (2, 2) with four target poses; CLIPort reads row i as the
# targets object i may take, so targets 2 and 3 take no object (warning).
import numpy as np
from cliport.tasks.task import Task
from cliport.utils import utils


class TwoBlocksOnFourSpots(Task):
    """Place the red and the blue block on the marked spots in front of the base."""

    def __init__(self):
        super().__init__()
        self.max_steps = 6
        self.lang_template = "place the red and blue blocks on the marked spots"
        self.task_completed_desc = "done placing blocks."
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        base_size = (0.2, 0.2, 0.01)
        base_pose = self.get_random_pose(env, base_size)
        env.add_object('zone/zone.urdf', base_pose, 'fixed')

        # Four spots on the base, one per corner.
        spots = [(-0.05, -0.05, 0.02), (0.05, -0.05, 0.02), (-0.05, 0.05, 0.02), (0.05, 0.05, 0.02)]
        targ_poses = [(utils.apply(base_pose, spot), base_pose[1]) for spot in spots]

        blocks = []
        for color in ['red', 'blue']:
            block_pose = self.get_random_pose(env, (0.04, 0.04, 0.04))
            blocks.append(env.add_object('block/block.urdf', block_pose, color=utils.COLORS[color]))

        self.add_goal(objs=blocks, matches=np.ones((2, 2)), targ_poses=targ_poses, replace=False,
                      rotations=True, metric='pose', params=None, step_max_reward=1,
                      language_goal=self.lang_template)
