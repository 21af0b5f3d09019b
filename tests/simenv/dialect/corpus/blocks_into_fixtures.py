# fmt: off
# ruff: noqa
# CLIPort parity: CLIPort's L-shaped fixture takes a 4 cm cube in each of its 5 cm cells. Every
# goal here names the last fixture's pose (a slip a model makes), so the four blocks are stacked
# in one cell; they stand only if the first reaches the table (no warning).
import numpy as np
from cliport.tasks.task import Task
from cliport.utils import utils


class ColoredBlocksIntoFixtures(Task):
    """Insert the coloured blocks into the fixtures; spheres stand in the way."""

    def __init__(self):
        super().__init__()
        self.max_steps = 20
        self.lang_template = "insert the {color} block into the {color} fixture"
        self.task_completed_desc = "done inserting blocks."
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        colors = ['red', 'blue', 'green', 'yellow']
        items = {}
        for color in colors:
            block_pose = self.get_random_pose(env, (0.04, 0.04, 0.04))
            block_id = env.add_object('block/block.urdf', block_pose, color=utils.COLORS[color])
            fixture_size = (0.06, 0.06, 0.02)
            fixture_pose = self.get_random_pose(env, fixture_size)
            fixture_id = env.add_object('insertion/fixture.urdf', fixture_pose, color=utils.COLORS[color])
            items[color] = (block_id, fixture_id)

        for color in colors:
            sphere_pose = self.get_random_pose(env, (0.04, 0.04, 0.04))
            env.add_object('sphere/sphere.urdf', sphere_pose, color=utils.COLORS[color])

        for color, (block_id, fixture_id) in items.items():
            self.add_goal(objs=[block_id], matches=np.ones((1, 1)), targ_poses=[fixture_pose], replace=False,
                          rotations=True, metric='pose', params=None, step_max_reward=1 / 4,
                          language_goal=self.lang_template.format(color=color))
