"""Hostile/broken corpus: an endless busy loop in reset() (wall-clock limit)."""
# ruff: noqa

import numpy as np
from cliport.tasks.task import Task


class CorpusEndlessLoop(Task):
    def __init__(self):
        super().__init__()
        self.max_steps = 3
        self.lang_template = "put the block in the bowl"
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        while True:
            pass
