"""Align rope: stretch the rope straight between two named corners of a three-sided square."""

from __future__ import annotations

import numpy as np

from simenv.task import Task
from simenv.tasks._rope import add_rope_goal, add_square, corner

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

    def reset(self, env) -> None:  # type: ignore[no-untyped-def]
        super().reset(env)
        square_pose = add_square(self, env)
        start, end = SIDES[np.random.randint(len(SIDES))]
        corners = (corner(square_pose, start), corner(square_pose, end))
        add_rope_goal(self, env, corners, self.lang_template.format(start=start, end=end))
