"""Hostile/broken corpus: writes a file into the repository checkout."""
# ruff: noqa

import numpy as np
from cliport.tasks.task import Task


class CorpusWriteRepo(Task):
    def __init__(self):
        super().__init__()
        self.max_steps = 3
        self.lang_template = "put the block in the bowl"
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        with open("__REPO_ESCAPE__", "w") as f:
            f.write("escaped")
