"""The graph's one call into the sandboxed validator (``simenv.sandbox``).

Generated code is untrusted: it is only ever validated in the sandbox, never imported here.
The validator judges each scene record with PyBullet in the process that calls it, and parallel
candidates run as threads of one process, so validations go to a pool of worker processes (one
per ``--workers``), each with a PyBullet of its own.
"""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from graph.context import Context
from simenv.report import ValidationReport
from simenv.sandbox.runner import validate_isolated
from simenv.settings import ValidationSettings

_pools: dict[int, ProcessPoolExecutor] = {}
_pools_lock = threading.Lock()


def validation_settings(context: Context) -> ValidationSettings:
    return ValidationSettings(
        episodes=context.episodes,
        seed=context.seed,
        min_success=context.min_success,
        timeout=context.validation_timeout_s,
    )


def _pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes, started on first use and kept for the process' life.

    Spawned, not forked: the graph process has threads (LangGraph's executor, Chroma).
    """
    with _pools_lock:
        if workers not in _pools:
            _pools[workers] = ProcessPoolExecutor(
                max_workers=workers, mp_context=multiprocessing.get_context("spawn")
            )
        return _pools[workers]


def validate_draft(path: Path, context: Context) -> ValidationReport:
    """Validate a draft task file in the sandbox with the run's settings."""
    future = _pool(context.workers).submit(
        validate_isolated, Path(path), validation_settings(context)
    )
    return future.result()
