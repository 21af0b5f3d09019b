"""Expert validation speed: seconds per episode of a seed task, in-process, no camera images.

It runs ``simenv.taskcode.validate`` in this process (no sandbox: the figure is the
simulator's own speed). Target (issue 2): place-red-in-green at most 0.6 s per episode (median
of 10 episodes) on a 2-core machine. Exits 1 when the validation fails or a task with a target
misses it. Run: ``.venv/bin/python benchmarks/bench_validation.py [--task NAME] [--episodes N]``.
"""

from __future__ import annotations

import argparse
import statistics
import time

from simenv.settings import ValidationSettings
from simenv.taskcode import validate
from simenv.tasks import task_names

#: Median seconds per episode each task must meet (tasks without one are measured only).
TARGET_SECONDS = {"place-red-in-green": 0.6}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--task", default="place-red-in-green", choices=task_names())
    parser.add_argument("--episodes", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    start = time.perf_counter()
    report = validate(args.task, ValidationSettings(episodes=args.episodes, seed=args.seed))
    wall = time.perf_counter() - start
    seconds = [e.seconds for e in report.episodes]
    median = statistics.median(seconds)
    print(f"task: {args.task}  episodes: {len(seconds)}  success rate: {report.success_rate:.0%}")
    print(
        f"seconds per episode: median {median:.3f}  min {min(seconds):.3f}  max {max(seconds):.3f}"
    )
    print(f"whole validation (world start-up included): {wall:.2f} s")
    ok = report.passed
    target = TARGET_SECONDS.get(args.task)
    if target is not None:
        ok &= median <= target
        verdict = "meets" if median <= target else "MISSES"
        print(f"{verdict} the {target} s per-episode target")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
