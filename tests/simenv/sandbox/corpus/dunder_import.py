"""Hostile/broken corpus: imports os through __import__."""
# ruff: noqa

import numpy as np
from cliport.tasks.task import Task


class CorpusDunderImport(Task):
    def __init__(self):
        super().__init__()
        self.max_steps = 3
        self.lang_template = "put the block in the bowl"
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        __import__("subprocess").os.system(
            "touch __ESCAPE__"
        )  # the real os, not the restricted one
