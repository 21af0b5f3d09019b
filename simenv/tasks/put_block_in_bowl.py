"""Put block in bowl: blocks of one colour go into bowls of another colour."""

from __future__ import annotations

import numpy as np

from simenv import utils
from simenv.environment import Environment
from simenv.task import Task


class PutBlockInBowl(Task):
    """Pick up the blocks of the named colour and place them in the bowls of the other named colour, ignoring distractor blocks and bowls."""

    def __init__(self) -> None:
        super().__init__()
        self.max_steps = 10
        self.lang_template = "put the {pick} blocks in a {place} bowl"
        self.task_completed_desc = "done placing blocks in bowls."
        self.additional_reset()

    def reset(self, env: Environment) -> None:
        super().reset(env)
        _, names = utils.get_colors(self.mode, n_colors=2)
        block_color, bowl_color = names
        bowl_size, block_size = (0.12, 0.12, 0.0), (0.04, 0.04, 0.04)

        # 1-3 bowls of one colour and at most as many blocks of the other.
        n_bowls = np.random.randint(1, 4)
        n_blocks = np.random.randint(1, n_bowls + 1)
        bowl_poses = []
        for _ in range(n_bowls):
            pose = self.get_random_pose(env, bowl_size)
            env.add_object("bowl/bowl.urdf", pose, "fixed", color=bowl_color)
            bowl_poses.append(pose)
        blocks = []
        for _ in range(n_blocks):
            pose = self.get_random_pose(env, block_size)
            blocks.append(env.add_object("block/block.urdf", pose, color=block_color))
        self.add_goal(
            objs=blocks,
            matches=np.ones((n_blocks, n_bowls)),
            targ_poses=bowl_poses,
            replace=True,
            rotations=False,
            metric="pose",
            params=None,
            step_max_reward=1.0,
            language_goal=self.lang_template.format(pick=block_color, place=bowl_color),
        )

        # Distractors in the split's other colours: up to five blocks and bowls.
        others = [c for c in utils.get_colors_names(self.mode) if c not in names]
        for _ in range(np.random.randint(0, 6)):
            is_block = np.random.rand() > 0.5
            pose = self.get_random_pose(env, block_size if is_block else bowl_size)
            if pose[0] is None:
                continue
            color = others[np.random.randint(len(others))]
            if is_block:
                env.add_object("block/block.urdf", pose, color=color)
            else:
                env.add_object("bowl/bowl.urdf", pose, "fixed", color=color)
