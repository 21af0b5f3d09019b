"""``validate_many``: validate many task programs in parallel, each in its own sandbox.

The ``process`` executor runs K worker processes on this machine; each takes one target at a
time and calls ``validate_isolated`` (the task's code in a fresh sandbox, the expert in the
worker, which owns its PyBullet client). With one worker the expert runs in this process, so
no ``Environment`` may be open here meanwhile. The ``ray`` executor runs the same function as Ray
tasks (one CPU each), for a cluster; ``ray`` is an optional extra, imported only when asked
for. ``in-process`` runs the unsandboxed validator here, one target at a time (debugging only).

Progress is reported through ``on_report``; drawing it is the caller's business (the CLI draws
a progress bar).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Literal

from simenv.report import Stage, ValidationReport
from simenv.sandbox.runner import validate_isolated
from simenv.settings import IsolationUnavailable, ValidationSettings
from simenv.validation import StageFailure, fail, new_report

Executor = Literal["process", "ray", "in-process"]
EXECUTORS: tuple[str, ...] = ("process", "ray", "in-process")
#: Called after each report with (reports done, reports in all, the report).
ReportCallback = Callable[[int, int, ValidationReport], None]


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
    if executor == "ray":
        reports = _ray(targets, settings, workers, ordered, ray_address)
    elif executor == "in-process":
        from simenv.taskcode import validate  # the explicit debugging path for trusted code

        reports = (validate(target, settings) for target in targets)
    elif workers == 1:
        reports = (validate_isolated(target, settings) for target in targets)
    else:
        reports = _processes(targets, settings, workers, ordered)
    for done, report in enumerate(reports, start=1):
        if on_report is not None:
            on_report(done, len(targets), report)
        yield report


def _processes(
    targets: Sequence[str | Path], settings: ValidationSettings, workers: int, ordered: bool
) -> Iterator[ValidationReport]:
    # forkserver: workers start from a clean interpreter, not a copy of this (threaded) one.
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(
        max_workers=min(workers, len(targets) or 1), mp_context=context
    ) as pool:
        futures = {pool.submit(validate_isolated, t, settings): t for t in targets}
        yield from _collect(futures, settings, ordered)


def _collect(
    futures: dict[Future[ValidationReport], str | Path],
    settings: ValidationSettings,
    ordered: bool,
) -> Iterator[ValidationReport]:
    if ordered:
        for future, target in futures.items():
            yield _result(future, target, settings)
        return
    pending = set(futures)
    while pending:
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            yield _result(future, futures[future], settings)


def _result(
    future: Future[ValidationReport], target: str | Path, settings: ValidationSettings
) -> ValidationReport:
    """The worker's report; a worker that died (PyBullet crashing on a recorded scene) fails
    its target instead of the whole run."""
    try:
        return future.result()
    except BrokenProcessPool as exc:
        report = new_report(target, settings)
        return fail(
            report,
            StageFailure(
                Stage.EPISODES,
                f"The validation worker died while judging this task or one validated beside it "
                f"({exc}); validate it again on its own to see which.",
            ),
        )


def _ray_validate(target: str, settings: dict[str, Any]) -> dict[str, Any]:
    """The Ray task: a sandboxed validation on whichever node Ray picks; a plain dict back."""
    report = validate_isolated(target, ValidationSettings.from_dict(settings))
    return report.model_dump(mode="json")


def _import_ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise RuntimeError(
            "--executor ray needs the optional 'ray' extra: pip install 'simgen[ray]' "
            "(or use the default process executor)."
        ) from exc
    return ray


def _ray(
    targets: Sequence[str | Path],
    settings: ValidationSettings,
    workers: int,
    ordered: bool,
    address: str | None,
) -> Iterator[ValidationReport]:
    """At most ``workers`` Ray tasks in flight; results as they complete (or in order)."""
    ray = _import_ray()
    if not ray.is_initialized():
        ray.init(
            address=address,
            include_dashboard=False,
            log_to_driver=False,
            ignore_reinit_error=True,
            configure_logging=False,
        )
    remote = ray.remote(num_cpus=1, max_retries=0)(_ray_validate)
    queue = [str(t) for t in targets]
    index_of: dict[Any, int] = {}
    finished: dict[int, ValidationReport] = {}
    next_index = 0
    in_flight: list[Any] = []
    submitted = 0
    while submitted < len(queue) or in_flight:
        while submitted < len(queue) and len(in_flight) < workers:
            ref = remote.remote(queue[submitted], settings.to_dict())
            index_of[ref] = submitted
            in_flight.append(ref)
            submitted += 1
        done, in_flight = ray.wait(in_flight, num_returns=1)
        for ref in done:
            report = ValidationReport.model_validate(ray.get(ref))
            if not ordered:
                yield report
                continue
            finished[index_of[ref]] = report
            while next_index in finished:
                yield finished.pop(next_index)
                next_index += 1
