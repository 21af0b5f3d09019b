"""The one pool of validation workers: ``WorkerPool``, and ``validate_many`` on top of it.

A sandboxed validation needs a worker of its own: the expert judges each scene with PyBullet
(one client per process), and the caller may be threaded (the generation graph runs candidates
as threads). So ``simgen validate`` (``validate_many``) and ``simgen generate``
(``graph.draft_validation``) hand their validations to a ``WorkerPool``, with one of three executors:

- ``process``: ``workers`` long-lived processes on this machine, spawned (the caller has
  threads, so no fork), each ending with its parent even when that is killed;
- ``ray``: the same function as Ray tasks of one CPU each, on whichever node of a Ray cluster
  has a free CPU (``ray`` is an optional extra, imported only when asked for). Paths in the
  jobs must name files every node can read (a shared file system, as on one machine);
- ``in-process``: in the calling thread, one job at a time (debugging: breakpoints work).

A worker that dies mid-job (native code crashing on a scene, the kernel's OOM killer, a lost
node) fails that job with ``WorkerDied``; the pool replaces it and serves the next one.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import AbstractContextManager
from functools import partial
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args

from simenv.sandbox.runner import validate_isolated
from simenv.settings import IsolationUnavailable, ValidationSettings
from simenv.validation import StageFailure, fail, new_report
from simenv.validation_report import Stage, ValidationReport

Executor = Literal["process", "ray", "in-process"]
EXECUTORS: tuple[str, ...] = get_args(Executor)
#: Called after each report with (reports done, reports in all, the report).
ReportCallback = Callable[[int, int, ValidationReport], None]

T = TypeVar("T")
A = TypeVar("A")

#: How often a process worker checks that its parent is still there.
PARENT_CHECK_SECONDS = 0.5


class WorkerDied(RuntimeError):
    """The worker running a job ended before answering (its process or node died)."""


# -- process workers -------------------------------------------------------------------------


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


def _die_with_parent(parent: int) -> None:
    """Process-worker initializer: end with the parent process, even when it is killed (-9).

    A worker of a killed run would otherwise live on, holding its memory, a PyBullet and a
    pre-started sandbox. (Not PR_SET_PDEATHSIG: that fires when the *thread* that started the
    worker ends, and LangGraph's worker threads end after every run.)
    """
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _ready() -> None:
    """A worker's first job: nothing, once the pool's module (and with it the validator) is
    imported, which is what unpickling the call made the worker do."""


def _call(fn: Callable[..., T], *args: Any) -> T:
    """The Ray task: ``fn(*args)`` on whichever node Ray picks."""
    return fn(*args)


# -- the pool --------------------------------------------------------------------------------


class WorkerPool:
    """``workers`` validation workers behind one executor (see the module's docstring).

    ``submit`` returns a ``concurrent.futures.Future`` whatever the executor, so callers wait
    on it the same way everywhere; its exception is ``WorkerDied`` when the worker died.
    ``slot`` lets a caller wait for a free worker before submitting, so it can tell "queued"
    from "running" (``capacity`` slots: one per worker, one for ``in-process``).
    """

    def __init__(
        self, workers: int = 1, executor: Executor = "process", *, ray_address: str | None = None
    ) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        if executor not in EXECUTORS:
            raise ValueError(f"executor must be one of {', '.join(EXECUTORS)}; got {executor!r}")
        self.workers = workers
        self.executor: Executor = executor
        self.ray_address = ray_address
        self._lock = threading.Lock()
        self._processes: ProcessPoolExecutor | None = None
        self._broken: list[ProcessPoolExecutor] = []
        self._remote: Any = None
        self._in_process = threading.Lock()
        self._slots = threading.Semaphore(self.capacity)

    @property
    def capacity(self) -> int:
        """Jobs that run at once: one per worker (``in-process`` runs one at a time)."""
        return 1 if self.executor == "in-process" else self.workers

    def slot(self) -> AbstractContextManager[Any]:
        """Hold one of ``capacity`` slots: waits while every worker is taken."""
        return self._slots

    def start(self) -> None:
        """Start the workers now (a fresh interpreter importing PyBullet and the validator, or
        the connection to Ray), so that the first job does not pay for it."""
        if self.executor == "process":
            for _ in range(self.workers):
                self.submit(_ready)
        elif self.executor == "ray":
            self._ray_remote()

    def submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        """Run ``fn(*args)`` on a worker (``fn`` and its arguments must pickle by reference:
        module-level functions and plain data)."""
        if self.executor == "in-process":
            return self._run_here(fn, args)
        executor: ProcessPoolExecutor | None = None
        if self.executor == "ray":
            inner: Future[T] = self._ray_remote().remote(fn, *args).future()
        else:
            executor = self._process_executor()
            try:
                inner = executor.submit(fn, *args)
            except BrokenProcessPool as exc:  # broken between two jobs: fail this one only
                self._mark_broken(executor)
                return _failed(WorkerDied(str(exc)))
        outer: Future[T] = Future()
        inner.add_done_callback(partial(self._settle, outer, executor))
        return outer

    def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` on the next free worker: waits for a slot, then for the result."""
        with self.slot():
            return self.submit(fn, *args).result()

    def imap(
        self, fn: Callable[[A], T], items: Sequence[A], *, ordered: bool = False
    ) -> Iterator[tuple[A, Future[T]]]:
        """``fn(item)`` for each item, at most ``capacity`` in flight; yields each item with its
        finished future, as they finish (or in input order with ``ordered``)."""
        futures: dict[Future[T], int] = {}
        finished: dict[int, Future[T]] = {}
        submitted = next_out = 0
        while submitted < len(items) or futures:
            while submitted < len(items) and len(futures) < self.capacity:
                futures[self.submit(fn, items[submitted])] = submitted
                submitted += 1
            done, _ = wait(set(futures), return_when=FIRST_COMPLETED)
            for future in done:
                index = futures.pop(future)
                if not ordered:
                    yield items[index], future
                    continue
                finished[index] = future
            while next_out in finished:
                yield items[next_out], finished.pop(next_out)
                next_out += 1

    def shutdown(self) -> None:
        """Stop the process workers (and their pre-started sandboxes). A Ray connection stays
        open for this process's life, as ``ray.init`` is meant to be used."""
        with self._lock:
            executors = [e for e in (self._processes, *self._broken) if e is not None]
            self._processes, self._broken = None, []
        for executor in executors:
            executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    # -- executors ---------------------------------------------------------------------------

    def _run_here(self, fn: Callable[..., T], args: tuple[Any, ...]) -> Future[T]:
        """In this thread, one job at a time (PyBullet clients are not thread-safe)."""
        future: Future[T] = Future()
        with self._in_process:
            try:
                future.set_result(fn(*args))
            except BaseException as exc:  # the caller gets it from ``result()``, as elsewhere
                future.set_exception(exc)
        return future

    def _process_executor(self) -> ProcessPoolExecutor:
        """The live process pool (spawned on first use, or after the last one broke)."""
        with self._lock:
            broken, self._broken = self._broken, []
            if self._processes is None:
                self._processes = ProcessPoolExecutor(
                    max_workers=self.workers,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_die_with_parent,
                    initargs=(os.getpid(),),
                )
            executor = self._processes
        for old in broken:
            old.shutdown(wait=False, cancel_futures=True)
        return executor

    def _mark_broken(self, executor: ProcessPoolExecutor) -> None:
        """Forget a pool whose worker died; it is shut down by the next caller's thread (not
        here, which may be the pool's own management thread)."""
        with self._lock:
            if self._processes is executor:
                self._processes = None
                self._broken.append(executor)

    def _settle(
        self, outer: Future[T], executor: ProcessPoolExecutor | None, inner: Future[T]
    ) -> None:
        """Copy ``inner``'s outcome to ``outer``, a dead worker as ``WorkerDied``."""
        exc = inner.exception()
        if exc is None:
            outer.set_result(inner.result())
            return
        if isinstance(exc, BrokenProcessPool):
            if executor is not None:
                self._mark_broken(executor)
            outer.set_exception(WorkerDied(str(exc) or type(exc).__name__))
        elif _ray_worker_lost(exc):
            outer.set_exception(WorkerDied(f"{type(exc).__name__}: {exc}"))
        else:
            outer.set_exception(exc)

    def _ray_remote(self) -> Any:
        """The Ray task (``_call``, one CPU, no retry: a crash is the job's verdict), with
        Ray started or joined on first use."""
        with self._lock:
            if self._remote is None:
                ray = _import_ray()
                if not ray.is_initialized():
                    ray.init(
                        address=self.ray_address,
                        include_dashboard=False,
                        log_to_driver=False,
                        ignore_reinit_error=True,
                        configure_logging=False,
                    )
                self._remote = ray.remote(num_cpus=1, max_retries=0)(_call)
            return self._remote


def _failed(exc: BaseException) -> Future[Any]:
    future: Future[Any] = Future()
    future.set_exception(exc)
    return future


def _ray_worker_lost(exc: BaseException) -> bool:
    """Whether a Ray error means the worker or its node died (not the job's own exception)."""
    try:
        from ray import exceptions
    except ImportError:
        return False
    lost = (
        exceptions.WorkerCrashedError,
        exceptions.NodeDiedError,
        exceptions.LocalRayletDiedError,
        exceptions.OwnerDiedError,
    )
    return isinstance(exc, lost)


def _import_ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise RuntimeError(
            "--executor ray needs the optional 'ray' extra: pip install 'simgen[ray]' "
            "(or use the default process executor)."
        ) from exc
    return ray


# -- pools kept for a process's life ---------------------------------------------------------

_shared: dict[tuple[int, str, str | None], WorkerPool] = {}
_shared_lock = threading.Lock()


def shared_pool(
    workers: int, executor: Executor = "process", *, ray_address: str | None = None
) -> WorkerPool:
    """The pool for these settings, made on first use and kept until ``shutdown_shared_pools``:
    a long run (``simgen generate``) starts its workers once, and every caller with the same
    settings shares their slots."""
    key = (workers, executor, ray_address)
    with _shared_lock:
        if key not in _shared:
            _shared[key] = WorkerPool(workers, executor, ray_address=ray_address)
        return _shared[key]


def shutdown_shared_pools() -> None:
    """Stop every shared pool's workers; the next ``shared_pool`` call starts fresh ones."""
    with _shared_lock:
        pools = list(_shared.values())
        _shared.clear()
    for pool in pools:
        pool.shutdown()


# -- many validations ------------------------------------------------------------------------


def validate_many(
    targets: Sequence[str | Path],
    settings: ValidationSettings | None = None,
    *,
    workers: int = 1,
    executor: Executor = "process",
    ordered: bool = False,
    ray_address: str | None = None,
    on_report: ReportCallback | None = None,
) -> Iterator[ValidationReport]:
    """Yield one report per target, as each finishes (or in input order with ``ordered``).

    Each target is validated by ``validate_isolated`` (its code in a fresh sandbox) on a
    ``WorkerPool`` worker; with one ``process`` worker, in this process (no worker to start;
    the expert runs in the validator's judge process, so an ``Environment`` may be open here).
    ``in-process`` runs the unsandboxed validator (for debugging), so a hostile program can
    harm this process: never use it on untrusted code. It is refused
    (``IsolationUnavailable``) when ``settings.require_isolation`` is set.
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if executor not in EXECUTORS:
        raise ValueError(f"executor must be one of {', '.join(EXECUTORS)}; got {executor!r}")
    settings = settings or ValidationSettings()
    if executor == "in-process" and settings.require_isolation:
        raise IsolationUnavailable(
            "require_isolation is set, but the in-process executor runs task code in this "
            "process with no sandbox; use the 'process' or 'ray' executor."
        )
    validate: Callable[[str | Path], ValidationReport] = partial(
        validate_isolated, settings=settings
    )
    if executor == "in-process":
        from simenv.taskcode import validate as unsandboxed  # debugging trusted code only

        validate = partial(unsandboxed, settings=settings)
    if executor == "process" and workers == 1:
        executor = "in-process"  # the sandboxed validator, here: no worker to start
    size = min(workers, len(targets) or 1)
    with WorkerPool(size, executor, ray_address=ray_address) as pool:
        results = pool.imap(validate, targets, ordered=ordered)
        for done, (target, future) in enumerate(results, start=1):
            report = _report(future, target, settings)
            if on_report is not None:
                on_report(done, len(targets), report)
            yield report


def _report(
    future: Future[ValidationReport], target: str | Path, settings: ValidationSettings
) -> ValidationReport:
    """The worker's report; a worker that died (PyBullet crashing on a recorded scene) fails
    its target instead of the whole run."""
    try:
        return future.result()
    except WorkerDied as exc:
        report = new_report(target, settings)
        return fail(
            report,
            StageFailure(
                Stage.EPISODES,
                f"The validation worker died while judging this task or one validated beside it "
                f"({exc}); validate it again on its own to see which.",
            ),
        )
