"""Benchmark the sandboxed validator: isolation overhead and parallel throughput.

    .venv/bin/python -m benchmarks.bench_sandbox [--episodes 3] [--repeats 7] [--throughput-episodes 3]

1. Overhead: seconds per validation of place-red-in-green (``--episodes`` expert episodes),
   in-process (``simenv.taskcode.validate``: task code and expert in this process) vs
   sandboxed (``validate_isolated``: the task's code in a bubblewrap sandbox, the expert here on
   the recorded scene), median of ``--repeats``, validations back to back as the generation
   loop runs them (the next sandbox starts while the current one is judged); the first,
   cold, sandboxed validation is printed too. Target: median overhead at most 0.3 s.
2. Throughput: validations per minute of the registered seed tasks (``--tasks`` to choose
   some), sandboxed, with 1 and 2 workers, each validation of ``--throughput-episodes``
   episodes (default: the generation loop's, ``graph.context.Context.episodes``). Target: 2
   workers at least 1.7x the throughput of 1.

   ``--executor ray`` measures the same on Ray: on the cluster at ``--ray-address``, or
   without one on a cluster of two nodes of one CPU each that it starts on this machine (a
   head and a second raylet, as ``tests/graph/test_graph_ray.py`` does) and stops after.
   ``--skip-overhead`` measures throughput only.

Exits 1 when a validation fails or a target is missed. On a shared machine the figures are noisy: the load average
is printed with them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from graph.context import Context
from simenv.sandbox.pool import Executor, validate_many
from simenv.sandbox.runner import WAITING, validate_isolated
from simenv.settings import ValidationSettings
from simenv.taskcode import validate
from simenv.tasks import task_names
from simenv.validation_report import ValidationReport
from tests.simenv.sandbox.ray_cluster import local_cluster

MAX_OVERHEAD_S = 0.3
MIN_SPEEDUP = 1.7


def timed(fn: Callable[[], ValidationReport]) -> float:
    start = time.perf_counter()
    report = fn()
    seconds = time.perf_counter() - start
    assert report.passed, report.error
    return seconds


def overhead(episodes: int, repeats: int) -> float:
    task = "place-red-in-green"
    settings = ValidationSettings(episodes=episodes, timeout=300)
    WAITING.clear()
    cold = timed(lambda: validate_isolated(task, settings))
    inproc = [timed(lambda: validate(task, settings)) for _ in range(repeats)]
    sandboxed = [timed(lambda: validate_isolated(task, settings)) for _ in range(repeats)]
    m_in, m_sb = statistics.median(inproc), statistics.median(sandboxed)
    print(f"overhead: {task}, {episodes} episodes, median of {repeats}")
    print(f"  in-process      {m_in:6.3f} s/validation  (all: {_list(inproc)})")
    print(f"  sandboxed       {m_sb:6.3f} s/validation  (all: {_list(sandboxed)})")
    print(f"  first sandboxed {cold:6.3f} s (cold: nothing started yet)")
    print(f"  overhead        {m_sb - m_in:+6.3f} s/validation (target <= {MAX_OVERHEAD_S} s)")
    return m_sb - m_in


def _list(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def throughput(
    tasks: list[str], episodes: int, executor: Executor = "process", address: str | None = None
) -> float:
    """The speed-up from 1 to 2 workers (0 when a validation failed)."""
    rates = {}
    all_passed = True
    settings = ValidationSettings(episodes=episodes, timeout=300)
    for workers in (1, 2):
        start = time.perf_counter()
        reports = list(
            validate_many(tasks, settings, workers=workers, executor=executor, ray_address=address)
        )
        seconds = time.perf_counter() - start
        failed = [r.target for r in reports if not r.passed]
        all_passed &= not failed
        rates[workers] = len(reports) / seconds * 60
        print(
            f"throughput ({executor}): workers={workers}: {len(reports)} validations ({episodes} episode(s) "
            f"each) in {seconds:.1f} s = {rates[workers]:.1f} validations/min"
            + (f"; failed: {failed}" if failed else "")
        )
    speedup = rates[2] / rates[1]
    print(f"  speed-up 1 -> 2 workers: {speedup:.2f}x (target >= {MIN_SPEEDUP}x)")
    return speedup if all_passed else 0.0


@contextmanager
def _ray_cluster(executor: str, address: str | None) -> Iterator[str | None]:
    """The Ray cluster to measure on: the one given, or two local nodes of one CPU each."""
    if executor != "ray" or address is not None:
        yield address
        return
    with local_cluster(nodes=2, cpus_per_node=1) as cluster:
        print(f"local Ray cluster: {len(cluster.node_ids)} nodes of 1 CPU at {cluster.address}")
        yield cluster.address


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--episodes", type=int, default=3, help="episodes for the overhead run")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--throughput-episodes", type=int, default=Context().episodes)
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-overhead", action="store_true")
    parser.add_argument("--executor", choices=("process", "ray"), default="process")
    parser.add_argument("--ray-address", default=None, help="default: a local 2-node cluster")
    parser.add_argument("--tasks", nargs="*", choices=task_names(), default=None)
    args = parser.parse_args()
    print(f"cpus={os.cpu_count()} load average before: {os.getloadavg()}")
    missed = False
    if not args.skip_overhead:
        missed |= overhead(args.episodes, args.repeats) > MAX_OVERHEAD_S
    if not args.skip_throughput:
        tasks = args.tasks or task_names()
        with _ray_cluster(args.executor, args.ray_address) as address:
            speedup = throughput(tasks, args.throughput_episodes, args.executor, address)
        missed |= speedup < MIN_SPEEDUP
    print(f"load average after: {os.getloadavg()}")
    print("MISSED a target" if missed else "all targets met")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
