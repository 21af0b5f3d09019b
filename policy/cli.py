"""``simgen demos``, ``simgen train`` and ``simgen eval``: the policy's commands."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from policy.seeds import SPLITS
from simenv.workspace import DEFAULT_WORKSPACE

console = Console(stderr=True)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

Workspace = Annotated[Path, typer.Option(help="Workspace folder (demos/, models/, reports/).")]
AsJson = Annotated[bool, typer.Option("--json", help="Print the result as JSON on stdout.")]


def _fail(message: str) -> typer.Exit:
    console.print(f"[red]error:[/red] {message}")
    return typer.Exit(EXIT_USAGE)


def _split(split: str) -> str:
    if split not in SPLITS:
        raise _fail(f"--split must be one of {', '.join(SPLITS)}; got '{split}'.")
    return split


def _task_list(tasks: str) -> tuple[str, ...]:
    names = tuple(t.strip() for t in tasks.split(",") if t.strip())
    if not names:
        raise _fail("--tasks needs at least one task name (comma-separated).")
    return names


def _progress(description: str, total: int, enabled: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not enabled,
        transient=True,
    )


def demos_command(
    tasks: Annotated[
        list[str],
        typer.Argument(
            help="Registered task names or generated task files (.py, replayed from the sandbox)."
        ),
    ],
    n: Annotated[int, typer.Option("--n", min=1, help="Successful episodes per task.")] = 100,
    split: Annotated[str, typer.Option(help="train, val or test (distinct seeds).")] = "train",
    workers: Annotated[int, typer.Option(min=1, help="Episodes recorded at once.")] = 1,
    executor: Annotated[str, typer.Option(help="'process' (this machine) or 'ray'.")] = "process",
    max_failures: Annotated[
        int, typer.Option(min=1, help="Give up on a task after this many failed seeds.")
    ] = 50,
    workspace: Workspace = DEFAULT_WORKSPACE,
    as_json: AsJson = False,
) -> None:
    """Record expert demonstrations (resumable: stored episodes are kept). Exits 1, naming the
    failed seeds and why, when a task ends with fewer than ``--n`` episodes."""
    from policy.demos import DemoRequest, record_demos
    from policy.tasks import TaskTargetError, resolve_task

    request = DemoRequest(
        tuple(tasks), n, _split(split), workers, executor, max_failures=max_failures
    )
    with _progress("recording", n * len(tasks), not as_json) as bar:
        job = bar.add_task("recording", total=n * len(tasks))

        def advance(outcome: object) -> None:
            if getattr(outcome, "success", False):
                bar.advance(job)

        try:
            outcomes = record_demos(workspace, request, on_episode=advance)
        except (TaskTargetError, ValueError, RuntimeError) as exc:
            raise _fail(str(exc)) from exc
    from policy.demo_store import DemoStore, store_path

    store = DemoStore(store_path(workspace))
    counts: dict[str, int] = {}
    failed: dict[str, dict[int, str]] = {}
    for target in tasks:
        name = resolve_task(target).name  # a task file's episodes are stored by its task name
        refs = store.episodes(name, split, include_failed=True)
        counts[target] = sum(r.success for r in refs)
        if counts[target] < n:
            failed[target] = {r.seed: r.reason or "no reason stored" for r in refs if not r.success}
    summary = {
        "store": str(store.path),
        "split": split,
        "recorded": len(outcomes),
        "failed": sum(not o.success for o in outcomes),
        "tasks": counts,
        "short": {
            t: {"episodes": counts[t], "wanted": n, "failed_seeds": f} for t, f in failed.items()
        },
    }
    if as_json:
        sys.stdout.write(json.dumps(summary) + "\n")
    else:
        for task, count in counts.items():
            console.print(f"{task}: {count} {split} episodes")
        console.print(f"store: {store.path}")
    for task, seeds in failed.items():
        console.print(
            f"[red]error:[/red] {task}: {counts[task]} of {n} {split} episodes after "
            f"{len(seeds)} failed seeds (gave up at --max-failures {max_failures}):"
        )
        for seed, reason in sorted(seeds.items()):
            console.print(f"  seed {seed}: {reason}")
    if failed:
        raise typer.Exit(EXIT_FAILED)


def train_command(
    tasks: Annotated[
        str,
        typer.Option(
            help="Comma-separated names of recorded tasks (a task file's demos go by its task name)."
        ),
    ],
    demos: Annotated[int, typer.Option(min=1, help="Demonstrations per task.")] = 100,
    steps: Annotated[int, typer.Option(min=1, help="Training steps (batches).")] = 1000,
    config: Annotated[str, typer.Option(help="'small' (CPU) or 'full' (GPU).")] = "small",
    run: Annotated[str | None, typer.Option(help="Run name (default from the tasks).")] = None,
    max_minutes: Annotated[
        float | None, typer.Option(min=0.01, help="Stop after this long (checkpointed).")
    ] = None,
    workspace: Workspace = DEFAULT_WORKSPACE,
    as_json: AsJson = False,
) -> None:
    """Train the Transporter on stored demonstrations; continues a run from its checkpoint."""
    from policy.config import preset
    from policy.train import TrainRequest, train

    try:
        request = TrainRequest(_task_list(tasks), demos, steps, preset(config), run, max_minutes)
    except ValueError as exc:
        raise _fail(str(exc)) from exc
    with _progress("training", steps, not as_json) as bar:
        job = bar.add_task("training", total=steps)

        def advance(record: object, total: int) -> None:
            loss = getattr(record, "pick_loss", 0.0) + getattr(record, "place_loss", 0.0)
            bar.update(job, completed=getattr(record, "step", 0), description=f"loss {loss:.3f}")

        try:
            result = train(workspace, request, on_step=advance)
        except (ValueError, FileNotFoundError) as exc:
            raise _fail(str(exc)) from exc
    last = result.history[-1] if result.history else None
    summary = {
        "checkpoint": str(result.checkpoint),
        "curve": str(result.curve),
        "step": last.step if last else 0,
        "resumed_from": result.resumed_from,
        "minutes": round(result.seconds / 60, 2),
        "pick_loss": last.pick_loss if last else None,
        "place_loss": last.place_loss if last else None,
    }
    if as_json:
        sys.stdout.write(json.dumps(summary) + "\n")
        return
    console.print(f"checkpoint: {result.checkpoint} (step {summary['step']})")
    console.print(f"training curve: {result.curve}")


def eval_command(
    checkpoint: Annotated[Path, typer.Option(help="A checkpoint from `simgen train`.")],
    tasks: Annotated[
        str,
        typer.Option(
            help="Comma-separated registered task names or task files (replayed from the sandbox)."
        ),
    ],
    episodes: Annotated[int, typer.Option(min=1, help="Episodes per task.")] = 50,
    split: Annotated[str, typer.Option(help="train, val or test.")] = "test",
    workspace: Workspace = DEFAULT_WORKSPACE,
    as_json: AsJson = False,
) -> None:
    """Success rate and mean reward per task, with a table, a JSON file and a plot."""
    from policy.agent import TransporterPolicy
    from policy.evaluate import evaluate, write_report
    from policy.tasks import TaskTargetError
    from policy.train import load_model

    names = _task_list(tasks)
    try:
        model, _, _ = load_model(checkpoint)
    except (FileNotFoundError, ValueError) as exc:
        raise _fail(str(exc)) from exc
    with _progress("evaluating", episodes * len(names), not as_json) as bar:
        job = bar.add_task("evaluating", total=episodes * len(names))
        try:
            report = evaluate(
                TransporterPolicy(model),
                names,
                episodes,
                _split(split),
                on_episode=lambda _: bar.advance(job),
            )
        except (TaskTargetError, ValueError) as exc:
            raise _fail(str(exc)) from exc
    report = replace(report, checkpoint=str(checkpoint))
    stem = f"eval-{checkpoint.parent.name}-{split}"
    json_path, png_path = write_report(report, Path(workspace) / "reports", stem)
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict() | {"json": str(json_path)}) + "\n")
        return
    table = Table("task", "episodes", "success", "mean reward")
    for score in report.tasks:
        table.add_row(
            score.task,
            str(len(score.episodes)),
            f"{score.success_rate:.0%}",
            f"{score.mean_reward:.3f}",
        )
    Console().print(table)
    console.print(f"report: {json_path}, plot: {png_path}")


def register(app: typer.Typer) -> None:
    """Add the policy's commands to the ``simgen`` app."""
    app.command("demos")(demos_command)
    app.command("train")(train_command)
    app.command("eval")(eval_command)
