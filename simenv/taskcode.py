"""The task's half of a validation: the only trusted-repository module that runs task code.

``build_scenes`` imports a task file (``simenv.loader``), runs its ``__init__`` and, per seed,
its ``reset(env)``, and yields the scene each ``reset`` built as a ``SceneRecord``. Two callers
may import this module, and import-linter holds everyone else to it (``pyproject.toml``):

- the sandbox child (``simenv.sandbox.child``), where the kernel contains the task's code;
- the explicit debugging path for trusted code, ``validate`` here (``simgen validate
  --in-process`` / ``--gui``, and ``validate_many(executor="in-process")``), which runs both
  halves in the calling process.

Everything else on the trusted side (renders, reports, demonstrations, the judge) works from
the records the sandbox sends back and cannot reach the loader at all.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from simenv.dialect import DialectLog, collect_warnings
from simenv.environment import Environment
from simenv.episodes import reset_episode
from simenv.errors import TaskCodeError
from simenv.loader import load_task_class, trimmed_traceback
from simenv.scene_capture import capture
from simenv.scene_record import SceneRecord
from simenv.settings import IsolationUnavailable, ValidationSettings
from simenv.tasks import module_name_to_task_name

# ``validate`` below, the in-process debugging path, runs the trusted half too; ``build_scenes``
# (the sandbox half) uses nothing from this import (import-linter: pyproject.toml).
from simenv.validation import fail, judge, new_report, parse_task, resolve_target
from simenv.validation_report import Stage, StageCallback, StageFailure, ValidationReport, no_stage


def build_scenes(
    path: Path, settings: ValidationSettings, on_stage: StageCallback = no_stage
) -> Iterator[SceneRecord]:
    """Import the task file, build the task, and yield the scene ``reset`` builds per seed.

    This runs the task's code: inside the sandbox, or here for ``--in-process``. Failures
    raise ``StageFailure`` with the stage and a message for the task's author. The dialect
    leniencies the code relied on travel in each record's ``warnings``; with
    ``settings.strict`` each one fails the stage where it happened (``simenv.dialect``).
    """
    with collect_warnings(strict=settings.strict) as log:
        yield from _build_scenes(path, settings, on_stage, log)


def _build_scenes(
    path: Path, settings: ValidationSettings, on_stage: StageCallback, log: DialectLog
) -> Iterator[SceneRecord]:
    on_stage(Stage.IMPORT, None)
    task_class = load_task_class(path)
    on_stage(Stage.BUILD, None)
    try:
        task_class()
    except Exception as exc:
        raise StageFailure(
            Stage.BUILD,
            f"Creating {task_class.__name__}() failed: {type(exc).__name__}: {exc}. __init__ must "
            "call super().__init__() and set attributes such as max_steps and lang_template.",
            trimmed_traceback(exc, path),
        ) from exc
    with Environment() as env:
        for seed in settings.seeds:
            on_stage(Stage.RESET, seed)
            try:
                task = reset_episode(env, task_class, seed, settings.mode)
            except Exception as exc:
                raise StageFailure(
                    Stage.RESET,
                    f"reset() failed on seed {seed}: {type(exc).__name__}: {exc}",
                    trimmed_traceback(exc, path),
                ) from exc
            try:
                yield capture(env, task, seed, list(log.messages))
            except (TaskCodeError, ValidationError, ValueError) as exc:
                raise StageFailure(
                    Stage.RESET,
                    f"The scene reset() built on seed {seed} cannot be validated: {exc}",
                ) from exc


def validate(
    target: str | Path,
    settings: ValidationSettings | None = None,
    *,
    gui: bool = False,
    on_stage: StageCallback = no_stage,
) -> ValidationReport:
    """Validate a task (registered name or file) in this process: both halves, no sandbox.

    For debugging and trusted code only: the task's code runs in this process. ``gui`` opens a
    PyBullet window to watch the expert (needs a display). Settings that require isolation
    are refused (``IsolationUnavailable``): this path has none.
    """
    settings = settings or ValidationSettings()
    if settings.require_isolation:
        raise IsolationUnavailable(
            "require_isolation is set, but in-process validation runs the task's code in this "
            "process with no sandbox; drop --in-process/--gui (and the in-process executor) to "
            "validate in the sandbox, or drop --require-isolation for trusted code."
        )
    start = time.perf_counter()
    report = new_report(target, settings)
    report.isolation = ["none (in-process)"]
    try:
        path = resolve_target(target)
    except (FileNotFoundError, KeyError) as exc:
        return _timed(fail(report, StageFailure(Stage.PARSE, str(exc))), start)
    report.task_name = module_name_to_task_name(path.stem)
    try:
        on_stage(Stage.PARSE, None)
        parse_task(path)
        records = list(build_scenes(path, settings, on_stage))
        report = judge(records, report, settings, on_stage, gui)
    except StageFailure as failure:
        fail(report, failure)
    return _timed(report, start)


def _timed(report: ValidationReport, start: float) -> ValidationReport:
    report.seconds = round(time.perf_counter() - start, 4)
    return report
