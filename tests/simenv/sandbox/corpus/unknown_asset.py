"""Hostile/broken corpus: loads an asset path that does not exist."""
# ruff: noqa

import numpy as np
from cliport.tasks.task import Task


class CorpusUnknownAsset(Task):
    def __init__(self):
        super().__init__()
        self.max_steps = 3
        self.lang_template = "put the block in the bowl"
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        pose = self.get_random_pose(env, (0.04, 0.04, 0.04))
        env.add_object("block/blok.urdf", pose)
