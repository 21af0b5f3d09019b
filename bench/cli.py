"""``simgen bench``: benchmarks of the generation system (``simgen bench llm``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from agents.models import ModelConfigError
from bench.llm import LLMBenchConfig, read_targets, run_benchmark
from bench.output import write_results
from graph.generate_cli import describe_event

app = typer.Typer(help="Benchmarks: compare language models on task generation.")

#: The table's columns: (heading, row key, format).
TABLE_COLUMNS = (
    ("setting", "label", "{}"),
    ("syntax", "syntax_pass_rate", "{:.0%}"),
    ("runtime", "runtime_pass_rate", "{:.0%}"),
    ("completion", "completion_rate", "{:.0%}"),
    ("accepted", "acceptance_rate", "{:.0%}"),
    ("repairs/task", "repairs_per_accepted", "{:.2f}"),
    ("calls/task", "calls_per_accepted", "{:.1f}"),
    ("tokens/task", "tokens_per_accepted", "{:.0f}"),
    ("$/task", "cost_per_accepted_usd", "{:.4f}"),
    ("s/task", "seconds_per_accepted", "{:.1f}"),
    ("asset div.", "asset_diversity", "{:.2f}"),
    ("embed. div.", "embedding_diversity", "{:.2f}"),
)


def results_table(rows: list[dict[str, Any]]) -> Table:
    table = Table(title="LLM benchmark")
    for heading, _, _ in TABLE_COLUMNS:
        table.add_column(heading)
    for row in rows:
        table.add_row(
            *("-" if row[key] is None else fmt.format(row[key]) for _, key, fmt in TABLE_COLUMNS)
        )
    return table


@app.command("llm")
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
    out: Annotated[
        Path | None,
        typer.Option(help="Output folder (default simgen-data/reports/bench-llm-<time>)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
) -> None:
    """Generate N tasks per model and compare: GenSim's syntax / runtime / completion rates,
    acceptance, repairs, calls, tokens, cost and seconds per accepted task, diversity."""
    console = Console(stderr=True)
    folder = out or Path("simgen-data/reports") / f"bench-llm-{datetime.now(UTC):%Y%m%d-%H%M%S}"
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
