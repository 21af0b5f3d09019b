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

from experiments import cli as experiments_cli  # noqa: E402
from graph import cli as graph_cli  # noqa: E402
from graph.draft_validation import validate_file  # noqa: E402
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
# Every layer mounts its commands the same way: `<layer>.cli.register(app)`.
simenv_cli.register(app)  # validate, render, tasks
graph_cli.register(app)  # generate
memory_cli.register(app)  # memory
memory_cli.DEPS.validator = lambda: validate_file
reports_cli.register(app)  # report
experiments_cli.register(app)  # bench
policy_cli.register(app)  # demos, train, eval


if __name__ == "__main__":
    app()
