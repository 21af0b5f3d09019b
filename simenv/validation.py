"""Validation of a task program, stage by stage: parse, import, build, reset, expert episodes.

``validate`` runs in the calling process; the sandbox runs the same function in an isolated
child process. Either way the result is a ``ValidationReport``.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from simenv.constants import SUCCESS_THRESHOLD
from simenv.dialect import collect_warnings
from simenv.environment import Environment
from simenv.loader import TaskLoadError, load_task_class, trimmed_traceback
from simenv.report import EpisodeResult, Stage, ValidationReport
from simenv.task import Task
from simenv.tasks import get_task, module_name_to_task_name

StepCallback = Callable[[Environment, int], None]


def resolve_target(target: str | Path) -> Path:
    """A task file for a registered name or a path (names are looked up first)."""
    text = str(target)
    if text.endswith(".py") or Path(text).exists():
        path = Path(text)
        if not path.is_file():
            raise FileNotFoundError(f"Task file {text} does not exist.")
        return path
    return get_task(text).path


def seed_everything(seed: int) -> None:
    """Task code draws from ``np.random`` and ``random``: seed both."""
    np.random.seed(seed)
    random.seed(seed)


def reset_episode(env: Environment, task_class: type[Task], seed: int, mode: str = "train") -> Task:
    seed_everything(seed)
    env.seed(seed)
    task = task_class()
    task.mode = mode
    env.set_task(task)
    env.reset()
    return task


def run_expert(
    env: Environment, task: Task, on_step: StepCallback | None = None
) -> tuple[float, int]:
    """Let the task's expert act until done; returns (summed reward, steps)."""
    agent = task.oracle(env)
    info = env.info
    obs: Any = None
    total, steps = 0.0, 0
    for steps in range(1, task.max_steps + 1):
        action = agent.act(obs, info)
        if action is None:
            steps -= 1
            break
        obs, reward, done, info = env.step(action)
        total += reward
        if on_step is not None:
            on_step(env, steps)
        if done:
            break
    return total, steps


def _fail(
    report: ValidationReport, stage: Stage, message: str, trace: str | None
) -> ValidationReport:
    report.passed = False
    report.stage = stage
    report.error = message
    report.traceback = trace
    return report


def validate(
    target: str | Path,
    *,
    episodes: int = 5,
    seed: int = 0,
    min_success: float = 0.5,
    mode: str = "train",
    gui: bool = False,
    strict: bool = False,
) -> ValidationReport:
    """Validate a task (registered name or file) with its expert on seeds seed, seed+1, ...

    ``gui`` opens a PyBullet window to watch the expert (needs a display). The dialect
    leniencies the task code relied on become ``report.warnings``; with ``strict`` each one
    fails the validation where it happened instead (``simenv.dialect``).
    """
    start = time.perf_counter()
    report = ValidationReport(
        target=str(target), passed=False, stage=Stage.PARSE, min_success=min_success
    )
    with collect_warnings(strict=strict) as log:
        try:
            report = _validate(report, target, episodes, seed, min_success, mode, gui)
        finally:
            report.seconds = round(time.perf_counter() - start, 4)
            report.warnings = list(log.messages)
    return report


def _validate(
    report: ValidationReport,
    target: str | Path,
    episodes: int,
    seed: int,
    min_success: float,
    mode: str,
    gui: bool = False,
) -> ValidationReport:
    try:
        path = resolve_target(target)
    except (FileNotFoundError, KeyError) as exc:
        return _fail(report, Stage.PARSE, str(exc), None)
    report.task_name = module_name_to_task_name(path.stem)
    try:
        task_class = load_task_class(path)
    except TaskLoadError as exc:
        return _fail(report, exc.stage, str(exc), exc.trace)
    try:
        task_class()
    except Exception as exc:
        return _fail(
            report,
            Stage.BUILD,
            f"Creating {task_class.__name__}() failed: {type(exc).__name__}: {exc}. __init__ must call "
            "super().__init__() and set attributes such as max_steps and lang_template.",
            trimmed_traceback(exc, path),
        )
    with Environment(disp=gui) as env:
        for episode_seed in range(seed, seed + episodes):
            t0 = time.perf_counter()
            try:
                task = reset_episode(env, task_class, episode_seed, mode)
            except Exception as exc:
                return _fail(
                    report,
                    Stage.RESET,
                    f"reset() failed on seed {episode_seed}: {type(exc).__name__}: {exc}",
                    trimmed_traceback(exc, path),
                )
            try:
                total, steps = run_expert(env, task)
            except Exception as exc:
                return _fail(
                    report,
                    Stage.EPISODES,
                    f"The expert episode on seed {episode_seed} failed: {type(exc).__name__}: {exc}",
                    trimmed_traceback(exc, path),
                )
            report.episodes.append(
                EpisodeResult(
                    seed=episode_seed,
                    reward=round(total, 4),
                    success=total > SUCCESS_THRESHOLD,
                    steps=steps,
                    seconds=round(time.perf_counter() - t0, 4),
                )
            )
    n_success = sum(e.success for e in report.episodes)
    report.success_rate = n_success / max(len(report.episodes), 1)
    if report.success_rate < min_success:
        worst = min(report.episodes, key=lambda e: e.reward) if report.episodes else None
        detail = f" (lowest reward {worst.reward:.2f} on seed {worst.seed})" if worst else ""
        return _fail(
            report,
            Stage.SUCCESS,
            f"The expert succeeded in {n_success} of {len(report.episodes)} episodes "
            f"({report.success_rate:.0%} < {min_success:.0%}){detail}. Check that the goals are "
            "reachable: targets inside the workspace, matches pairing each object with a target, "
            "step_max_reward shares adding up to 1, and goals added in the order they can be solved.",
            None,
        )
    report.passed = True
    report.stage = Stage.PASSED
    return report
