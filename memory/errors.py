"""Errors the task library raises; each message says what is wrong and what to do about it."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from simenv.workspace import DEFAULT_WORKSPACE

if TYPE_CHECKING:
    from simenv.validation_report import ValidationReport


class TaskMemoryError(Exception):
    """Base class: the CLI prints these as one clear message and exits non-zero."""


class UnknownTaskNameError(TaskMemoryError, KeyError):
    """No task of that name is in the library; the message names the closest ones."""

    def __init__(self, name: str, known: Iterable[str]) -> None:
        known = sorted(known)
        close = difflib.get_close_matches(name, known, n=3, cutoff=0.4)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        listing = (
            f" The library has {len(known)} tasks; `simgen memory list` shows them."
            if known
            else " The library is empty."
        )
        super().__init__(f"No task named '{name}' in the library.{hint}{listing}")
        self.name = name
        self.close_matches = close

    def __str__(self) -> str:
        return str(self.args[0])


class TaskNameConflictError(TaskMemoryError):
    """A different program is already stored under this name."""

    def __init__(self, name: str, existing_id: str, new_id: str) -> None:
        super().__init__(
            f"A different task named '{name}' is already in the library "
            f"(stored {existing_id[:12]}, new {new_id[:12]}). Rename the new task, or replace the "
            "stored one (`replace=True`, or `simgen memory add --replace`)."
        )
        self.name = name
        self.existing_id = existing_id
        self.new_id = new_id


class ChromaUnavailableError(TaskMemoryError):
    """The Chroma server named by --chroma-url did not answer."""

    def __init__(self, url: str, cause: BaseException | None = None) -> None:
        reason = f" ({cause})" if cause else ""
        super().__init__(
            f"No Chroma server answered at {url}{reason}. Start one with "
            "`chroma run --host 127.0.0.1 --port 8000 "
            f"--path ./{DEFAULT_WORKSPACE}/memory` and pass "
            "`--chroma-url http://127.0.0.1:8000`, or leave out --chroma-url to use the embedded "
            "library under the workspace."
        )
        self.url = url


class EmbeddingMismatchError(TaskMemoryError):
    """The collection was created with another embedding function than the one opening it."""


class TaskFileError(TaskMemoryError):
    """A task file that cannot be read as a task (syntax, no Task class, no docstring...)."""


class ValidationFailedError(TaskMemoryError):
    """`add` refused a task because the validator failed it; carries the report."""

    def __init__(self, report: ValidationReport) -> None:
        super().__init__(f"Validation failed, task not added: {report.summary()}")
        self.report = report
