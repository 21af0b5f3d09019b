"""The GenSim experiment in miniature: do extra training tasks help on tasks neither model saw?

What it runs, in one workspace (default ``simgen-data/bench-policy-transfer``):

1. Demonstrations (train split, resumable) of the base tasks, the extra tasks and nothing of
   the held-out tasks.
2. Two models with the same configuration and time budget: one on the base tasks, one on
   base + extra tasks.
3. Both evaluated on the held-out tasks (test split), plus the base tasks for reference.

It prints the table (success rate and mean reward per model and task) and writes it as JSON;
there is no pass/fail target (exit 0 unless something breaks). In GenSim the extra tasks are
LLM-generated: give generated task files with ``--extra simgen-data/tasks/a.py,...`` (their
code runs in the sandbox only; the recorder replays each seed's scene record). The default
extra tasks are registered seed tasks, so that the benchmark runs on a fresh clone.

Run: ``nice -n 10 .venv/bin/python benchmarks/bench_policy_transfer.py [--minutes 30]``.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

from policy.agent import TransporterPolicy
from policy.config import preset
from policy.demos import DemoRequest, record_demos
from policy.evaluate import EvalReport, evaluate
from policy.tasks import resolve_task
from policy.train import TrainRequest, load_model, train

BASE = ("put-block-in-bowl", "block-insertion")
EXTRA = ("place-red-in-green", "stack-block-pyramid-seq", "towers-of-hanoi-seq")
HELD_OUT = ("stack-block-pyramid", "towers-of-hanoi")


def names(text: str) -> tuple[str, ...]:
    return tuple(t for t in (s.strip() for s in text.split(",")) if t)


def train_and_evaluate(
    workspace: Path, tasks: tuple[str, ...], run: str, args: argparse.Namespace
) -> EvalReport:
    config = preset("small")
    config = replace(config, train=replace(config.train, checkpoint_every=100))
    request = TrainRequest(tasks, args.demos, args.steps, config, run, max_minutes=args.minutes)
    result = train(workspace, request)
    model, _, _ = load_model(result.checkpoint)
    held_out = names(args.held_out)
    return evaluate(TransporterPolicy(model), [*held_out, *names(args.base)], args.episodes)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workspace", type=Path, default=Path("simgen-data/bench-policy-transfer"))
    parser.add_argument("--base", default=",".join(BASE))
    parser.add_argument("--extra", default=",".join(EXTRA))
    parser.add_argument("--held-out", default=",".join(HELD_OUT))
    parser.add_argument("--demos", type=int, default=100)
    parser.add_argument("--steps", type=int, default=4000)
    parser.add_argument("--minutes", type=float, default=30.0, help="training budget per model")
    parser.add_argument("--episodes", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    base, extra = names(args.base), names(args.extra)
    if set(names(args.held_out)) & set(base + extra):
        parser.error("held-out tasks must not be among the training tasks")
    record_demos(args.workspace, DemoRequest(base + extra, args.demos, "train", args.workers))
    stored = tuple(resolve_task(t).name for t in extra)  # a task file's demos go by its name
    reports = {
        "base": train_and_evaluate(args.workspace, base, "transfer-base", args),
        "base+extra": train_and_evaluate(args.workspace, base + stored, "transfer-extra", args),
    }
    table = {
        model: {t.task: [t.success_rate, round(t.mean_reward, 4)] for t in report.tasks}
        for model, report in reports.items()
    }
    out = args.workspace / "reports" / "bench-policy-transfer.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(table, indent=2))
    print(f"{'task':<26} {'base':>14} {'base+extra':>14}   (success, mean reward)")
    for task in table["base"]:
        cells = [f"{table[m][task][0]:>6.0%} {table[m][task][1]:>6.2f}" for m in table]
        marker = "  held out" if task in names(args.held_out) else ""
        print(f"{task:<26} {cells[0]:>14} {cells[1]:>14}{marker}")
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
