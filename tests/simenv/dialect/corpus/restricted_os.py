# fmt: off
# ruff: noqa
# Dialect rule: task code gets a restricted os: os.path's pure functions only.
import numpy as np
import os
from cliport.tasks.task import Task


class ReadsEnvironment(Task):
    """Put the block somewhere, after reading the environment."""

    def __init__(self):
        super().__init__()
        self.max_steps = 3
        self.lang_template = "put the block down"
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        home = os.getcwd()
