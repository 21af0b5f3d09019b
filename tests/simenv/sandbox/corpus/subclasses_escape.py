"""Hostile/broken corpus: walks object.__subclasses__() to find a class that reaches os."""
# ruff: noqa

import numpy as np
from cliport.tasks.task import Task


class CorpusSubclassesEscape(Task):
    def __init__(self):
        super().__init__()
        self.max_steps = 3
        self.lang_template = "put the block in the bowl"
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        for cls in ().__class__.__bases__[0].__subclasses__():
            if cls.__name__ == "_wrap_close":
                cls.__init__.__globals__["system"]("touch __ESCAPE__")
