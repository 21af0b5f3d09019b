"""``simgen validate``, ``simgen render`` and ``simgen tasks``: the simulator's commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from simenv.safe_text import printable
from simenv.tasks import UnknownTaskError, list_tasks
from simenv.validation import resolve_target
from simenv.validation_report import ValidationReport
from simenv.workspace import DEFAULT_WORKSPACE

console = Console(stderr=True)
tasks_app = typer.Typer(help="The seed task library.", no_args_is_help=True)

EXIT_PASSED, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def check_targets(targets: list[str]) -> None:
    """Unknown names and missing files are usage errors (exit 2), not failed validations."""
    for target in targets:
        try:
            resolve_target(target)
        except (FileNotFoundError, UnknownTaskError) as exc:
            console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(EXIT_USAGE) from exc


def print_report(report: ValidationReport, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(report.model_dump_json() + "\n")
        return
    style = "green" if report.passed else "red"
    console.print(Text(report.summary(), style=style))
    if report.traceback:
        # The traceback quotes the task's own exception text: no terminal escapes from it.
        console.print(printable(report.traceback), markup=False, highlight=False)


def validate_command(
    targets: Annotated[list[str], typer.Argument(help="Registered task names or task files.")],
    episodes: Annotated[int, typer.Option(min=1, help="Expert episodes, on seeds S, S+1, ...")] = 5,
    seed: Annotated[int, typer.Option(help="First seed.")] = 0,
    min_success: Annotated[float, typer.Option(min=0.0, max=1.0, help="Pass threshold.")] = 0.5,
    mode: Annotated[
        str, typer.Option(help="Split: 'train', 'val' or 'test' (held-out colours and shapes).")
    ] = "train",
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per task (JSON lines).")
    ] = False,
    workers: Annotated[int, typer.Option(min=1, help="Validations run at once.")] = 1,
    timeout: Annotated[
        float, typer.Option(min=0.1, help="Wall-clock limit per validation, in seconds.")
    ] = 60.0,
    memory_limit: Annotated[
        float, typer.Option("--memory-limit", min=0.25, help="Memory limit per validation, in GiB.")
    ] = 4.0,
    executor: Annotated[
        str,
        typer.Option(help="Where sandboxed validations run: 'process' (this machine) or 'ray'."),
    ] = "process",
    require_isolation: Annotated[
        bool,
        typer.Option(
            "--require-isolation",
            help="Refuse to run unless every isolation layer of the sandbox is in force.",
        ),
    ] = False,
    in_process: Annotated[
        bool,
        typer.Option(
            "--in-process",
            help="Skip the sandbox and validate in this process, one at a "
            "time (debugging only: never on untrusted code).",
        ),
    ] = False,
    gui: Annotated[
        bool, typer.Option("--gui", help="Watch in a PyBullet window (implies --in-process).")
    ] = False,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Fail on the dialect leniencies (unfilled templates, two-entry sizes...) "
            "instead of reporting them as warnings.",
        ),
    ] = False,
) -> None:
    """Validate tasks stage by stage (parse, import, build, reset, expert episodes, success).

    Each task's code runs in a bubblewrap sandbox (own namespaces, unprivileged, no network,
    seccomp, capped memory, scratch and output); it only builds the scene, which comes back as
    data and is judged here by the expert. Reports are printed as they finish; the exit code is
    1 if any task fails. The JSON report lists the isolation layers that were in force.
    """
    from simenv.sandbox.containment import probe
    from simenv.sandbox.pool import EXECUTORS, validate_many
    from simenv.settings import GIB, ValidationSettings

    try:
        settings = ValidationSettings(
            episodes=episodes,
            seed=seed,
            min_success=min_success,
            mode=mode,
            timeout=timeout,
            memory_bytes=int(memory_limit * GIB),
            require_isolation=require_isolation,
            strict=strict,
        )
    except ValueError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(EXIT_USAGE) from exc
    unsandboxed = [
        flag
        for flag, used in (
            ("--in-process", in_process),
            ("--gui", gui),
            ("--executor in-process", executor == "in-process"),
        )
        if used
    ]
    if require_isolation and unsandboxed:
        console.print(
            f"[red]error:[/red] --require-isolation cannot be combined with {unsandboxed[0]}: "
            "that runs the task's code in this process, with no sandbox. Drop one of them."
        )
        raise typer.Exit(EXIT_USAGE)
    if executor not in EXECUTORS or executor == "in-process":
        console.print(f"[red]error:[/red] --executor must be 'process' or 'ray'; got '{executor}'.")
        raise typer.Exit(EXIT_USAGE)
    check_targets(targets)
    all_passed = True
    if gui:
        from simenv.taskcode import validate  # debugging trusted code: no sandbox

        for target in targets:
            report = validate(target, settings, gui=True)
            print_report(report, as_json)
            all_passed &= report.passed
        raise typer.Exit(EXIT_PASSED if all_passed else EXIT_FAILED)
    if not in_process and executor == "process":
        found = probe()
        if found.missing:
            style = "red" if require_isolation else "yellow"
            console.print(f"[{style}]{found.describe_missing()}[/{style}]", markup=True)
            if require_isolation:
                raise typer.Exit(EXIT_USAGE)
    draw = not as_json or sys.stderr.isatty()
    try:
        with ValidationProgress(len(targets), enabled=draw) as progress:
            for report in validate_many(
                targets,
                settings,
                workers=workers,
                executor="in-process" if in_process else executor,  # type: ignore[arg-type]
                on_report=progress.advance,
            ):
                print_report(report, as_json)
                all_passed &= report.passed
    except RuntimeError as exc:  # e.g. --executor ray without ray installed
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(EXIT_USAGE) from exc
    raise typer.Exit(EXIT_PASSED if all_passed else EXIT_FAILED)


class ValidationProgress:
    """The CLI's progress bar for ``validate_many`` (library code only reports progress)."""

    def __init__(self, total: int, enabled: bool = True) -> None:
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        self.progress = Progress(*columns, console=console, transient=True, disable=not enabled)
        self.task = self.progress.add_task("validating", total=total)
        self.failed = 0

    def __enter__(self) -> ValidationProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def advance(self, done: int, total: int, report: ValidationReport) -> None:
        self.failed += not report.passed
        self.progress.update(
            self.task, completed=done, description=f"validating ({self.failed} failed)"
        )


def render_command(
    target: Annotated[str, typer.Argument(help="Registered task name or task file.")],
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="F.png (first scene), or F.gif / F.webp (rollout)."),
    ],
    seed: Annotated[int, typer.Option(help="Episode seed.")] = 0,
    gui: Annotated[bool, typer.Option("--gui", help="Also show a PyBullet window.")] = False,
) -> None:
    """Render a task's first scene (PNG) or its expert's rollout (animated GIF or WebP).

    The task's code runs in the sandbox; the picture is drawn from the scene it sends back.
    """
    from simenv.render import ANIMATION_SUFFIXES, RenderError, render_task

    if out.suffix.lower() not in (".png", *ANIMATION_SUFFIXES):
        console.print(f"[red]error:[/red] --out must end in .png, .gif or .webp; got '{out}'.")
        raise typer.Exit(EXIT_USAGE)
    check_targets([target])
    with console.status(f"rendering {target}", spinner="dots"):
        try:
            path = render_task(target, out, seed=seed, gui=gui)
        except RenderError as exc:
            console.print(f"[red]error:[/red] {escape(printable(str(exc)))}")
            raise typer.Exit(EXIT_FAILED) from exc
    console.print(f"wrote {path}")


@tasks_app.command("list")
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the seed tasks with their metric, steps and assets."""
    from simenv.catalog import describe_tasks

    rows = describe_tasks(list_tasks())
    if as_json:
        sys.stdout.write(json.dumps({"tasks": rows}, indent=2) + "\n")
        return
    from rich.table import Table

    table = Table("name", "metric", "max steps", "assets", "description")
    for row in rows:
        table.add_row(
            row["name"],
            ",".join(row["metrics"]),
            str(row["max_steps"]),
            "\n".join(row["assets"]),
            row["description"],
        )
    Console().print(table)


@tasks_app.command("showcase")
def showcase_command(
    workspace: Annotated[Path, typer.Option(help="Where results go.")] = DEFAULT_WORKSPACE,
    episodes: Annotated[int, typer.Option(min=1, help="Expert episodes per task.")] = 3,
    workers: Annotated[int, typer.Option(min=1, help="Validations run at once.")] = 2,
) -> None:
    """Validate and render every seed task; writes an HTML page with the pictures."""
    from simenv.showcase import build_showcase

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        job = bar.add_task("validating")

        def show(step: str, done: int, total: int) -> None:
            bar.update(job, description=step, completed=done, total=total)

        page = build_showcase(workspace, episodes=episodes, workers=workers, on_progress=show)
    console.print(f"Seed task pictures and validation reports: [bold]{page.resolve()}[/bold]")


def register(app: typer.Typer) -> None:
    """Add the simulator's commands to the ``simgen`` app."""
    app.command("validate")(validate_command)
    app.command("render")(render_command)
    app.add_typer(tasks_app, name="tasks")
