"""Warnings for the dialect of LLM-written task files: leniencies recorded where they happen.

Generated task code (GenSim's corpus, a model's first draft) leans on habits of the simulator it
was written for: a template passed to ``add_object`` unfilled, a ``-template.urdf`` that does not
exist, a two-entry object size, a leftover ``import IPython``. simenv runs such code as written,
and every leniency that changes what the code asked for records one line here: where (the task
file's line), what was asked, what was done instead, and how to write it properly.

The collection point is one context manager, used by whoever runs task code (the validator, the
sandbox child)::

    with collect_warnings(strict=False) as log:
        task = task_class(); env.set_task(task); env.reset()   # __init__ and reset(env)
    report.warnings = log.messages

Inside the block, the task API (``Environment``, ``Task``, the task-code import shims) calls
``warn(message)``; identical messages are kept once (a template re-added on every seed is one
warning). With ``strict=True`` a leniency raises ``DialectError`` at the line that relied on it
instead, which is what ``simgen validate --strict`` runs. Outside any block, ``warn`` issues a
Python ``DialectWarning`` so that a person using the API directly still sees it.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from simenv.errors import TaskCodeError

SIMENV_ROOT = Path(__file__).resolve().parent
#: Seed tasks live inside simenv but are task code like any other.
SEED_TASKS = SIMENV_ROOT / "tasks"


class DialectWarning(UserWarning):
    """A leniency applied to task code outside any ``collect_warnings`` block."""


class DialectError(TaskCodeError):
    """A leniency refused in strict mode; the message says how to write the code properly."""


@dataclass
class DialectLog:
    """The warnings of one run of task code, in the order they first occurred."""

    strict: bool = False
    messages: list[str] = field(default_factory=list)

    def add(self, message: str) -> None:
        if self.strict:
            raise DialectError(f"{message} (strict mode refuses this leniency.)")
        if message not in self.messages:
            self.messages.append(message)


_CURRENT: ContextVar[DialectLog | None] = ContextVar("simenv_dialect_log", default=None)


@contextmanager
def collect_warnings(strict: bool = False) -> Iterator[DialectLog]:
    """Collect the dialect warnings of the task code run inside the block (see module doc)."""
    log = DialectLog(strict=strict)
    token = _CURRENT.set(log)
    try:
        yield log
    finally:
        _CURRENT.reset(token)


def task_code_line() -> str:
    """``'my_task.py line 12: '`` for the innermost caller that is task code (outside simenv,
    or a seed task), or ``''``."""
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        ours = filename.startswith(str(SIMENV_ROOT)) and not filename.startswith(f"{SEED_TASKS}/")
        if not ours and not filename.startswith("<"):
            return f"{Path(filename).name} line {frame.f_lineno}: "
        frame = frame.f_back  # type: ignore[assignment]
    return ""


def warn(message: str) -> None:
    """Record one leniency (or refuse it in strict mode); prefixed with the task code's line."""
    text = task_code_line() + message
    log = _CURRENT.get()
    if log is None:
        warnings.warn(text, DialectWarning, stacklevel=3)
    else:
        log.add(text)
