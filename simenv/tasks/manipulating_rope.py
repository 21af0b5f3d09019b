"""Manipulating rope: lay the rope along the open side of a three-sided square to close it."""

from __future__ import annotations

import numpy as np

from simenv import utils
from simenv.environment import Environment
from simenv.task import Task

N_PARTS = 20
RADIUS = 0.005
#: Side of the square: a rope of N_PARTS beads spaced 2 * RADIUS * sqrt(2) apart is this long.
LENGTH = 2 * RADIUS * N_PARTS * float(np.sqrt(2))


class ManipulatingRope(Task):
    """Manipulate the rope of twenty linked beads so that it lies straight along the open side of the three-sided square, completing the square."""

    def __init__(self) -> None:
        super().__init__()
        self.max_steps = 12
        self.lang_template = "manipulate the rope to complete the square"
        self.task_completed_desc = "done manipulating the rope."
        self.additional_reset()

    def reset(self, env: Environment) -> None:
        super().reset(env)
        # The three-sided square outline, open on its +y side.
        square_pose = self.get_random_pose(env, (LENGTH, LENGTH, 0.0))
        square = self.fill_template(
            "square/square-template.urdf", {"DIM": (LENGTH,), "HALF": (LENGTH / 2 - 0.005,)}
        )
        env.add_object(square, square_pose, "fixed")

        # The rope's targets run between the two tips of the open side (1 mm above the table).
        corners = (
            tuple(utils.apply(square_pose, (-LENGTH / 2, LENGTH / 2, 0.001))),
            tuple(utils.apply(square_pose, (LENGTH / 2, LENGTH / 2, 0.001))),
        )
        objects, targets, matches = self.make_ropes(env, corners, radius=RADIUS, n_parts=N_PARTS)
        self.add_goal(
            objs=objects,
            matches=matches,
            targ_poses=targets,
            replace=False,
            rotations=False,
            metric="pose",
            params=None,
            step_max_reward=1.0,
            language_goal=self.lang_template,
        )
