"""What the policy layer records and evaluates on: a registered task, or a generated task file.

A generated file is untrusted code, so its ``reset`` never runs here: the sandbox runs it for
the seed and sends the scene it built back as data (``simenv.scene_record``), and this process
rebuilds that scene (``simenv.scene_rebuild``) and runs the expert or the policy on it. Registered seed tasks are part of
the package and run directly. ``start_episode`` is the one place that makes the difference.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from simenv.environment import Environment
from simenv.episodes import reset_episode, seed_everything
from simenv.sandbox.runner import record_scenes
from simenv.scene_rebuild import build_world
from simenv.settings import ValidationSettings
from simenv.task import Task
from simenv.tasks import UnknownTaskError, get_task, module_name_to_task_name


class TaskTargetError(ValueError):
    """A target that is neither a registered task nor a readable task file."""


class SceneNotBuilt(RuntimeError):
    """The sandbox could not build a generated task's scene for a seed."""


@dataclass(frozen=True)
class TaskTarget:
    """A task to run: its name (the key demonstrations are stored under) and, for a generated
    task file, the file whose ``reset`` runs in the sandbox."""

    name: str
    path: str | None = None


def resolve_task(target: str) -> TaskTarget:
    """A registered task name, or a path to a task file (``.py``); anything else is refused."""
    if target.endswith(".py") or "/" in target:
        path = Path(target)
        if not path.is_file():
            raise TaskTargetError(
                f"Task file '{target}' does not exist. Give a generated task file (.py) or a "
                "registered task name (see `simgen tasks list`)."
            )
        return TaskTarget(module_name_to_task_name(path.stem), str(path.resolve()))
    try:
        get_task(target)
    except UnknownTaskError as exc:
        raise TaskTargetError(str(exc)) from exc
    return TaskTarget(target)


def start_episode(env: Environment, target: TaskTarget, seed: int, split: str) -> Task:
    """Set up ``target``'s scene for ``seed`` in ``env`` and return the task that scores it.

    For a task file, the sandbox builds that seed's scene (static check, then ``reset`` in
    isolation) and the recorded scene is rebuilt here; a seed whose scene does not build
    raises ``SceneNotBuilt`` with the sandbox's error.
    """
    if target.path is None:
        return reset_episode(env, get_task(target.name).task_class, seed, split)
    settings = ValidationSettings(episodes=1, seed=seed, mode=split, min_success=0.0)
    result = record_scenes(target.path, settings)
    if not result.records:
        raise SceneNotBuilt(
            f"{target.name}: the sandbox built no scene for seed {seed}: {result.report.error}"
        )
    seed_everything(seed)
    env.seed(seed)
    return build_world(result.records[0], env)
