"""Hostile/broken corpus: burns CPU in reset() (CPU-time limit; run with a wall limit larger than the CPU limit)."""
# ruff: noqa

import numpy as np
from cliport.tasks.task import Task


class CorpusCpuBurn(Task):
    def __init__(self):
        super().__init__()
        self.max_steps = 3
        self.lang_template = "put the block in the bowl"
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        x = 0
        while True:
            x += 1
