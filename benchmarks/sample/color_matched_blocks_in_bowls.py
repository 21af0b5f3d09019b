# fmt: off
# ruff: noqa
# A GenSim-style task file for the episode benchmark's stand-in sample (benchmarks/bench_episodes.py):
# written the way GenSim's generated tasks are (CLIPort imports, a colour per object, one goal
# per object), three pick-and-place steps.
import numpy as np
from cliport.tasks.task import Task
from cliport.utils import utils


class ColorMatchedBlocksInBowls(Task):
    """Put each block in the bowl of the same colour."""

    def __init__(self):
        super().__init__()
        self.max_steps = 6
        self.lang_template = "put the {color} block in the {color} bowl"
        self.task_completed_desc = "done placing blocks in bowls."
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        colors = ['red', 'green', 'blue']
        bowl_size = (0.12, 0.12, 0)
        block_size = (0.04, 0.04, 0.04)
        bowl_poses = []
        for color in colors:
            bowl_pose = self.get_random_pose(env, bowl_size)
            env.add_object('bowl/bowl.urdf', bowl_pose, 'fixed', color=utils.COLORS[color])
            bowl_poses.append(bowl_pose)
        for color, bowl_pose in zip(colors, bowl_poses):
            block_pose = self.get_random_pose(env, block_size)
            block_id = env.add_object('block/block.urdf', block_pose, color=utils.COLORS[color])
            self.add_goal(objs=[block_id], matches=np.ones((1, 1)), targ_poses=[bowl_pose], replace=False,
                          rotations=True, metric='pose', params=None, step_max_reward=1 / 3,
                          language_goal=self.lang_template.format(color=color))
