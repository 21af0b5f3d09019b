"""Expert validation speed: seconds per episode of a seed task, in-process, no camera images.

Target (issue 2): place-red-in-green at most 0.6 s per episode (median of 10 episodes) on a
2-core machine. Run: ``.venv/bin/python benchmarks/bench_validation.py [--task NAME] [--episodes N]``.
"""

from __future__ import annotations

import argparse
import statistics
import time

from simenv.validation import validate

TARGET_SECONDS = 0.6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--task", default="place-red-in-green")
    parser.add_argument("--episodes", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    start = time.perf_counter()
    report = validate(args.task, episodes=args.episodes, seed=args.seed)
    wall = time.perf_counter() - start
    seconds = [e.seconds for e in report.episodes]
    median = statistics.median(seconds)
    print(f"task: {args.task}  episodes: {len(seconds)}  success rate: {report.success_rate:.0%}")
    print(
        f"seconds per episode: median {median:.3f}  min {min(seconds):.3f}  max {max(seconds):.3f}"
    )
    print(f"whole validation (world start-up included): {wall:.2f} s")
    if args.task == "place-red-in-green":
        verdict = "meets" if median <= TARGET_SECONDS else "misses"
        print(f"{verdict} the {TARGET_SECONDS} s per-episode target")


if __name__ == "__main__":
    main()
