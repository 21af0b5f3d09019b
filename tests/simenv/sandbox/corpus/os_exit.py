"""Hostile/broken corpus: calls os._exit(4) in reset(): no report, no exception."""
# ruff: noqa

from subprocess import os  # the real os: task code's `import os` is restricted to os.path
import numpy as np
from cliport.tasks.task import Task


class CorpusOsExit(Task):
    def __init__(self):
        super().__init__()
        self.max_steps = 3
        self.lang_template = "put the block in the bowl"
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        os._exit(4)
