"""Hostile/broken corpus: forks children that linger (process cap; all must die with the job)."""
# ruff: noqa

from subprocess import os  # the real os: task code's `import os` is restricted to os.path
import time
import numpy as np
from cliport.tasks.task import Task


class CorpusForkBomb(Task):
    def __init__(self):
        super().__init__()
        self.max_steps = 3
        self.lang_template = "put the block in the bowl"
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        children = []
        for _ in range(500):
            try:
                pid = os.fork()
            except OSError as exc:
                raise RuntimeError(f"fork refused after {len(children)} children: {exc}") from exc
            if pid == 0:
                time.sleep(10_000)
                os._exit(0)
            children.append(pid)
