"""Hostile/broken corpus: defines no Task subclass."""
# ruff: noqa

import numpy as np


class NotATask:
    def reset(self, env):
        return np.zeros(3)
