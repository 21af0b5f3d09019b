# fmt: off
# ruff: noqa
# CLIPort parity: one (4, 4) matches matrix reused for goals of one block and one target each;
# CLIPort only reads row 0, whose only non-zero entry is target 0 (warning).
import numpy as np
from cliport.tasks.task import Task
from cliport.utils import utils


class BlocksInARowOneByOne(Task):
    """Line up four blocks in a row, one at a time."""

    def __init__(self):
        super().__init__()
        self.max_steps = 8
        self.lang_template = "put the {color} block in the row"
        self.task_completed_desc = "done lining up blocks."
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        row_size = (0.3, 0.06, 0.005)
        row_pose = self.get_random_pose(env, row_size)
        colors = ['red', 'green', 'blue', 'yellow']
        targ_poses = [(utils.apply(row_pose, (-0.09 + 0.06 * i, 0, 0.02)), row_pose[1])
                      for i in range(4)]

        # Each block goes to its own place in the row.
        matches = np.eye(4)
        for i, color in enumerate(colors):
            block_pose = self.get_random_pose(env, (0.04, 0.04, 0.04))
            block_id = env.add_object('block/block.urdf', block_pose, color=utils.COLORS[color])
            self.add_goal(objs=[block_id], matches=matches, targ_poses=[targ_poses[i]], replace=False,
                          rotations=True, metric='pose', params=None, step_max_reward=1 / 4,
                          language_goal=self.lang_template.format(color=color))
