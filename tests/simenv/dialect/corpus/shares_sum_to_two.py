# fmt: off
# ruff: noqa
# Judge's check, no parity: six goals of 1/6 then a final goal worth 1 (shares sum to 2). CLIPort
# ends the episode before the last goal is scored; the judge refuses the goals at reset.
import numpy as np
from cliport.tasks.task import Task
from cliport.utils import utils


class PyramidThenCheck(Task):
    """Build a pyramid of six blocks, then check that all of them are in place."""

    def __init__(self):
        super().__init__()
        self.max_steps = 12
        self.lang_template = "build a pyramid with the {color} block"
        self.task_completed_desc = "done building the pyramid."
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        base_size = (0.05, 0.15, 0.005)
        base_pose = self.get_random_pose(env, base_size)
        env.add_object('stacking/stand.urdf', base_pose, 'fixed')

        places = [(0, -0.05, 0.03), (0, 0, 0.03), (0, 0.05, 0.03),
                  (0, -0.025, 0.08), (0, 0.025, 0.08), (0, 0, 0.13)]
        targs = [(utils.apply(base_pose, place), base_pose[1]) for place in places]

        colors = ['red', 'orange', 'yellow', 'green', 'blue', 'purple']
        blocks = []
        for color in colors:
            block_pose = self.get_random_pose(env, (0.04, 0.04, 0.04))
            blocks.append(env.add_object('stacking/block.urdf', block_pose, color=utils.COLORS[color]))

        for i, color in enumerate(colors):
            self.add_goal(objs=[blocks[i]], matches=np.ones((1, 1)), targ_poses=[targs[i]],
                          replace=False, rotations=True, metric='pose', params=None,
                          step_max_reward=1 / 6, language_goal=self.lang_template.format(color=color))

        # Finally: every block in its place.
        self.add_goal(objs=blocks, matches=np.eye(6), targ_poses=targs, replace=False,
                      rotations=True, metric='pose', params=None, step_max_reward=1,
                      language_goal="check the pyramid")
