"""Hostile/broken corpus: blocks forever in reset() without using CPU (wall-clock limit; CPU limit would never fire)."""
# ruff: noqa

import time
import numpy as np
from cliport.tasks.task import Task


class CorpusSleepForever(Task):
    def __init__(self):
        super().__init__()
        self.max_steps = 3
        self.lang_template = "put the block in the bowl"
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        time.sleep(10_000)
