"""``validate_many``: validate many task programs in parallel, each in its own sandbox.

The ``process`` executor runs K validations at a time on this machine. Each validation is a
child of the fork server, so the K workers are threads that only wait on children: the real
parallelism is in the child processes, and nothing heavy is pickled. The ``ray`` executor runs
the same ``validate_isolated`` as Ray tasks (one CPU each), for a cluster; ``ray`` is an
optional extra, imported only when asked for.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any, Literal

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from simenv.report import ValidationReport
from simenv.sandbox.limits import SandboxLimits
from simenv.sandbox.runner import validate_isolated

Executor = Literal["process", "ray", "in-process"]
EXECUTORS: tuple[str, ...] = ("process", "ray", "in-process")


def validate_many(
    targets: Sequence[str | Path],
    *,
    workers: int = 1,
    executor: Executor = "process",
    ordered: bool = False,
    progress: bool = True,
    ray_address: str | None = None,
    episodes: int = 5,
    seed: int = 0,
    min_success: float = 0.5,
    mode: str = "train",
    strict: bool = False,
    limits: SandboxLimits | None = None,
    static_check: bool = True,
) -> Iterator[ValidationReport]:
    """Yield one report per target, as each finishes (or in input order with ``ordered``).

    ``in-process`` runs the unsandboxed validator one target at a time (for debugging), so a
    hostile program can harm this process: never use it on untrusted code.
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if executor not in EXECUTORS:
        raise ValueError(f"executor must be one of {', '.join(EXECUTORS)}; got {executor!r}")
    options: dict[str, Any] = {
        "episodes": episodes,
        "seed": seed,
        "min_success": min_success,
        "mode": mode,
        "strict": strict,
    }
    sandbox = {**options, "limits": limits or SandboxLimits(), "static_check": static_check}
    with _progress_bar(len(targets), progress) as bar:
        if executor == "ray":
            reports = _ray(targets, workers, ordered, ray_address, sandbox)
        elif executor == "in-process":
            reports = _in_process(targets, options)
        else:
            reports = _threads(targets, workers, ordered, sandbox)
        for report in reports:
            bar.advance(report)
            yield report


class _Bar:
    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress = progress
        self.task = progress.add_task("validating", total=total) if progress else None
        self.failed = 0

    def advance(self, report: ValidationReport) -> None:
        self.failed += not report.passed
        if self.progress is not None and self.task is not None:
            self.progress.update(
                self.task, advance=1, description=f"validating ({self.failed} failed)"
            )


@contextlib.contextmanager
def _progress_bar(total: int, enabled: bool) -> Iterator[_Bar]:
    if not enabled:
        yield _Bar(None, total)
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        yield _Bar(progress, total)


def _in_process(
    targets: Sequence[str | Path], options: dict[str, Any]
) -> Iterator[ValidationReport]:
    from simenv.validation import validate

    for target in targets:
        yield validate(target, **options)


def _threads(
    targets: Sequence[str | Path], workers: int, ordered: bool, sandbox: dict[str, Any]
) -> Iterator[ValidationReport]:
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="simgen-validate") as pool:
        futures = [pool.submit(validate_isolated, target, **sandbox) for target in targets]
        yield from _collect(futures, ordered)


def _collect(futures: list[Future[ValidationReport]], ordered: bool) -> Iterator[ValidationReport]:
    if ordered:
        for future in futures:
            yield future.result()
        return
    pending = set(futures)
    while pending:
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            yield future.result()


def _ray_validate(target: str, sandbox: dict[str, Any]) -> dict[str, Any]:
    """The Ray task: a sandboxed validation on whichever node Ray picks; a plain dict back."""
    return validate_isolated(target, **sandbox).model_dump(mode="json")


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
    workers: int,
    ordered: bool,
    address: str | None,
    sandbox: dict[str, Any],
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
            ref = remote.remote(queue[submitted], sandbox)
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
