"""Offline generation: seconds per accepted task and acceptance rate, with 1 and 2 workers.

Runs `graph.run.run(N)` with the offline agents (no model) in a fresh temporary workspace for
each worker count: every candidate is validated in the sandbox and pictured from its record.
Targets (issue 8): a run of 20 under 300 s, at least 90% of candidates accepted, and every
accepted task different (no two with the same relation + objects + counts). Exits 1 on a miss.

    .venv/bin/python benchmarks/bench_generate.py [--tasks 20] [--workers 1,2]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time

from graph.context import Context
from graph.resources import clear_resources
from graph.run import run

TARGET_SECONDS = 300.0
TARGET_ACCEPTANCE = 0.9


def measure(n_tasks: int, workers: int) -> dict[str, float | int | bool]:
    with tempfile.TemporaryDirectory(prefix="simgen-bench-") as folder:
        clear_resources()
        start = time.perf_counter()
        summary = run(n_tasks, context=Context(workspace=folder, workers=workers))
        seconds = time.perf_counter() - start
    accepted = len(summary["accepted"])
    tried = accepted + len(summary["rejected"])
    names = [t["name"] for t in summary["accepted"]]
    return {
        "workers": workers,
        "accepted": accepted,
        "candidates": tried,
        "acceptance": round(accepted / max(tried, 1), 3),
        "distinct": len(set(names)) == len(names),
        "seconds": round(seconds, 1),
        "seconds_per_accepted": round(seconds / max(accepted, 1), 2),
        "repairs": sum(t["repairs"] for t in summary["accepted"]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=20)
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args()
    print(f"offline generation of {args.tasks} tasks, sandboxed validation, pictures on")
    ok = True
    for workers in (int(w) for w in args.workers.split(",")):
        row = measure(args.tasks, workers)
        hit = (
            row["seconds"] <= TARGET_SECONDS
            and row["acceptance"] >= TARGET_ACCEPTANCE
            and row["distinct"]
            and row["accepted"] == args.tasks
        )
        ok &= hit
        print(json.dumps(row), "PASS" if hit else "MISS", flush=True)
    print(
        f"targets: <= {TARGET_SECONDS:.0f} s, acceptance >= {TARGET_ACCEPTANCE:.0%}, all distinct"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
