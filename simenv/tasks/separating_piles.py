"""Separating piles: push a pile of small blocks into the named one of two coloured squares."""

from __future__ import annotations

import numpy as np

from simenv import primitives, utils
from simenv.environment import Environment
from simenv.grippers import Spatula
from simenv.task import Task

ZONE_SIZE = (0.12, 0.12, 0.0)
#: Asset paths this task loads (the particles through ``make_piles``).
ASSETS = ("zone/zone.urdf", "block/small.urdf")


class SeparatingPiles(Task):
    """Push the pile of fifty small blocks with the spatula into the square of the named colour, not into the other square, until every block lies inside it."""

    def __init__(self) -> None:
        super().__init__()
        self.max_steps = 20
        self.lang_template = "push the pile of {block_color} blocks into the {square_color} square"
        self.task_completed_desc = "done separating pile."
        self.additional_reset()
        # The template says "pile", not the "piles" keyword that selects these; set them here.
        self.ee = Spatula
        self.primitive = primitives.push

    def reset(self, env: Environment) -> None:
        super().reset(env)
        square_colors = list(np.random.choice(utils.get_colors_names(self.mode), 2, replace=False))
        zones = []
        for color in square_colors:
            pose = self.get_random_pose(env, ZONE_SIZE)
            env.add_object("zone/zone.urdf", pose, "fixed", color=color)
            zones.append(pose)
        others = [c for c in utils.get_colors_names(self.mode) if c not in square_colors]
        block_color = str(np.random.choice(others))
        blocks = self.make_piles(env, block_color=block_color)
        target = np.random.randint(2)
        self.add_goal(
            objs=blocks,
            matches=np.ones((len(blocks), 1)),
            targ_poses=[zones[target]],
            replace=True,
            rotations=False,
            metric="zone",
            params=[(zones[target], ZONE_SIZE)],
            step_max_reward=1.0,
            language_goal=self.lang_template.format(
                block_color=block_color, square_color=square_colors[target]
            ),
        )
