"""`simgen memory ...`: list, show, search, add, remove and check the task library.

`register` mounts `memory_app` as `simgen memory` on the CLI root. Human output uses rich; `--json` prints plain
JSON on stdout for machines (`{"results": [...]}` for list and search). Errors are one line on
stderr and exit code 1. Tests swap `DEPS` to run the commands against an in-memory Chroma and a
fake validator.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.syntax import Syntax
from rich.table import Table

from memory.drift import DriftReport
from memory.errors import TaskMemoryError, ValidationFailedError
from memory.filters import SearchFilter
from memory.importing import Validator, add_task_file, no_validator
from memory.library import TaskMemory
from memory.records import Origin, TaskRecord
from memory.taskfiles import default_asset_finder
from simenv.taskfile import AssetFinder
from simenv.workspace import DEFAULT_WORKSPACE

memory_app = typer.Typer(
    help="The task library: a Chroma collection of validated tasks, their files, and search.",
    no_args_is_help=True,
)

console = Console()
err_console = Console(stderr=True)


@dataclass
class CliDependencies:
    """What the commands use to reach the outside world; tests replace these."""

    open_memory: Callable[..., TaskMemory] = TaskMemory.open
    validator: Callable[[], Validator] = no_validator
    asset_finder: Callable[[], AssetFinder] = default_asset_finder


DEPS = CliDependencies()

WorkspaceOption = Annotated[
    Path,
    typer.Option(
        "--workspace", "-w", help="Workspace folder (library in memory/, files in tasks/)."
    ),
]
ChromaUrlOption = Annotated[
    str | None,
    typer.Option(
        "--chroma-url",
        envvar="SIMGEN_CHROMA_URL",
        help="A `chroma run` server shared by several machines, e.g. http://127.0.0.1:8000.",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]


@contextmanager
def _errors() -> Iterator[None]:
    """Turn library errors into one red line on stderr and exit code 1."""
    try:
        yield
    except TaskMemoryError as exc:
        err_console.print(f"[bold red]error:[/] {escape(str(exc))}")
        raise typer.Exit(1) from exc


@contextmanager
def _progress(description: str, *, quiet: bool = False) -> Iterator[Callable[[int, int], None]]:
    """A progress callback that draws a bar on stderr the first time it is called."""
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if quiet:
            return
        if "bar" not in state:
            bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=err_console,
                transient=True,
            )
            bar.start()
            state["bar"] = bar
            state["task"] = bar.add_task(description, total=total)
        state["bar"].update(state["task"], completed=done, total=total)

    try:
        yield update
    finally:
        if "bar" in state:
            state["bar"].stop()


def _open(workspace: Path, chroma_url: str | None, *, quiet: bool = False) -> TaskMemory:
    with _progress("Seeding the library", quiet=quiet) as progress:
        return DEPS.open_memory(workspace, chroma_url, progress=progress)


def _print_json(payload: Any) -> None:
    typer.echo(json.dumps(payload, indent=2))


def _rate(record: TaskRecord) -> str:
    return "-" if record.success_rate is None else f"{record.success_rate:.0%}"


@memory_app.command("list")
def list_tasks(
    origin: Annotated[Origin | None, typer.Option(help="Only tasks of this origin.")] = None,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    chroma_url: ChromaUrlOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the tasks in the library."""
    with _errors():
        records = _open(workspace, chroma_url, quiet=as_json).list(origin=origin)
    if as_json:
        _print_json({"results": [r.summary_dict() for r in records]})
        return
    table = Table(title=f"{len(records)} tasks", title_justify="left")
    for column in ("name", "origin", "success", "assets", "description"):
        table.add_column(column, overflow="fold" if column == "description" else "ellipsis")
    for r in records:
        table.add_row(r.name, r.origin.value, _rate(r), str(len(r.assets)), r.description)
    console.print(table)


@memory_app.command()
def show(
    name: Annotated[str, typer.Argument(help="Task name, e.g. place-red-in-green.")],
    code: Annotated[bool, typer.Option("--code", help="Print the task's source too.")] = False,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    chroma_url: ChromaUrlOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one task: description, assets, validation, file."""
    with _errors():
        memory = _open(workspace, chroma_url, quiet=as_json)
        record = memory.get(name)
    if as_json:
        payload = record.summary_dict()
        if code:
            payload["code"] = record.code
        _print_json(payload)
        return
    table = Table(show_header=False, title=record.name, title_justify="left")
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    summary = record.summary_dict()
    summary["code_path"] = str(memory.code_file(record))
    for key, value in summary.items():
        if key != "name":
            shown = ", ".join(map(str, value)) if isinstance(value, list) else value
            table.add_row(key, "-" if shown is None else escape(str(shown)))
    console.print(table)
    if code:
        console.print(Syntax(record.code, "python", line_numbers=True))


@memory_app.command()
def search(
    text: Annotated[str, typer.Argument(help="What the task should be about.")],
    k: Annotated[int, typer.Option("-k", "--k", min=1, help="How many tasks to return.")] = 5,
    origin: Annotated[Origin | None, typer.Option(help="Only tasks of this origin.")] = None,
    asset: Annotated[
        list[str] | None,
        typer.Option("--asset", help="Only tasks using this asset (path or name; repeatable)."),
    ] = None,
    min_success: Annotated[
        float | None,
        typer.Option("--min-success", min=0.0, max=1.0, help="Minimum validated success rate."),
    ] = None,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    chroma_url: ChromaUrlOption = None,
    as_json: JsonOption = False,
) -> None:
    """Find the tasks nearest to TEXT (cosine distance: lower is closer)."""
    where = SearchFilter(origin=origin, assets=tuple(asset or ()), min_success=min_success)
    with _errors():
        hits = _open(workspace, chroma_url, quiet=as_json).search(text, k=k, where=where)
    if as_json:
        _print_json({"results": [hit.to_json() for hit in hits]})
        return
    table = Table(title=f"nearest to: {escape(text)}", title_justify="left")
    for column in ("distance", "name", "origin", "success", "description"):
        table.add_column(column, overflow="fold" if column == "description" else "ellipsis")
    for hit in hits:
        r = hit.record
        table.add_row(f"{hit.distance:.3f}", r.name, r.origin.value, _rate(r), r.description)
    console.print(table if hits else "[yellow]No task matches.[/]")


@memory_app.command()
def add(
    file: Annotated[Path, typer.Argument(help="A task file (one Task subclass).")],
    origin: Annotated[Origin, typer.Option(help="Where the task came from.")] = Origin.IMPORTED,
    model: Annotated[str | None, typer.Option(help="The model that wrote it, if any.")] = None,
    episodes: Annotated[int, typer.Option(min=1, help="Validation episodes.")] = 5,
    seed: Annotated[int, typer.Option(help="First validation seed.")] = 0,
    min_success: Annotated[float, typer.Option(min=0.0, max=1.0)] = 0.5,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace a stored task of the same name.")
    ] = False,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    chroma_url: ChromaUrlOption = None,
    as_json: JsonOption = False,
) -> None:
    """Validate FILE and add it to the library; a failing task is refused with its report."""
    with _errors():
        memory = _open(workspace, chroma_url, quiet=as_json)
        try:
            with err_console.status(f"Validating {file} ({episodes} episodes)..."):
                result = add_task_file(
                    memory,
                    file,
                    validate=DEPS.validator(),
                    origin=origin,
                    model=model,
                    episodes=episodes,
                    seed=seed,
                    min_success=min_success,
                    replace=replace,
                    find_assets=DEPS.asset_finder(),
                )
        except ValidationFailedError as exc:
            if as_json:
                _print_json({"added": False, "report": exc.report.model_dump(mode="json")})
            else:
                _print_failed_report(exc)
            raise typer.Exit(1) from exc
    record = result.add.record
    if as_json:
        _print_json(
            {
                "added": True,
                "outcome": result.add.outcome.value,
                "task": record.summary_dict(),
                "report": result.report.model_dump(mode="json"),
            }
        )
        return
    console.print(
        f"[green]{result.add.outcome.value}[/] {record.name} ({record.id[:12]}): "
        f"{_rate(record)} success, file {memory.code_file(record)}"
    )


def _print_failed_report(exc: ValidationFailedError) -> None:
    report = exc.report
    err_console.print(f"[bold red]refused:[/] {escape(report.summary())}")
    if report.traceback:
        err_console.print(escape(report.traceback))
    if report.episodes:
        table = Table(title="episodes", title_justify="left")
        for column in ("seed", "success", "reward", "steps", "error"):
            table.add_column(column)
        for e in report.episodes:
            table.add_row(
                str(e.seed), str(e.success), f"{e.reward:.2f}", str(e.steps), escape(e.error or "")
            )
        err_console.print(table)


@memory_app.command()
def remove(
    name: Annotated[str, typer.Argument(help="Task name.")],
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    chroma_url: ChromaUrlOption = None,
) -> None:
    """Remove a task (record and file) from the library."""
    with _errors():
        record = _open(workspace, chroma_url).remove(name)
    console.print(f"removed {record.name} ({record.id[:12]})")


@memory_app.command()
def check(
    repair: Annotated[bool, typer.Option("--repair", help="Fix the drift found.")] = False,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    chroma_url: ChromaUrlOption = None,
    as_json: JsonOption = False,
) -> None:
    """Compare the collection with the task files; exit 1 if drift remains."""
    with _errors():
        memory = _open(workspace, chroma_url, quiet=as_json)
        with _progress("Repairing", quiet=as_json) as progress:
            report = memory.check(repair=repair, progress=progress)
    if as_json:
        _print_json({**report.model_dump(mode="json"), "ok": report.ok})
    else:
        _print_drift(report)
    if not report.ok:
        raise typer.Exit(1)


def _print_drift(report: DriftReport) -> None:
    style = "green" if report.ok else "yellow"
    console.print(f"[{style}]{escape(report.summary())}[/]")
    if not report.drift:
        return
    table = Table(title_justify="left")
    for column in ("kind", "name", "detail", "repair" if report.repaired else "fix (--repair)"):
        table.add_column(column, overflow="fold")
    for item in report.drift:
        table.add_row(item.kind.value, item.name or "-", escape(item.detail), item.repair_action)
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``simgen memory`` to the ``simgen`` app."""
    app.add_typer(memory_app, name="memory")
