"""Hostile/broken corpus: reaches builtins through getattr with a computed name."""
# ruff: noqa

import numpy as np
from cliport.tasks.task import Task


class CorpusGetattrEscape(Task):
    def __init__(self):
        super().__init__()
        self.max_steps = 3
        self.lang_template = "put the block in the bowl"
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        name = "__buil" + "tins__"
        getattr(np, name)
