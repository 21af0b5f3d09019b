"""Processes: switch off any guard found through gc.get_objects(), then os.system."""

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
        import gc
        import sys

        os = sys.modules["os"]  # past the restricted os task code gets

        for obj in gc.get_objects():
            try:
                if hasattr(obj, "armed"):
                    obj.armed = False
            except Exception:
                continue
        code = os.system(f"echo escaped > {MARKERS}/gc_system")
        raise ValueError(f"os.system returned {code}")
