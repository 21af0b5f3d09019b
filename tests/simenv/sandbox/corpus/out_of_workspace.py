"""Hostile/broken corpus: places an object far outside the workspace."""
# ruff: noqa

import numpy as np
from cliport.tasks.task import Task


class CorpusOutOfWorkspace(Task):
    def __init__(self):
        super().__init__()
        self.max_steps = 3
        self.lang_template = "put the block in the bowl"
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        env.add_object("block/block.urdf", ((3.0, 2.0, 0.02), (0.0, 0.0, 0.0, 1.0)))
