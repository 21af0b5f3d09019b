"""The ``simgen`` console script: one app, each layer contributing its commands.

This is the only module that imports every layer; it also wires the sandboxed validator into
``simgen memory add`` (the library stores what it is given; validating is the caller's job).
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import typer  # noqa: E402

from bench import cli as bench_cli  # noqa: E402
from graph import generate_cli  # noqa: E402
from graph.validation import validate_file  # noqa: E402
from memory import cli as memory_cli  # noqa: E402
from policy import cli as policy_cli  # noqa: E402
from reports import cli as reports_cli  # noqa: E402
from simenv import cli as simenv_cli  # noqa: E402

app = typer.Typer(
    name="simgen",
    help="Generate robot manipulation tasks with language models, validate them in PyBullet, "
    "and keep the good ones in a task library.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
simenv_cli.register(app)
generate_cli.register(app)
memory_cli.DEPS.validator = lambda: validate_file
app.add_typer(memory_cli.app, name="memory")
app.add_typer(bench_cli.app, name="bench")
reports_cli.register(app)
app.add_typer(policy_cli.app)  # demos, train, eval


if __name__ == "__main__":
    app()
