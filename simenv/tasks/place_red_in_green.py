"""Place red in green: every red block goes into a green bowl."""

from __future__ import annotations

import numpy as np

from simenv import utils
from simenv.environment import Environment
from simenv.task import Task


class PlaceRedInGreen(Task):
    """Pick up the red blocks and place them in the green bowls, among distractor blocks and bowls of other colours."""

    def __init__(self) -> None:
        super().__init__()
        self.max_steps = 10
        self.lang_template = "put the red blocks in a green bowl"
        self.task_completed_desc = "done placing blocks in bowls."
        self.additional_reset()

    def reset(self, env: Environment) -> None:
        super().reset(env)
        bowl_size, block_size = (0.12, 0.12, 0.0), (0.04, 0.04, 0.04)

        # 1-3 green bowls and at most as many red blocks.
        n_bowls = np.random.randint(1, 4)
        n_blocks = np.random.randint(1, n_bowls + 1)
        bowl_poses = []
        for _ in range(n_bowls):
            pose = self.get_random_pose(env, bowl_size)
            env.add_object("bowl/bowl.urdf", pose, "fixed", color="green")
            bowl_poses.append(pose)
        blocks = []
        for _ in range(n_blocks):
            pose = self.get_random_pose(env, block_size)
            blocks.append(env.add_object("block/block.urdf", pose, color="red"))

        # Every red block in some green bowl (a bowl may take several).
        self.add_goal(
            objs=blocks,
            matches=np.ones((n_blocks, n_bowls)),
            targ_poses=bowl_poses,
            replace=True,
            rotations=False,
            metric="pose",
            params=None,
            step_max_reward=1.0,
            language_goal=self.lang_template,
        )

        # Up to five distractor blocks and bowls in other colours, where there is room.
        colors = [c for c in utils.COLORS if c not in ("red", "green")]
        for _ in range(np.random.randint(0, 6)):
            is_block = np.random.rand() > 0.5
            pose = self.get_random_pose(env, block_size if is_block else bowl_size)
            if pose[0] is None:
                continue
            color = colors[np.random.randint(len(colors))]
            if is_block:
                env.add_object("block/block.urdf", pose, color=color)
            else:
                env.add_object("bowl/bowl.urdf", pose, "fixed", color=color)
