"""``simgen bench``: benchmarks of the generation system (``simgen bench llm``) and of what it
is for, policies that generalise (``simgen bench policy``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from agents.chat_models import ModelConfigError
from agents.critics.registry import DEFAULT_CRITICS
from experiments.llm import LLMBenchConfig, read_targets, run_benchmark
from experiments.metrics import COST_FIGURES
from experiments.output import write_results
from experiments.policy_config import (
    BenchEvent,
    PolicyBenchConfig,
    PolicyBenchError,
    config_fields,
)
from graph.cli import describe_event
from simenv.workspace import DEFAULT_WORKSPACE

bench_app = typer.Typer(
    help="Benchmarks: compare language models on task generation (llm); measure whether "
    "generated tasks help a policy on held-out tasks (policy)."
)

#: The table's columns: (heading, row key, format).
TABLE_COLUMNS = (
    ("setting", "label", "{}"),
    ("syntax", "syntax_pass_rate", "{:.0%}"),
    ("runtime", "runtime_pass_rate", "{:.0%}"),
    ("completion", "completion_rate", "{:.0%}"),
    ("accepted", "acceptance_rate", "{:.0%}"),
    ("vision rej.", "vision_rejected_after_validation_rate", "{:.0%}"),
    ("repairs/task", "repairs_per_accepted", "{:.2f}"),
    ("calls/task", "calls_per_accepted", "{:.1f}"),
    ("tokens/task", "tokens_per_accepted", "{:.0f}"),
    ("$/task", "cost_per_accepted_usd", "{:.4f}"),
    ("s/task", "seconds_per_accepted", "{:.1f}"),
    ("asset div.", "asset_diversity", "{:.2f}"),
    ("embed. div.", "embedding_diversity", "{:.2f}"),
)


def cell(row: dict[str, Any], key: str, fmt: str) -> str:
    """One figure as the table prints it: ``unpriced`` for the cost of a model without a price
    (unknown, not free), ``-`` for a figure with nothing to divide by."""
    if row[key] is None:
        return "unpriced" if key in COST_FIGURES and row["cost_usd"] is None else "-"
    return fmt.format(row[key])


def results_table(rows: list[dict[str, Any]]) -> Table:
    table = Table(title="LLM benchmark")
    for heading, _, _ in TABLE_COLUMNS:
        table.add_column(heading)
    for row in rows:
        table.add_row(*(cell(row, key, fmt) for _, key, fmt in TABLE_COLUMNS))
    critics = sorted({", ".join(row["critics"]) for row in rows})
    table.caption = f"critics: {'; '.join(critics)}"
    return table


@bench_app.command("llm")
def llm_command(
    models: Annotated[
        str,
        typer.Option(
            help="Comma-separated models, e.g. offline,openai:gpt-4o ('offline': no LLM)."
        ),
    ],
    n: Annotated[int, typer.Option("-n", "--n-tasks", min=1, help="Tasks per model.")] = 5,
    mode: Annotated[str, typer.Option(help="explore or target (with --targets).")] = "explore",
    targets: Annotated[
        Path | None, typer.Option(help="Target tasks, one per line (--mode target).")
    ] = None,
    base_url: Annotated[str | None, typer.Option(help="OpenAI-compatible server URL.")] = None,
    max_repairs: Annotated[int, typer.Option(min=0, help="Repair rounds per candidate.")] = 3,
    without_repairs: Annotated[
        bool,
        typer.Option(
            "--without-repairs/--no-without-repairs",
            help="Also run each model with repair rounds off (shows what reflection gains).",
        ),
    ] = True,
    workers: Annotated[int, typer.Option(min=1, help="Candidates in parallel.")] = 1,
    episodes: Annotated[int, typer.Option(min=1, help="Expert episodes per validation.")] = 3,
    max_candidates: Annotated[
        int | None, typer.Option(min=1, help="Candidates each run may try.")
    ] = None,
    critic: Annotated[
        list[str] | None,
        typer.Option(
            "--critic",
            help=f"A critic judging every row (repeat; default {', '.join(DEFAULT_CRITICS)}). "
            "'llm' and 'vision' need a model in every row ('vision' a multimodal one).",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help=f"Output folder (default {DEFAULT_WORKSPACE}/reports/bench-llm-<time>)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
) -> None:
    """Generate N tasks per model and compare: GenSim's syntax / runtime / completion rates,
    acceptance, repairs, calls, tokens, cost and seconds per accepted task, diversity."""
    console = Console(stderr=True)
    folder = out or DEFAULT_WORKSPACE / "reports" / f"bench-llm-{datetime.now(UTC):%Y%m%d-%H%M%S}"
    try:
        config = LLMBenchConfig(
            models=tuple(m.strip() for m in models.split(",")),
            out=folder,
            n_tasks=n,
            mode=mode,  # type: ignore[arg-type]
            targets=read_targets(targets) if targets is not None else (),
            base_url=base_url,
            max_repairs=max_repairs,
            without_repairs=without_repairs,
            workers=workers,
            episodes=episodes,
            max_candidates=max_candidates,
            critics=tuple(critic or DEFAULT_CRITICS),
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc

    def show(label: str, event: dict[str, Any]) -> None:
        line = "started" if event.get("event") == "setting_started" else describe_event(event)
        if line is not None:
            console.print(f"[bold]{escape(label)}[/bold] {escape(line)}", highlight=False)

    try:
        with console.status(f"benchmarking {', '.join(config.models)}"):
            rows = run_benchmark(config, on_event=show)
    except (ModelConfigError, ValueError) as exc:
        console.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    files = write_results(config, rows)
    if as_json:
        typer.echo(json.dumps({"results": rows, "files": [str(f) for f in files]}, indent=2))
        return
    console.print(results_table(rows))
    console.print(f"results: {files[0]}, {files[1]}; charts: {config.out}/*.png")


#: Each option's help, from the experiment's dataclass (one description for both); the
#: options' defaults are the dataclass's too.
POLICY_HELP = config_fields()


def _counts(text: str, option: str) -> tuple[int, ...]:
    """'0,4,8' -> (0, 4, 8); a clear error for anything else."""
    try:
        return tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError as exc:
        raise typer.BadParameter(
            f"{option} takes comma-separated whole numbers, e.g. 0,4,8; got '{text}'."
        ) from exc


def _joined(values: tuple[object, ...]) -> str:
    """A tuple setting's default as its option is written: (0, 4, 8) -> '0,4,8'."""
    return ",".join(str(value) for value in values)


def _names(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def policy_table(bench: dict[str, Any]) -> Table:
    """Held-out (and base, as a reference) test success per arm and few-shot setting."""
    table = Table(title=f"Policy transfer ({bench['report_split']} split; chosen on val)")
    for column in ("generated", "K", "task", "mean", "95% interval", "per seed", "reward"):
        table.add_column(column)
    for arm in bench["arms"]:
        for role in ("held_out", "base"):
            for task, f in arm[role].items():
                table.add_row(
                    str(arm["generated"]),
                    str(arm["few_shot"]),
                    task if role == "held_out" else f"{task} (base)",
                    f"{f['mean']:.0%}",
                    f"{f['ci95'][0]:.0%}-{f['ci95'][1]:.0%}",
                    " ".join(f"{v:.0%}" for v in f["per_seed"]),
                    f"{f['mean_reward']:.2f}",
                )
    return table


class StageBars:
    """A rich progress bar per stage (generate, demos, train, select, test), fed by events.

    Where the console is not a terminal (a log file of a long run), bars are not drawn, so
    each unit of work is logged as a line when it starts instead."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.bars: dict[str, TaskID] = {}
        self.units: dict[str, str] = {}

    def __call__(self, event: BenchEvent) -> None:
        if event.stage not in self.bars:
            self.bars[event.stage] = self.progress.add_task(event.stage, total=None)
        bar = self.bars[event.stage]
        if event.kind == "total":
            self.progress.update(bar, total=event.amount)
            return
        self.progress.advance(bar, event.amount)
        if event.unit and self.units.get(event.stage) != event.unit:
            self.units[event.stage] = event.unit
            self.progress.update(bar, description=f"{event.stage} {event.unit}")
            if not self.progress.console.is_terminal:
                verb = "kept" if event.kind == "kept" else "working on"
                self.progress.console.log(f"{event.stage}: {verb} {event.unit}")


@bench_app.command("policy")
def policy_command(
    out: Annotated[Path, typer.Option(help=POLICY_HELP["out"])] = PolicyBenchConfig.out,
    base: Annotated[str, typer.Option(help=POLICY_HELP["base"])] = _joined(PolicyBenchConfig.base),
    generated: Annotated[str, typer.Option(help=POLICY_HELP["generated"])] = _joined(
        PolicyBenchConfig.generated
    ),
    held_out: Annotated[str, typer.Option(help=POLICY_HELP["held_out"])] = _joined(
        PolicyBenchConfig.held_out
    ),
    arms: Annotated[str, typer.Option(help=POLICY_HELP["arms"])] = _joined(PolicyBenchConfig.arms),
    few_shot: Annotated[str, typer.Option(help=POLICY_HELP["few_shot"])] = _joined(
        PolicyBenchConfig.few_shot
    ),
    train_seeds: Annotated[
        int, typer.Option(help=POLICY_HELP["train_seeds"])
    ] = PolicyBenchConfig.train_seeds,
    demos: Annotated[int, typer.Option(help=POLICY_HELP["demos"])] = PolicyBenchConfig.demos,
    steps: Annotated[int, typer.Option(help=POLICY_HELP["steps"])] = PolicyBenchConfig.steps,
    max_minutes: Annotated[
        float | None, typer.Option(help=POLICY_HELP["max_minutes"])
    ] = PolicyBenchConfig.max_minutes,
    config: Annotated[str, typer.Option(help=POLICY_HELP["config"])] = PolicyBenchConfig.config,
    checkpoints: Annotated[
        int, typer.Option(help=POLICY_HELP["checkpoints"])
    ] = PolicyBenchConfig.checkpoints,
    val_episodes: Annotated[
        int, typer.Option(help=POLICY_HELP["val_episodes"])
    ] = PolicyBenchConfig.val_episodes,
    test_episodes: Annotated[
        int, typer.Option(help=POLICY_HELP["test_episodes"])
    ] = PolicyBenchConfig.test_episodes,
    workers: Annotated[int, typer.Option(help=POLICY_HELP["workers"])] = PolicyBenchConfig.workers,
    generate: Annotated[
        int, typer.Option(help=POLICY_HELP["generate"])
    ] = PolicyBenchConfig.generate,
    model: Annotated[str | None, typer.Option(help=POLICY_HELP["model"])] = PolicyBenchConfig.model,
    base_url: Annotated[
        str | None, typer.Option(help=POLICY_HELP["base_url"])
    ] = PolicyBenchConfig.base_url,
    as_json: Annotated[bool, typer.Option("--json", help="Print bench.json on stdout.")] = False,
) -> None:
    """GenSim's experiment: train arms with 0, 4, 8... generated tasks added to the base tasks,
    choose checkpoints on val, report held-out success on test (resumable: rerun to continue)."""
    console = Console(stderr=True)
    try:
        settings = PolicyBenchConfig(
            out=out,
            base=_names(base),
            generated=_names(generated),
            held_out=_names(held_out),
            arms=_counts(arms, "--arms"),
            few_shot=_counts(few_shot, "--few-shot"),
            train_seeds=train_seeds,
            demos=demos,
            steps=steps,
            max_minutes=max_minutes,
            config=config,
            checkpoints=checkpoints,
            val_episodes=val_episodes,
            test_episodes=test_episodes,
            workers=workers,
            generate=generate,
            model=model,
            base_url=base_url,
        )
    except PolicyBenchError as exc:
        raise typer.BadParameter(str(exc)) from exc
    # The experiment imports torch and the policy: only this command pays for them.
    from experiments.policy_output import write_policy_results
    from experiments.policy_transfer import run_experiment

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    try:
        with Progress(*columns, console=console, disable=as_json) as progress:
            bench = run_experiment(settings, on_event=StageBars(progress))
    except (PolicyBenchError, ModelConfigError) as exc:
        console.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    files = write_policy_results(bench, settings.out)
    if as_json:
        typer.echo(json.dumps(bench, indent=2))
        return
    console.print(policy_table(bench))
    console.print(f"results: {', '.join(str(f) for f in files)}")


def register(app: typer.Typer) -> None:
    """Add ``simgen bench`` to the ``simgen`` app."""
    app.add_typer(bench_app, name="bench")
