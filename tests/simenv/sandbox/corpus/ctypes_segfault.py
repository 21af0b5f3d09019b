"""Hostile/broken corpus: reads address 0 with ctypes (SIGSEGV)."""
# ruff: noqa

import ctypes
import numpy as np
from cliport.tasks.task import Task


class CorpusCtypesSegfault(Task):
    def __init__(self):
        super().__init__()
        self.max_steps = 3
        self.lang_template = "put the block in the bowl"
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        ctypes.string_at(0)
