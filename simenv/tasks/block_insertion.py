"""Block insertion: the L-shaped block goes into the L-shaped hole of a fixture."""

from __future__ import annotations

import numpy as np

from simenv.environment import Environment
from simenv.task import Task

#: Footprint of the ell and of its fixture (metres), for free-space sampling.
ELL_SIZE = (0.1, 0.1, 0.04)
FIXTURE_SIZE = (0.12, 0.12, 0.04)


class BlockInsertion(Task):
    """Pick up the L-shaped block and insert it into the L-shaped hole of the fixture, matching its position and orientation."""

    def __init__(self) -> None:
        super().__init__()
        self.max_steps = 3
        self.lang_template = "put the L shape block in the L shape hole"
        self.task_completed_desc = "done with insertion."
        self.additional_reset()

    def reset(self, env: Environment) -> None:
        super().reset(env)
        ell_pose = self.get_random_pose(env, ELL_SIZE)
        ell = env.add_object("insertion/ell.urdf", ell_pose)
        fixture_pose = self.get_random_pose(env, FIXTURE_SIZE)
        env.add_object("insertion/fixture.urdf", fixture_pose, "fixed")
        self.add_goal(
            objs=[ell],
            matches=np.ones((1, 1)),
            targ_poses=[fixture_pose],
            replace=False,
            rotations=True,
            metric="pose",
            params=None,
            step_max_reward=1.0,
            symmetries=[2 * np.pi],
            language_goal=self.lang_template,
        )
