"""Totals: fill the scratch folder with many files, each under any per-file limit."""

import numpy as np
import pybullet as p

from cliport.tasks.task import Task

MARKERS = "__MARKERS__"
SECRET_FILE = "__SECRET_FILE__"
REPO_MARKER = "__REPO_MARKER__"
PORT = int("__PORT__")


class Attack(Task):
    def __init__(self):
        super().__init__()
        self.max_steps = 1
        self.lang_template = "attack"

    def reset(self, env):
        super().reset(env)
        chunk = np.ones(1_000_000 // 8)
        for i in range(2000):
            chunk.tofile(f"/tmp/fill-{i}.bin")
        raise ValueError("wrote 2 GB")
