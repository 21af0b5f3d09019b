"""Episode speed (issue 22, item 3): a 30-file sample validated sandboxed, and demo recording.

    .venv/bin/python -m benchmarks.bench_episodes [--mode validate|in-process|steps|demos|all]

GenSim's own 30-file sample is not in this repository, so ``sample()`` is a stand-in of 30
files the repository holds: the 18 seed tasks (each validated as its task file, sandboxed,
exactly as a generated file is) and 12 GenSim-style files: the test suite's CLIPort-style
task, 10 files of the dialect corpus named in ``CORPUS_FILES`` (three fail at reset by
design, as some of GenSim's files do) and ``benchmarks/sample/color_matched_blocks_in_bowls.py``
(three pick-and-place steps). Results: ``docs/results/episode-speed.md``.

- ``validate``: every file, ``--episodes`` expert episodes each (default 3), one process, one
  after the other, sandboxed (``validate_isolated``): total seconds, the median seconds an
  episode takes in the judge, and per task the seconds that are not the judge's episodes
  (sandbox start not hidden by the pre-started one, import, ``reset``, records, transfer).
- ``in-process``: the same files through ``simenv.taskcode.validate`` (no sandbox).
- ``steps``: the physics steps the judge takes on each file's scenes (in-process): exact where
  seconds are noisy, so two trees can be compared on a shared machine.
- ``demos``: ``--demo-episodes`` recorded demonstrations of each of the policy benchmark's
  tasks (``simgen demos``-style, 1 worker, in this process, val split, a scratch store):
  episodes per minute.

Targets: the sandboxed sample in at most ``TARGET_VALIDATE_S`` seconds and at least
``TARGET_DEMOS_PER_MIN`` demonstrations a minute (twice the figures measured before).
Verdicts are printed so that two runs can be compared; exits 1 when a verdict differs from
``EXPECTED_FAILURES`` (the three corpus files that must fail) or a target is missed. The
machine is usually shared: the load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from policy.demos import DemoRequest, record_demos
from simenv.environment import Environment
from simenv.sandbox.runner import WAITING, validate_isolated
from simenv.settings import ValidationSettings
from simenv.taskcode import build_scenes, validate
from simenv.tasks import get_task, task_names
from simenv.validation import run_episode
from simenv.validation_report import StageFailure, ValidationReport

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "simenv" / "dialect" / "corpus"
#: The dialect corpus's 10 files, in the order of its rules (three fail at reset by design).
CORPUS_FILES = (
    "os_assets_root",
    "copy_pprint",
    "pose_in_place",
    "ipython_leftover",
    "unfilled_template",
    "missing_template",
    "two_entry_size",
    "full_table",
    "unknown_color_key",
    "restricted_os",
)
#: Stems of the files that must fail (their failure is the corpus's point).
EXPECTED_FAILURES = frozenset({"full_table", "unknown_color_key", "restricted_os"})
DEMO_TASKS = ("put-block-in-bowl", "block-insertion")
#: Issue 22: 125 s sandboxed for GenSim's sample and 28 demonstrations a minute, halved/doubled.
TARGET_VALIDATE_S = 60.0
TARGET_DEMOS_PER_MIN = 56.0


def sample() -> list[Path]:
    """The stand-in 30-file sample: the seed tasks' files, then the GenSim-style files."""
    seeds = [get_task(name).path for name in task_names()]
    gensim_style = [ROOT / "tests" / "simenv" / "data" / "cliport_style_task.py"]
    gensim_style += [CORPUS / f"{stem}.py" for stem in CORPUS_FILES]
    gensim_style.append(ROOT / "benchmarks" / "sample" / "color_matched_blocks_in_bowls.py")
    return [Path(p) for p in seeds] + gensim_style


def run_sample(
    validator: Callable[[str, ValidationSettings], ValidationReport], episodes: int
) -> dict[str, Any]:
    """Validate every file of the sample one after the other; figures and verdicts."""
    settings = ValidationSettings(episodes=episodes, timeout=300)
    rows: list[dict[str, Any]] = []
    start = time.perf_counter()
    for path in sample():
        report = validator(str(path), settings)
        episode_seconds = [e.seconds for e in report.episodes]
        rows.append(
            {
                "file": path.stem,
                "passed": report.passed,
                "stage": report.stage.value,
                "success": [e.success for e in report.episodes],
                "rewards": [e.reward for e in report.episodes],
                "seconds": report.seconds,
                "episode_seconds": episode_seconds,
                "other_seconds": round(report.seconds - sum(episode_seconds), 4),
            }
        )
        print(
            f"  {path.stem:28s} {'pass' if report.passed else 'FAIL':4s} {report.seconds:6.2f} s"
            f"  episodes {_list(episode_seconds)}",
            flush=True,
        )
    total = time.perf_counter() - start
    every_episode = [s for r in rows for s in r["episode_seconds"]]
    return {
        "total_seconds": round(total, 2),
        "median_episode_seconds": round(statistics.median(every_episode), 3),
        "mean_episode_seconds": round(statistics.mean(every_episode), 3),
        "median_other_seconds_per_task": round(
            statistics.median(r["other_seconds"] for r in rows), 3
        ),
        "rows": rows,
    }


def _list(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def sandboxed(target: str, settings: ValidationSettings) -> ValidationReport:
    return validate_isolated(target, settings)


def in_process(target: str, settings: ValidationSettings) -> ValidationReport:
    return validate(target, settings)


def physics_steps(episodes: int) -> dict[str, int]:
    """Per file that builds, the physics steps of its ``episodes`` judged episodes."""
    settings = ValidationSettings(episodes=episodes)
    steps = {}
    for path in sample():
        try:
            records = list(build_scenes(path, settings))
        except StageFailure:
            continue  # the corpus files that must fail build no scene
        with Environment() as env:
            for record in records:
                run_episode(env, record)
            steps[path.stem] = env.sim_steps
    return steps


def demo_rate(episodes: int) -> dict[str, Any]:
    """Demonstrations a minute, 1 worker, in this process, into a scratch store."""
    scratch = Path(tempfile.mkdtemp(prefix="simgen-bench-episodes-"))
    try:
        start = time.perf_counter()
        outcomes = record_demos(scratch, DemoRequest(DEMO_TASKS, episodes, "val", 1))
        minutes = (time.perf_counter() - start) / 60
        return {
            "episodes": len(outcomes),
            "successes": sum(o.success for o in outcomes),
            "episodes_per_minute": round(len(outcomes) / minutes, 2),
            "seconds": round(minutes * 60, 2),
            "steps": [o.steps for o in outcomes],
        }
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def wrong_verdicts(result: dict[str, Any]) -> list[str]:
    """Files whose verdict is not the expected one (a pass, or a corpus file's failure)."""
    return [r["file"] for r in result["rows"] if r["passed"] == (r["file"] in EXPECTED_FAILURES)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--mode", choices=("validate", "in-process", "steps", "demos", "all"), default="all"
    )
    parser.add_argument("--episodes", type=int, default=3)
    parser.add_argument("--demo-episodes", type=int, default=10, help="per task")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args()
    results: dict[str, Any] = {"cpus": os.cpu_count(), "load_average_start": os.getloadavg()}
    ok = True
    if args.mode in ("validate", "all"):
        WAITING.clear()
        print(f"sandboxed, {len(sample())} files, {args.episodes} episodes each:")
        result = results["sandboxed"] = run_sample(sandboxed, args.episodes)
        wrong = wrong_verdicts(result)
        ok &= not wrong and result["total_seconds"] <= TARGET_VALIDATE_S
        print(_summary(result, wrong, TARGET_VALIDATE_S))
    if args.mode in ("in-process", "all"):
        print(f"in-process, {len(sample())} files, {args.episodes} episodes each:")
        result = results["in_process"] = run_sample(in_process, args.episodes)
        wrong = wrong_verdicts(result)
        ok &= not wrong
        print(_summary(result, wrong, None))
    if args.mode == "steps":
        steps = results["physics_steps"] = physics_steps(args.episodes)
        for name, count in steps.items():
            print(f"  {name:30s} {count:7d}")
        print(f"physics steps: {sum(steps.values())} over {len(steps)} files")
    if args.mode in ("demos", "all"):
        rate = results["demos"] = demo_rate(args.demo_episodes)
        ok &= rate["episodes_per_minute"] >= TARGET_DEMOS_PER_MIN
        print(
            f"demonstrations: {rate['episodes']} episodes ({rate['successes']} kept) in "
            f"{rate['seconds']:.1f} s: {rate['episodes_per_minute']:.1f} a minute "
            f"(target >= {TARGET_DEMOS_PER_MIN})"
        )
    results["load_average_end"] = os.getloadavg()
    print(
        f"load average: start {_loads(results['load_average_start'])}, end "
        f"{_loads(results['load_average_end'])}"
    )
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2))
    return 0 if ok else 1


def _summary(result: dict[str, Any], wrong: list[str], target: float | None) -> str:
    text = (
        f"total {result['total_seconds']:.1f} s; episode median {result['median_episode_seconds']:.3f}"
        f" s, mean {result['mean_episode_seconds']:.3f} s; per task outside episodes (median) "
        f"{result['median_other_seconds_per_task']:.3f} s"
    )
    if target is not None:
        text += f"; target <= {target:.0f} s: {'met' if result['total_seconds'] <= target else 'MISSED'}"
    if wrong:
        text += f"; UNEXPECTED VERDICTS: {', '.join(wrong)}"
    return text


def _loads(values: Any) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    raise SystemExit(main())
