"""The graph's one call into the sandboxed validator (``simenv.sandbox``).

Generated code is untrusted: it is only ever validated in the sandbox, never imported here.
Parallel candidates run as threads of one process, and each validation needs a PyBullet of its
own, so validations go to the run's ``WorkerPool`` (``simenv.sandbox.pool``): ``--workers``
processes on this machine, or Ray tasks on a cluster with ``--executor ray``. There may be more
candidates in flight (``--concurrency``) than workers: a candidate's validation waits for a
free worker in its own thread (the pool's slots), so a run can say which candidates are queued
and which are validating.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from graph.context import Context
from simenv.render import RenderError, picture_record, views_record
from simenv.sandbox.pool import WorkerDied, WorkerPool, shared_pool, shutdown_shared_pools
from simenv.sandbox.runner import run_isolated
from simenv.scene_record import SceneRecord
from simenv.settings import ValidationSettings
from simenv.validation_report import Stage, ValidationReport


def validation_settings(context: Context) -> ValidationSettings:
    return ValidationSettings(
        episodes=context.episodes,
        seed=context.seed,
        min_success=context.min_success,
        timeout=context.validation_timeout_s,
    )


def pool_for(context: Context) -> WorkerPool:
    """The run's validation pool: one per (workers, executor, Ray address), started on first
    use and kept until ``shutdown_pools``, so every candidate shares its slots."""
    return shared_pool(context.workers, context.executor, ray_address=context.ray_address)


def start_workers(context: Context) -> None:
    """Start the run's validation workers now, in the background: a run's first minute is
    spent waiting on the model, and a worker's start-up (a fresh interpreter importing
    PyBullet and the validator, or joining Ray) then costs no candidate any time."""
    pool_for(context).start()


@dataclass(frozen=True)
class DraftFiles:
    """Where a validation writes what it saw: the first scene's picture and its scene record
    (None: not wanted)."""

    picture: Path | None = None
    scene: Path | None = None
    #: A folder for the vision critic's views of a passed task (None: no critic looks).
    views: Path | None = None


@dataclass(frozen=True)
class Validated:
    """A draft's validation: the report, and the files written (None: not written)."""

    report: ValidationReport
    picture: str | None = None
    scene: str | None = None
    views: tuple[str, ...] = ()


def validate_and_picture(path: Path, settings: ValidationSettings, files: DraftFiles) -> Validated:
    """Validate in the sandbox; keep the first seed's scene record, and for a task that passed,
    draw that scene to ``files.picture``.

    The picture is drawn from the scene record the sandbox sent back (``build_world``), so
    none of the task's own code runs outside the sandbox; the record is kept so that reports
    can draw the expert's rollout the same way. Runs in a pool worker.
    """
    result = run_isolated(path, settings)
    if not result.records:
        return Validated(result.report)
    record = result.records[0]
    scene = None
    if files.scene is not None:
        files.scene.write_text(record.model_dump_json(), encoding="utf-8")
        scene = str(files.scene)
    if not result.report.passed:
        return Validated(result.report, scene=scene)
    views = _views(record, files.views)
    if files.picture is None:
        return Validated(result.report, scene=scene, views=views)
    try:
        picture = picture_record(record, files.picture, str(result.report.task_name))
    except RenderError:  # the scene passed; a picture the judge could not draw is left out
        return Validated(result.report, scene=scene, views=views)
    return Validated(result.report, picture=str(picture), scene=scene, views=views)


def _views(record: SceneRecord, folder: Path | None) -> tuple[str, ...]:
    """The vision critic's views of a passed task, drawn in the judge process from its scene
    record (none when no critic looks, or when the judge could not draw them: the vision
    critic then says it saw nothing rather than the run failing a task that passed)."""
    if folder is None:
        return ()
    try:
        return tuple(str(p) for p in views_record(record, folder))
    except RenderError:
        return ()


def validate_file(
    target: str, *, episodes: int = 5, seed: int = 0, min_success: float = 0.5
) -> ValidationReport:
    """The sandboxed validator in the shape the task library takes (``memory.importing``)."""
    settings = ValidationSettings(episodes=episodes, seed=seed, min_success=min_success)
    return run_isolated(target, settings).report


def shutdown_pools() -> None:
    """Stop the validation workers (and their pre-started sandboxes); ``run`` calls this at its
    end, so nothing of a run outlives it."""
    shutdown_shared_pools()


def validate_draft(
    path: Path,
    context: Context,
    files: DraftFiles | None = None,
    on_start: Callable[[], None] | None = None,
    on_end: Callable[[], None] | None = None,
) -> Validated:
    """Validate a draft task file in the sandbox with the run's settings (and picture it).

    Waits for a free worker first (candidates in flight may outnumber them). ``on_start`` is
    called when one is free and the validation starts, ``on_end`` when it is over and before
    the worker goes to the next candidate, so progress never shows more validating than
    there are workers. A worker that dies fails this candidate only; the pool replaces it."""
    pool = pool_for(context)
    with pool.slot():
        if on_start is not None:
            on_start()
        try:
            job = pool.submit(
                validate_and_picture,
                Path(path),
                validation_settings(context),
                files or DraftFiles(),
            )
            return job.result()
        except WorkerDied as exc:
            return Validated(_worker_died(path, exc))
        finally:
            if on_end is not None:
                on_end()


def _worker_died(path: Path, exc: BaseException) -> ValidationReport:
    return ValidationReport(
        target=str(path),
        passed=False,
        stage=Stage.EPISODES,
        error=(
            "The process judging this task's scene died abruptly "
            f"({type(exc).__name__}); the scene the task built crashes the simulator. "
            "Build it from the documented assets and calls only."
        ),
    )
