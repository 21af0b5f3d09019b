"""Hostile/broken corpus: calls sys.exit(3) in reset()."""
# ruff: noqa

import sys
import numpy as np
from cliport.tasks.task import Task


class CorpusSysExit(Task):
    def __init__(self):
        super().__init__()
        self.max_steps = 3
        self.lang_template = "put the block in the bowl"
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        sys.exit(3)
