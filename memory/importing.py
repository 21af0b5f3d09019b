"""Adding a task file to the library: validate it first, refuse it if it fails.

The validator is a parameter (any callable with the `Validator` signature): validating is the job
of the layer above, which wires the sandboxed validator in (`simgen.cli`); tests use a fake.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from memory.errors import ValidationFailedError
from memory.library import AddResult, TaskMemory
from memory.records import Origin, TaskRecord, ValidationSummary
from memory.taskfiles import read_task_source
from simenv.taskfile import AssetFinder, task_name_from_path

if TYPE_CHECKING:
    from simenv.validation_report import ValidationReport


class Validator(Protocol):
    """What `simenv.validation.validate` looks like to the library."""

    def __call__(
        self, target: str, *, episodes: int = 5, seed: int = 0, min_success: float = 0.5
    ) -> ValidationReport: ...


def no_validator() -> Validator:
    """The library validates nothing itself: the layer above hands it a validator.

    `simgen memory add` gets the sandboxed validator from the CLI root (`simgen.cli`); a caller
    that reaches this one wired nothing, and is told how.
    """
    raise RuntimeError(
        "No validator is wired into the task library: add tasks with `simgen memory add` (which "
        "validates in the sandbox) or pass `validate=` to add_task_file."
    )


@dataclass(frozen=True)
class ImportResult:
    """A task file that passed validation and is now in the library."""

    add: AddResult
    report: ValidationReport


def add_task_file(
    memory: TaskMemory,
    path: Path,
    *,
    validate: Validator,
    origin: Origin | str = Origin.IMPORTED,
    model: str | None = None,
    episodes: int = 5,
    seed: int = 0,
    min_success: float = 0.5,
    replace: bool = False,
    find_assets: AssetFinder | None = None,
) -> ImportResult:
    """Validate `path`, then store it with its validation summary.

    Raises ValidationFailedError (carrying the report) if the validator fails it, TaskFileError
    if the file cannot be read as a task, TaskNameConflictError on a name clash.
    """
    path = Path(path)
    # Read first: a file that is not a task at all needs no simulator to say so.
    name = task_name_from_path(path)
    source = read_task_source(path, name=name, find_assets=find_assets)
    report = validate(str(path), episodes=episodes, seed=seed, min_success=min_success)
    if not report.passed:
        raise ValidationFailedError(report)
    record = TaskRecord.create(
        name=source.name,
        description=source.description,
        code=source.code,
        origin=origin,
        assets=source.assets,
        validation=ValidationSummary.from_report(report),
        model=model,
    )
    return ImportResult(add=memory.add(record, replace=replace), report=report)
