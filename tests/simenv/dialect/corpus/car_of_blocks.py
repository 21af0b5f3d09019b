# fmt: off
# ruff: noqa
# CLIPort parity: a car of blocks at a fixed offset from a corner anchor; the body's target is
# on the table, overlapping the two base blocks, so it lands across them. Whether it stays
# depends on the contact physics (CLIPort's friction and inertia scaling; no warning).
import numpy as np
from cliport.tasks.task import Task
from cliport.utils import utils


class CarOfBlocks(Task):
    """Assemble a car: two base blocks, a body on top, four wheels around."""

    def __init__(self):
        super().__init__()
        self.max_steps = 15
        self.lang_template = "assemble a car out of blocks and cylinders"
        self.task_completed_desc = "done assembling car."
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        car = ((0.5, 0.0, 0.0), (0, 0, 0, 1))
        self.add_corner_anchor_for_pose(env, car)
        box_template = 'box/box-template.urdf'

        base_size = (0.02, 0.04, 0.02)
        base_urdf = self.fill_template(box_template, {'DIM': base_size})
        base = [env.add_object(base_urdf, self.get_random_pose(env, base_size), color=utils.COLORS['red'])
                for _ in range(2)]
        base_targs = [(utils.apply(car, (dx, 0.02, 0.001)), car[1]) for dx in (0.02, -0.02)]

        body_size = (0.04, 0.02, 0.02)
        body_urdf = self.fill_template(box_template, {'DIM': body_size})
        body = env.add_object(body_urdf, self.get_random_pose(env, body_size), color=utils.COLORS['blue'])

        wheel_size = (0.02, 0.02, 0.02)
        wheel_urdf = self.fill_template('cylinder/cylinder-template.urdf', {'DIM': wheel_size})
        wheels = [env.add_object(wheel_urdf, self.get_random_pose(env, wheel_size), color=utils.COLORS['black'])
                  for _ in range(4)]
        wheel_targs = [(utils.apply(car, (dx, dy, 0.001)), car[1]) for dx in (0.06, -0.06) for dy in (0.06, -0.06)]

        self.add_goal(objs=base, matches=np.ones((2, 2)), targ_poses=base_targs, replace=False,
                      rotations=True, metric='pose', params=None, step_max_reward=1 / 3,
                      language_goal="put the two red blocks side by side")
        self.add_goal(objs=[body], matches=np.ones((1, 1)), targ_poses=[car], replace=False,
                      rotations=True, metric='pose', params=None, step_max_reward=1 / 3,
                      language_goal="put the blue block on the red blocks")
        self.add_goal(objs=wheels, matches=np.ones((4, 4)), targ_poses=wheel_targs, replace=False,
                      rotations=True, metric='pose', params=None, step_max_reward=1 / 3,
                      language_goal="put a black cylinder at each corner of the car")
