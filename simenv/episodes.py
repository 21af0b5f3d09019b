"""Starting an episode of a task class: seed everything, then reset the world with the task.

Both halves of a validation start episodes this way (the task's half in the sandbox, running
``reset`` on each seed; the trusted rebuild re-seeds before replaying a record), and so do the
seed-task tools (catalog, demonstrations). It lives apart from either half so that neither
needs the other to start an episode.
"""

from __future__ import annotations

import random

import numpy as np

from simenv.environment import Environment
from simenv.task import Task


def seed_everything(seed: int) -> None:
    """Task code draws from ``np.random`` and ``random``: seed both."""
    np.random.seed(seed)
    random.seed(seed)


def reset_episode(env: Environment, task_class: type[Task], seed: int, mode: str = "train") -> Task:
    """A fresh ``task_class`` on ``env``, reset on ``seed`` (this runs the task's ``reset``)."""
    seed_everything(seed)
    env.seed(seed)
    task = task_class()
    task.mode = mode
    env.set_task(task)
    env.reset()
    return task
