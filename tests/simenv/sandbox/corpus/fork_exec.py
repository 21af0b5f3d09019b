"""Processes: _posixsubprocess.fork_exec (no audit event) through subprocess, and os.fork."""

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
        import subprocess

        try:
            subprocess.run(["/bin/sh", "-c", f"echo escaped > {MARKERS}/fork_exec"], check=True)
        except Exception as exc:
            first = f"{type(exc).__name__}: {exc}"
        try:
            pid = os.fork()
            if pid == 0:
                os._exit(0)
            second = f"forked {pid}"
        except OSError as exc:
            second = f"fork: {exc}"
        raise ValueError(f"{first} / {second}")
