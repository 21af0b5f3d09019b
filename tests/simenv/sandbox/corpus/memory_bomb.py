"""Hostile/broken corpus: grows memory without bound (address-space limit -> MemoryError)."""
# ruff: noqa

import numpy as np
from cliport.tasks.task import Task


class CorpusMemoryBomb(Task):
    def __init__(self):
        super().__init__()
        self.max_steps = 3
        self.lang_template = "put the block in the bowl"
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        hoard = []
        while True:
            hoard.append(bytearray(50 * 1024 * 1024))
