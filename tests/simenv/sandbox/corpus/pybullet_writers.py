"""Writes outside: pybullet's saveWorld, saveBullet and startStateLogging to host paths."""

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
        for call in (
            lambda: p.saveWorld(f"{MARKERS}/saveworld.py"),
            lambda: p.saveBullet(f"{MARKERS}/save.bullet"),
            lambda: p.startStateLogging(p.STATE_LOGGING_GENERIC_ROBOT, f"{MARKERS}/state.log"),
            lambda: p.saveWorld(REPO_MARKER),
        ):
            try:
                call()
            except Exception:
                pass
        p.stopStateLogging(0)
        raise ValueError("tried every pybullet writer")
