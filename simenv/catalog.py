"""What a task is made of, found by building its first scene: metrics, steps, assets."""

from __future__ import annotations

from typing import Any

from simenv.environment import Environment
from simenv.episodes import reset_episode
from simenv.tasks import TaskInfo


def describe_tasks(tasks: list[TaskInfo], seed: int = 0) -> list[dict[str, Any]]:
    """One row per task: name, description, metrics of its goals, max steps, assets."""
    rows = []
    with Environment() as env:
        for info in tasks:
            task = reset_episode(env, info.task_class, seed)
            rows.append(
                {
                    "name": info.name,
                    "description": info.description,
                    "metrics": sorted({g.metric for g in task.goals}),
                    "max_steps": task.max_steps,
                    "goals": len(task.goals),
                    "assets": list(info.assets),
                    "path": str(info.path),
                }
            )
    return rows
