"""Hostile/broken corpus: evaluates a string."""
# ruff: noqa

import numpy as np
from cliport.tasks.task import Task


class CorpusEvalCall(Task):
    def __init__(self):
        super().__init__()
        self.max_steps = 3
        self.lang_template = "put the block in the bowl"
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        eval('__import__("subprocess").os.system("touch __ESCAPE__")')  # the real os
