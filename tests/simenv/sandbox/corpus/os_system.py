"""Hostile/broken corpus: runs a shell command that writes outside the scratch folder."""
# ruff: noqa

from subprocess import os  # the real os: task code's `import os` is restricted to os.path
import numpy as np
from cliport.tasks.task import Task


class CorpusOsSystem(Task):
    def __init__(self):
        super().__init__()
        self.max_steps = 3
        self.lang_template = "put the block in the bowl"
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        os.system("touch __ESCAPE__")
