"""Hostile/broken corpus: writes a file outside its scratch folder (e.g. /tmp)."""
# ruff: noqa

import numpy as np
from cliport.tasks.task import Task


class CorpusWriteOutside(Task):
    def __init__(self):
        super().__init__()
        self.max_steps = 3
        self.lang_template = "put the block in the bowl"
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        with open("__ESCAPE__", "w") as f:
            f.write("escaped")
