"""Sweeping piles: push a pile of small blocks into a target zone with the spatula."""

from __future__ import annotations

import numpy as np

from simenv import primitives
from simenv.environment import Environment
from simenv.grippers import Spatula
from simenv.task import Task

ZONE_SIZE = (0.12, 0.12, 0.0)
#: Asset paths this task loads (the particles through ``make_piles``).
ASSETS = ("zone/zone.urdf", "block/small.urdf")


class SweepingPiles(Task):
    """Push the pile of fifty small blocks into the green square with the spatula, until every block lies inside the square."""

    def __init__(self) -> None:
        super().__init__()
        self.max_steps = 20
        self.lang_template = "push the pile of blocks into the green square"
        self.task_completed_desc = "done sweeping."
        self.additional_reset()
        # The template says "pile", not the "piles" keyword that selects these; set them here.
        self.ee = Spatula
        self.primitive = primitives.push

    def reset(self, env: Environment) -> None:
        super().reset(env)
        zone_pose = self.get_random_pose(env, ZONE_SIZE)
        env.add_object("zone/zone.urdf", zone_pose, "fixed", color="green")
        blocks = self.make_piles(env, block_color="black")
        self.add_goal(
            objs=blocks,
            matches=np.ones((len(blocks), 1)),
            targ_poses=[zone_pose],
            replace=True,
            rotations=False,
            metric="zone",
            params=[(zone_pose, ZONE_SIZE)],
            step_max_reward=1.0,
            language_goal=self.lang_template,
        )
