"""Align rope: stretch the rope straight between two named corners of a three-sided square."""

from __future__ import annotations

import numpy as np

from simenv import utils
from simenv.environment import Environment
from simenv.task import Task

N_PARTS = 20
RADIUS = 0.005
#: Side of the square: a rope of N_PARTS beads spaced 2 * RADIUS * sqrt(2) apart is this long.
LENGTH = 2 * RADIUS * N_PARTS * float(np.sqrt(2))
#: Corners in the square's frame (1 mm above the table); "tips" are the ends of the open +y side.
CORNERS = {
    "left tip": (-LENGTH / 2, LENGTH / 2, 0.001),
    "right tip": (LENGTH / 2, LENGTH / 2, 0.001),
    "back left corner": (-LENGTH / 2, -LENGTH / 2, 0.001),
    "back right corner": (LENGTH / 2, -LENGTH / 2, 0.001),
}
#: The four sides of the square, as pairs of named corners.
SIDES = (
    ("left tip", "right tip"),
    ("right tip", "back right corner"),
    ("left tip", "back left corner"),
    ("back right corner", "back left corner"),
)


class AlignRope(Task):
    """Align the rope of twenty linked beads straight along one side of the three-sided square, from one named corner to the other."""

    def __init__(self) -> None:
        super().__init__()
        self.max_steps = 12
        self.lang_template = "align the rope from the {start} to the {end}"
        self.task_completed_desc = "done aligning the rope."
        self.additional_reset()

    def reset(self, env: Environment) -> None:
        super().reset(env)
        square_pose = self.get_random_pose(env, (LENGTH, LENGTH, 0.0))
        square = self.fill_template(
            "square/square-template.urdf", {"DIM": (LENGTH,), "HALF": (LENGTH / 2 - 0.005,)}
        )
        env.add_object(square, square_pose, "fixed")

        start, end = SIDES[np.random.randint(len(SIDES))]
        corners = (
            tuple(utils.apply(square_pose, CORNERS[start])),
            tuple(utils.apply(square_pose, CORNERS[end])),
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
            language_goal=self.lang_template.format(start=start, end=end),
        )
