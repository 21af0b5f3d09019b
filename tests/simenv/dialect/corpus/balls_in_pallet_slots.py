# fmt: off
# ruff: noqa
# CLIPort parity: four balls, one goal each, into slots 0.1 m apart on a pallet (rotations and a
# quarter-turn symmetry). The slots fit CLIPort's 0.30 x 0.25 pallet (no warning).
import numpy as np
from cliport.tasks.task import Task
from cliport.utils import utils


class BallsIntoPalletSlots(Task):
    """Place the balls in a row of slots along the pallet, in colour order."""

    def __init__(self):
        super().__init__()
        self.max_steps = 8
        self.lang_template = "place the {color} ball in its slot on the pallet"
        self.task_completed_desc = "done placing balls."
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        pallet_size = (0.3, 0.3, 0.05)
        pallet_pose = self.get_random_pose(env, pallet_size)
        env.add_object('pallet/pallet.urdf', pallet_pose, 'fixed')

        # Slots along the pallet, 0.1 m apart.
        slots = [(0, -0.1, 0.03), (0, 0, 0.03), (0, 0.1, 0.03), (0, 0.2, 0.03)]
        targs = [(utils.apply(pallet_pose, slot), pallet_pose[1]) for slot in slots]

        colors = ['red', 'green', 'blue', 'yellow']
        ball_size = (0.04, 0.04, 0.04)
        balls = []
        for color in colors:
            ball_pose = self.get_random_pose(env, ball_size)
            balls.append(env.add_object('ball/ball.urdf', ball_pose, color=utils.COLORS[color]))

        for i, color in enumerate(colors):
            self.add_goal(objs=[balls[i]], matches=np.ones((1, 1)), targ_poses=[targs[i]], replace=False,
                          rotations=True, metric='pose', params=None, step_max_reward=1 / 4,
                          symmetries=[np.pi / 2], language_goal=self.lang_template.format(color=color))
