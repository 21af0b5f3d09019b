"""Benchmark the seed task library: seconds per expert episode and expert success rate.

Every registered seed task (or those named with ``--tasks``) runs its scripted expert on
``--episodes`` distinct seeds. By default this is exactly what ``simgen validate --workers 2``
does: each task's ``reset`` runs in the sandbox and the expert runs on the recorded scene,
rebuilt outside it. ``--in-process`` runs reset and expert in this process instead (the old
path, for comparison). The result is printed as a markdown table: the median and maximum
seconds per episode (sandboxed: rebuild and expert; in-process: reset and expert), the mean
number of steps, and the success rate. The library's bar: every task must succeed on at least
``--min-success`` (90%) of its seeds; the script exits 1 when one does not. Run::

    nice .venv/bin/python benchmarks/bench_seed_tasks.py --episodes 20
    .venv/bin/python benchmarks/bench_seed_tasks.py --episodes 5 --tasks packing-boxes sweeping-piles
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import asdict, dataclass

from simenv.constants import SUCCESS_THRESHOLD
from simenv.environment import Environment
from simenv.episodes import reset_episode
from simenv.sandbox.pool import validate_many
from simenv.settings import GIB, ValidationSettings
from simenv.tasks import get_task, task_names
from simenv.validation import run_expert
from simenv.validation_report import ValidationReport


@dataclass
class TaskBench:
    """What one task's expert did over the benchmark's seeds."""

    name: str
    episodes: int
    success_rate: float
    median_seconds: float
    max_seconds: float
    mean_steps: float
    failed_seeds: list[int]


def bench_task(name: str, episodes: int, seed: int, mode: str) -> TaskBench:
    """Run the task's expert on seeds ``seed .. seed + episodes - 1`` in one environment."""
    task_class = get_task(name).task_class
    seconds, steps, failed = [], [], []
    with Environment() as env:
        for episode_seed in range(seed, seed + episodes):
            start = time.perf_counter()
            task = reset_episode(env, task_class, episode_seed, mode)
            total, n_steps = run_expert(env, task)
            seconds.append(time.perf_counter() - start)
            steps.append(n_steps)
            if total <= SUCCESS_THRESHOLD:
                failed.append(episode_seed)
    return TaskBench(
        name=name,
        episodes=episodes,
        success_rate=1.0 - len(failed) / episodes,
        median_seconds=statistics.median(seconds),
        max_seconds=max(seconds),
        mean_steps=statistics.fmean(steps),
        failed_seeds=failed,
    )


def bench_sandboxed(
    names: list[str], episodes: int, seed: int, mode: str, workers: int
) -> list[TaskBench]:
    """Validate every task sandboxed (``workers`` at a time); one row per task."""
    settings = ValidationSettings(
        episodes=episodes, seed=seed, mode=mode, min_success=0.0, timeout=3600, memory_bytes=4 * GIB
    )
    rows = {}
    for report in validate_many(names, settings, workers=workers):
        print(f"done {report.target}: {report.summary()}", file=sys.stderr, flush=True)
        rows[report.target] = _row(report, episodes)
    return [rows[name] for name in names]


def _row(report: ValidationReport, episodes: int) -> TaskBench:
    seconds = [e.seconds for e in report.episodes] or [0.0]
    done = {e.seed for e in report.episodes if e.success}
    failed = [e.seed for e in report.episodes if not e.success]
    return TaskBench(
        name=str(report.target),
        episodes=episodes,
        success_rate=len(done) / episodes,
        median_seconds=statistics.median(seconds),
        max_seconds=max(seconds),
        mean_steps=statistics.fmean([e.steps for e in report.episodes] or [0]),
        failed_seeds=failed if report.episodes else [-1],
    )


def markdown_table(rows: list[TaskBench]) -> str:
    """The results as a markdown table, one task per row."""
    lines = [
        "| task | episodes | success | median s/episode | max s/episode | mean steps | failed seeds |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        failed = ", ".join(str(s) for s in r.failed_seeds) or "-"
        lines.append(
            f"| {r.name} | {r.episodes} | {r.success_rate:.0%} | {r.median_seconds:.2f} | "
            f"{r.max_seconds:.2f} | {r.mean_steps:.1f} | {failed} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--episodes", type=int, default=20, help="seeds per task (default 20)")
    parser.add_argument("--seed", type=int, default=0, help="first seed (default 0)")
    parser.add_argument("--mode", default="train", choices=["train", "val", "test"])
    parser.add_argument("--tasks", nargs="*", default=None, help="task names (default: all)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of markdown")
    parser.add_argument("--in-process", action="store_true", help="reset and expert here")
    parser.add_argument("--workers", type=int, default=2, help="sandboxed validations at once")
    parser.add_argument(
        "--min-success", type=float, default=0.9, help="success rate every task must reach"
    )
    args = parser.parse_args(argv)
    if args.episodes < 1:
        parser.error("--episodes must be at least 1")
    names = args.tasks or task_names()
    for name in names:
        get_task(name)  # an unknown name fails here, naming the registered ones
    if args.in_process:
        rows = []
        for name in names:
            print(f"benchmarking {name} ...", file=sys.stderr, flush=True)
            rows.append(bench_task(name, args.episodes, args.seed, args.mode))
    else:
        rows = bench_sandboxed(names, args.episodes, args.seed, args.mode, args.workers)
    if args.json:
        print(json.dumps([asdict(r) for r in rows], indent=2))
    else:
        print(f"{'in-process' if args.in_process else 'sandboxed'}, {args.episodes} seeds per task")
        print(markdown_table(rows))
    missed = [r.name for r in rows if r.success_rate < args.min_success]
    if missed:
        print(f"below the {args.min_success:.0%} bar: {', '.join(missed)}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
