"""Hostile/broken corpus: looks for API keys in its environment and reports them."""
# ruff: noqa

from subprocess import os  # the real os: task code's `import os` is restricted to os.path
import numpy as np
from cliport.tasks.task import Task


class CorpusReadSecrets(Task):
    def __init__(self):
        super().__init__()
        self.max_steps = 3
        self.lang_template = "put the block in the bowl"
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        found = sorted(k for k in os.environ if "KEY" in k or "TOKEN" in k or "SECRET" in k)
        raise ValueError(f"secrets seen: {found}; HOME={os.environ.get('HOME')}")
