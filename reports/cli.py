"""``simgen report``: write the static HTML report of a workspace or a run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from reports.bench_policy import is_policy_bench, write_policy_bench_page
from reports.build import ReportConfig, build_report
from reports.collect import RUNS_DIR, ReportSourceError
from simenv.workspace import DEFAULT_WORKSPACE


def report_command(
    source: Annotated[
        Path,
        typer.Argument(
            help="A workspace (every run), a run folder (runs/<thread>), a thread id of "
            "--workspace, or a `simgen bench policy` work folder (its results page)."
        ),
    ] = DEFAULT_WORKSPACE,
    workspace: Annotated[
        Path, typer.Option(help="Where a bare thread id is looked up.")
    ] = DEFAULT_WORKSPACE,
    out: Annotated[
        Path | None,
        typer.Option(help="Report folder (default <workspace>/reports/<thread or all-runs>)."),
    ] = None,
    animations: Annotated[
        bool,
        typer.Option(
            "--animations/--no-animations", help="Animate each accepted task's expert rollout."
        ),
    ] = True,
    workers: Annotated[int, typer.Option(min=1, help="Processes drawing pictures.")] = 2,
    as_json: Annotated[bool, typer.Option("--json", help="Print the page's path as JSON.")] = False,
) -> None:
    """Write a static HTML report of a workspace or a run (opens from disk).

    Per task: description, goals, code, scene, expert rollout, validation, repairs and model;
    run totals with plots.
    """
    console = Console(stderr=True)
    if is_policy_bench(source):  # a `simgen bench policy` work folder: its results page
        page = write_policy_bench_page(source)
        typer.echo(
            json.dumps({"report": str(page.resolve())}) if as_json else f"Report: {page.resolve()}"
        )
        return
    if not source.exists() and (workspace / RUNS_DIR / str(source)).is_dir():
        source = workspace / RUNS_DIR / str(source)
    config = ReportConfig(source=source, out=out, animations=animations, workers=workers)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    try:
        with Progress(*columns, console=console, transient=True) as bar:
            job = bar.add_task("reading runs")

            def show(step: str, done: int, total: int) -> None:
                bar.update(job, description=step, completed=done, total=total)

            page = build_report(config, on_progress=show)
    except ReportSourceError as exc:
        console.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    if as_json:
        typer.echo(json.dumps({"report": str(page.resolve())}))
        return
    typer.echo(f"Report: {page.resolve()}")


def register(app: typer.Typer) -> None:
    """Add ``simgen report`` to the ``simgen`` app."""
    app.command("report")(report_command)
