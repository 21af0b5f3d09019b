"""Benchmark the sandboxed validator: isolation overhead and parallel throughput.

    .venv/bin/python benchmarks/bench_sandbox.py [--episodes 3] [--repeats 5] [--throughput-episodes 1]

1. Overhead: seconds per validation of place-red-in-green (``--episodes`` expert episodes),
   in-process vs sandboxed (fork server warm), median of ``--repeats``; plus the one-off cost
   of starting the fork server.
2. Throughput: validations per minute of the registered seed tasks (``--tasks`` to choose
   some) with 1 and 2 workers (sandboxed), and the speed-up; target >= 1.7x. On a shared
   machine the figures are noisy: the load average is printed with them.

Exits 1 when a validation fails or the speed-up misses its target.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from simenv.sandbox import validate_isolated, validate_many, zygote
from simenv.sandbox.limits import SandboxLimits
from simenv.tasks import task_names
from simenv.validation import validate

SPEED_UP_TARGET = 1.7
LIMITS = SandboxLimits(wall_seconds=300)


def timed(fn: object) -> float:
    start = time.perf_counter()
    report = fn()  # type: ignore[operator]
    seconds = time.perf_counter() - start
    assert report.passed, report.error
    return seconds


def overhead(episodes: int, repeats: int) -> None:
    task = "place-red-in-green"
    zygote.get_client().close()
    cold = timed(lambda: validate_isolated(task, episodes=episodes, limits=LIMITS))
    inproc = [timed(lambda: validate(task, episodes=episodes)) for _ in range(repeats)]
    sandboxed = [
        timed(lambda: validate_isolated(task, episodes=episodes, limits=LIMITS))
        for _ in range(repeats)
    ]
    m_in, m_sb = statistics.median(inproc), statistics.median(sandboxed)
    print(f"overhead: {task}, {episodes} episodes, median of {repeats}")
    print(f"  in-process      {m_in:6.3f} s/validation")
    print(
        f"  sandboxed       {m_sb:6.3f} s/validation  (first one, fork server cold: {cold:.3f} s)"
    )
    print(f"  overhead        {m_sb - m_in:+6.3f} s/validation ({m_sb / m_in:.2f}x)")


def throughput(tasks: list[str], episodes: int) -> bool:
    """Validations per minute with 1 and 2 workers; True when all passed and the target is met."""
    rates = {}
    all_passed = True
    for workers in (1, 2):
        start = time.perf_counter()
        reports = list(
            validate_many(tasks, workers=workers, episodes=episodes, limits=LIMITS, progress=False)
        )
        seconds = time.perf_counter() - start
        failed = [r.target for r in reports if not r.passed]
        all_passed &= not failed
        rates[workers] = len(reports) / seconds * 60
        print(
            f"throughput: workers={workers}: {len(reports)} validations ({episodes} episode(s) "
            f"each) in {seconds:.1f} s = {rates[workers]:.1f} validations/min"
            + (f"; failed: {failed}" if failed else "")
        )
    speed_up = rates[2] / rates[1]
    verdict = "meets" if speed_up >= SPEED_UP_TARGET else "MISSES"
    print(
        f"  speed-up 1 -> 2 workers: {speed_up:.2f}x ({verdict} the >= {SPEED_UP_TARGET}x target)"
    )
    return all_passed and speed_up >= SPEED_UP_TARGET


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=3, help="episodes for the overhead run")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--throughput-episodes", type=int, default=1)
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--tasks", nargs="*", default=None, help="task names (default: all)")
    args = parser.parse_args()
    print(f"cpus={os.cpu_count()} load average before: {os.getloadavg()}")
    overhead(args.episodes, args.repeats)
    ok = True
    if not args.skip_throughput:
        ok = throughput(args.tasks or task_names(), args.throughput_episodes)
    print(f"load average after: {os.getloadavg()}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
