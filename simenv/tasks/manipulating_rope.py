"""Manipulating rope: lay the rope along the open side of a three-sided square to close it."""

from __future__ import annotations

from simenv.task import Task
from simenv.tasks._rope import add_rope_goal, add_square, corner


class ManipulatingRope(Task):
    """Manipulate the rope of twenty linked beads so that it lies straight along the open side of the three-sided square, completing the square."""

    def __init__(self) -> None:
        super().__init__()
        self.max_steps = 12
        self.lang_template = "manipulate the rope to complete the square"
        self.task_completed_desc = "done manipulating the rope."
        self.additional_reset()

    def reset(self, env) -> None:  # type: ignore[no-untyped-def]
        super().reset(env)
        square_pose = add_square(self, env)
        corners = (corner(square_pose, "left tip"), corner(square_pose, "right tip"))
        add_rope_goal(self, env, corners, self.lang_template)
