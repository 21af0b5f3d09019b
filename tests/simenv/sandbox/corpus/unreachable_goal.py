"""Hostile/broken corpus: sets a goal the expert cannot reach (no object may go to the target)."""
# ruff: noqa

import numpy as np
from cliport.tasks.task import Task


class CorpusUnreachableGoal(Task):
    def __init__(self):
        super().__init__()
        self.max_steps = 3
        self.lang_template = "put the block in the bowl"
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        block_pose = self.get_random_pose(env, (0.04, 0.04, 0.04))
        block = env.add_object("block/block.urdf", block_pose, color="red")
        target = self.get_random_pose(env, (0.12, 0.12, 0.0))
        env.add_object("bowl/bowl.urdf", target, "fixed", color="green")
        self.add_goal(
            objs=[block],
            matches=np.zeros((1, 1)),
            targ_poses=[target],
            replace=False,
            rotations=False,
            metric="pose",
            params=None,
            step_max_reward=1.0,
            language_goal=self.lang_template,
        )
