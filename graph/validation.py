"""The graph's one call into the sandboxed validator (``simenv.sandbox``).

Generated code is untrusted: it is only ever validated in the sandbox, never imported here.
The validator judges each scene record with PyBullet in the process that calls it, and parallel
candidates run as threads of one process, so validations go to a pool of worker processes (one
per ``--workers``), each with a PyBullet of its own. There may be more candidates in flight
(``--concurrency``) than workers: a candidate's validation waits for a free worker in its own
thread (``_slots``), so a run can say which candidates are queued and which are validating.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from graph.context import Context
from simenv.render import RenderError, picture_record
from simenv.report import Stage, ValidationReport
from simenv.sandbox.runner import run_isolated
from simenv.settings import ValidationSettings

_pools: dict[int, ProcessPoolExecutor] = {}
_pools_lock = threading.Lock()
#: One slot per worker of the pool of that size: held while a validation is in the pool.
_slots: dict[int, threading.Semaphore] = {}


def validation_settings(context: Context) -> ValidationSettings:
    return ValidationSettings(
        episodes=context.episodes,
        seed=context.seed,
        min_success=context.min_success,
        timeout=context.validation_timeout_s,
    )


#: How often a pool worker checks that the graph process is still there.
PARENT_CHECK_SECONDS = 0.5


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


def _die_with_parent(parent: int) -> None:
    """Pool-worker initializer: end with the graph process, even when it is killed (-9).

    A worker of a killed run would otherwise live on, holding its memory, a PyBullet and a
    pre-started sandbox. (Not PR_SET_PDEATHSIG: that fires when the *thread* that started the
    worker ends, and LangGraph's worker threads end after every run.)
    """
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes, started on first use and kept for the process' life.

    Spawned, not forked: the graph process has threads (LangGraph's executor, Chroma).
    """
    with _pools_lock:
        if workers not in _pools:
            _pools[workers] = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_die_with_parent,
                initargs=(os.getpid(),),
            )
        return _pools[workers]


def _ready() -> None:
    """A pool worker's first task: nothing, once this module (and with it the validator and
    the renderer) is imported, which is what unpickling the call made the worker do."""


def start_workers(workers: int) -> None:
    """Start the run's validation processes now, in the background: a run's first minute is
    spent waiting on the model, and a worker's start-up (a fresh interpreter importing
    PyBullet and the validator) then costs no candidate any time."""
    pool = _pool(workers)
    for _ in range(workers):
        pool.submit(_ready)


@dataclass(frozen=True)
class DraftFiles:
    """Where a validation writes what it saw: the first scene's picture and its scene record
    (None: not wanted)."""

    picture: Path | None = None
    scene: Path | None = None


@dataclass(frozen=True)
class Validated:
    """A draft's validation: the report, and the files written (None: not written)."""

    report: ValidationReport
    picture: str | None = None
    scene: str | None = None


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
    if files.picture is None or not result.report.passed:
        return Validated(result.report, scene=scene)
    try:
        picture = picture_record(record, files.picture, str(result.report.task_name))
    except RenderError:  # the scene passed; a picture the judge could not draw is left out
        return Validated(result.report, scene=scene)
    return Validated(result.report, picture=str(picture), scene=scene)


def validate_file(
    target: str, *, episodes: int = 5, seed: int = 0, min_success: float = 0.5
) -> ValidationReport:
    """The sandboxed validator in the shape the task library takes (``memory.importing``)."""
    settings = ValidationSettings(episodes=episodes, seed=seed, min_success=min_success)
    return run_isolated(target, settings).report


def shutdown_pools() -> None:
    """Stop the validation workers (and their pre-started sandboxes); ``run`` calls this at its
    end, so nothing of a run outlives it."""
    with _pools_lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.shutdown(wait=True, cancel_futures=True)


def _slots_for(workers: int) -> threading.Semaphore:
    with _pools_lock:
        return _slots.setdefault(workers, threading.Semaphore(workers))


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
    there are workers."""
    with _slots_for(context.workers):
        if on_start is not None:
            on_start()
        try:
            return _validate_in_pool(path, context, files or DraftFiles())
        finally:
            if on_end is not None:
                on_end()


def _validate_in_pool(path: Path, context: Context, files: DraftFiles) -> Validated:
    pool = _pool(context.workers)
    try:
        return pool.submit(
            validate_and_picture, Path(path), validation_settings(context), files
        ).result()
    except BrokenProcessPool as exc:
        # The worker died while judging (e.g. native code crashed on this task's scene): this
        # candidate fails; the next validation gets a fresh pool.
        _discard(pool)
        return Validated(_worker_died(path, exc))


def _discard(pool: ProcessPoolExecutor) -> None:
    with _pools_lock:
        for workers, known in list(_pools.items()):
            if known is pool:
                del _pools[workers]
    pool.shutdown(wait=False, cancel_futures=True)


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
