"""Exit: sys.exit from reset."""

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
        import sys

        sys.exit(3)
