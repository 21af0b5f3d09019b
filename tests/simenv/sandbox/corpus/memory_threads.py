"""Totals: several threads of 400 MB each against a 1 GiB limit."""

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
        import threading

        held, errors = [], []

        def grab():
            try:
                held.append(np.ones(50_000_000))
            except MemoryError as exc:
                errors.append(exc)

        threads = [threading.Thread(target=grab) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]
        raise ValueError(f"held {len(held)} x 400 MB")
