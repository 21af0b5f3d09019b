"""``simgen generate``: run the generation graph from the command line.

The command draws the progress display and the final table; the graph only emits events.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from agents.chat_models import ModelConfigError
from agents.critics.registry import UnknownCriticError
from agents.protocols import Mode
from agents.usage import format_cost
from graph.context import Context
from graph.context_options import with_context_options
from graph.export import DEFAULT_EXAMPLES, DEFAULT_SYSTEM, ExportFormat, export_library
from graph.progress import Progress
from graph.run import new_thread_id, run
from memory import cli as memory_cli
from memory.errors import TaskMemoryError
from simenv.safe_text import one_line, printable
from simenv.workspace import DEFAULT_WORKSPACE

EVENT_TEXT = {
    "candidate_started": "{candidate}: started",
    "proposed": "{candidate}: proposed {name}",
    "reviewed": "{candidate}: review {verdict}",
    "coded": "{candidate}: wrote draft {attempt} of {name}",
    "validated": "{candidate}: draft {attempt} {outcome}",
    "reflected": "{candidate}: diagnosis: {diagnosis}",
    "critiqued": "{candidate}: critics {verdict}",
    "committed": "{candidate}: committed {name}",
    "finished": "{candidate}: done, {ending}",
    "round_done": "round {round} done: {accepted} accepted, {rejected} rejected so far",
}


def describe_event(event: dict[str, Any]) -> str | None:
    """One line for a progress event (None for events the display skips)."""
    template = EVENT_TEXT.get(str(event.get("event")))
    if template is None:
        return None
    fields = dict(event)
    fields.setdefault("name", "")
    fields["verdict"] = "accepted" if event.get("accepted") else "rejected"
    if "passed" in event:
        fields["outcome"] = (
            f"passed ({event.get('success_rate', 0):.0%})"
            if event["passed"]
            else f"failed at {event.get('stage')}"
        )
    if event.get("event") == "finished":
        fields["ending"] = (
            "accepted" if event.get("accepted") else f"rejected at {event.get('stage')}"
        )
    fields.setdefault("attempt", 0)
    fields.setdefault("diagnosis", "")
    # Names, stages and diagnoses come from the model and from validation reports: rich's
    # escape() keeps ESC and friends, so the line is made printable before it reaches a terminal.
    return one_line(template.format(**fields))


def ask_person(question: dict[str, Any]) -> dict[str, Any]:
    """The terminal's answer to a human review pause."""
    console = Console(stderr=True)
    console.rule(f"[bold]Review {escape(one_line(str(question.get('name'))))}")
    console.print(escape(printable(str(question.get("description", "")))))
    console.print(f"task file: {escape(one_line(str(question.get('path'))))}")
    rate = question.get("success_rate")
    console.print(f"expert success: {rate:.0%}" if rate is not None else "not validated")
    if question.get("picture"):
        console.print(f"picture: {question['picture']}")
    answer = typer.prompt("approve, or reject: <reason>", default="approve", err=True)
    word, _, reason = answer.partition(":")
    return {"approve": word.strip().lower().startswith("a"), "reason": reason.strip()}


def cell(value: object) -> str:
    """A table cell from model- or report-derived text: one printable line, no rich markup."""
    return escape(one_line(str(value)))


def summary_tables(summary: dict[str, Any]) -> list[Table]:
    accepted = Table(title=f"Accepted ({len(summary['accepted'])})")
    for column in ("name", "success", "repairs", "file"):
        accepted.add_column(column)
    for task in summary["accepted"]:
        rate = task["success_rate"]
        accepted.add_row(
            cell(task["name"]),
            f"{rate:.0%}" if rate is not None else "-",
            str(task["repairs"]),
            cell(task["path"]),
        )
    rejected = Table(title=f"Rejected ({len(summary['rejected'])})")
    for column in ("name", "stage", "reason"):
        rejected.add_column(column)
    for task in summary["rejected"]:
        rejected.add_row(cell(task["name"] or "-"), cell(task["stage"]), cell(task["reason"][:200]))
    return [accepted, rejected]


@with_context_options
def generate(
    context: Context,
    n: Annotated[int, typer.Option("-n", "--n-tasks", min=0, help="Tasks to accept.")] = 5,
    mode: Annotated[Mode, typer.Option(help="explore (new tasks) or target (toward --target).")] = (
        "explore"
    ),
    target: Annotated[str | None, typer.Option(help="The target task, with --mode target.")] = None,
    thread: Annotated[str | None, typer.Option(help="Run id: the same id continues a run.")] = None,
    checkpoint_url: Annotated[
        str | None, typer.Option(help="Postgres URL for checkpoints.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Generate tasks: propose, review, write code, validate (sandboxed), repair, critique, commit.

    The options after --json are the run's settings, the same ones LangGraph Studio shows."""
    # Those settings are ``Context``'s fields, one option each, added by ``with_context_options``.
    if mode == "target" and not target:
        raise typer.BadParameter(
            "--mode target needs --target 'build a car'", param_hint="--target"
        )
    if "human" in context.critics and not sys.stdin.isatty():
        raise typer.BadParameter(
            "--critic human asks in the terminal, and there is none; run it in a terminal, or "
            "resume the paused run from LangGraph Studio / graph.run(..., reviewer=...)."
        )
    thread = thread or new_thread_id()
    console = Console(stderr=True)

    progress = Progress()
    heading = f"generating {n} tasks (thread {thread})"

    def show(event: dict[str, Any]) -> None:
        line = describe_event(event)
        if line is not None:
            console.print(escape(line), highlight=False)
        if progress.update(event):
            status.update(escape(f"{heading}: {progress.line()}"))
            if event.get("event") == "finished" and not console.is_terminal:
                # No live status line off a terminal: the counts go with each ending instead.
                console.print(f"candidates: {progress.line()}", highlight=False)

    try:
        with console.status(escape(heading)) as status:
            summary = run(
                n,
                mode,
                target,
                context=context,
                thread=thread,
                checkpoint_url=checkpoint_url,
                on_event=show,
                reviewer=ask_person,
            )
    except (ModelConfigError, UnknownCriticError, ValueError) as exc:
        console.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    if as_json:
        typer.echo(json.dumps({k: v for k, v in summary.items() if k != "candidates"}, indent=2))
        return
    for table in summary_tables(summary):
        console.print(table)
    usage = summary["usage"]
    console.print(
        f"{len(summary['accepted'])} accepted in {summary['seconds']:.0f} s, "
        f"{usage['calls']} LLM calls, {usage['total_tokens']} tokens, "
        f"{format_cost(usage['cost_usd'])}; thread {summary['thread']}; "
        f"tasks in {context.workspace_path / 'tasks'}, "
        f"run in {context.workspace_path / 'runs' / summary['thread']}"
    )


def export(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="Base file name: tasks.jsonl writes tasks.train.jsonl and tasks.val.jsonl.",
        ),
    ],
    fmt: Annotated[
        ExportFormat,
        typer.Option("--format", help="chat: {messages: [...]}; gensim: {prompt, completion}."),
    ] = ExportFormat.CHAT,
    split: Annotated[
        float,
        typer.Option(
            help="Train fraction (0 < split <= 1), by a hash of the task name; the rest is "
            "validation."
        ),
    ] = 0.9,
    examples: Annotated[
        int, typer.Option(min=0, help="Few-shot library tasks in each prompt, as generate's.")
    ] = DEFAULT_EXAMPLES,
    system: Annotated[
        str, typer.Option(help="System message of chat lines; '' leaves it out.")
    ] = DEFAULT_SYSTEM,
    workspace: memory_cli.WorkspaceOption = DEFAULT_WORKSPACE,
    chroma_url: memory_cli.ChromaUrlOption = None,
    as_json: memory_cli.JsonOption = False,
) -> None:
    """Write the library as fine-tuning data: each task's coder prompt (as generate builds it,
    the task left out of its own examples) and its validated program, as JSON lines."""
    if not 0.0 < split <= 1.0:
        raise typer.BadParameter(
            f"must be above 0 and at most 1, got {split}", param_hint="--split"
        )
    console = Console(stderr=True)
    try:
        with console.status(f"Exporting the library of {workspace}..."):
            memory = memory_cli.DEPS.open_memory(workspace, chroma_url)
            result = export_library(
                memory, out, fmt, train_fraction=split, examples=examples, system=system
            )
    except TaskMemoryError as exc:
        console.print(f"[bold red]error:[/] {escape(str(exc))}")
        raise typer.Exit(1) from exc
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "format": fmt.value,
                    "train": {"path": str(result.train_path), "tasks": len(result.train)},
                    "val": {"path": str(result.val_path), "tasks": len(result.val)},
                },
                indent=2,
            )
        )
        return
    console.print(
        f"{len(result.train)} train lines in {escape(str(result.train_path))}, "
        f"{len(result.val)} validation lines in {escape(str(result.val_path))} ({fmt.value})"
    )


def register(app: typer.Typer) -> None:
    """Add ``simgen generate`` to the ``simgen`` app, and ``export`` to ``simgen memory``:
    the export needs the coder's prompt code (agents), which the memory layer may not import,
    so the graph layer, which sees both, mounts it on the memory command group."""
    app.command("generate")(generate)
    memory_cli.memory_app.command("export")(export)
