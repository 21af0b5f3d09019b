"""Hostile/broken corpus: starts a process that writes outside the scratch folder."""
# ruff: noqa

import subprocess
import numpy as np
from cliport.tasks.task import Task


class CorpusSubprocessCall(Task):
    def __init__(self):
        super().__init__()
        self.max_steps = 3
        self.lang_template = "put the block in the bowl"
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        subprocess.run(["touch", "__ESCAPE__"], check=True)
