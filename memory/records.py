"""The task record: what the library keeps about one task, and how it maps onto Chroma.

A record's id is the sha256 of the task's code, so writing the same program twice is one record
(idempotent upserts), and a file on disk can be checked against its record by hashing it.

Chroma metadata values must be scalars (str, int, float, bool). Assets are therefore stored as
one joined string (to read them back) and as boolean keys, so that a `where` filter can ask for
"tasks that use this asset": `asset:<path>` per asset path, and `asset_name:<file name>` /
`asset_name:<stem>` so that a bare name such as "bowl" needs no lookup of the library's paths. The code itself is stored in the
record too: the collection is the source of truth and the files under `<workspace>/tasks/` are a
copy of it that can always be rewritten (see `memory.drift`).
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

if TYPE_CHECKING:
    from simenv.validation_report import ValidationReport

MetadataValue = str | int | float | bool
Metadata = dict[str, MetadataValue]

TASK_NAME_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
"""Task names are lower-case words joined by dashes; they are also file names, so nothing else."""

ASSET_KEY_PREFIX = "asset:"
ASSET_NAME_KEY_PREFIX = "asset_name:"
ASSET_SEPARATOR = ";"
TASKS_DIRNAME = "tasks"


class Origin(StrEnum):
    """Where a task came from: shipped seed, written by the generator, or added by a user."""

    SEED = "seed"
    GENERATED = "generated"
    IMPORTED = "imported"


def content_hash(code: str) -> str:
    """The record id: sha256 of the code's UTF-8 bytes, as hex."""
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def validate_task_name(name: str) -> str:
    """Return `name` if it can be a task name (and so a file name), else raise ValueError."""
    if not TASK_NAME_PATTERN.match(name):
        raise ValueError(
            f"Invalid task name {name!r}: use lower-case letters and digits joined by dashes, "
            "e.g. 'place-red-in-green'."
        )
    return name


def relative_code_path(name: str) -> str:
    """Where a task's file lives, relative to the workspace (portable across machines)."""
    return f"{TASKS_DIRNAME}/{name}.py"


def asset_key(asset: str) -> str:
    """The boolean metadata key that marks a record as using the asset path `asset`."""
    return f"{ASSET_KEY_PREFIX}{asset}"


def asset_name_key(name: str) -> str:
    """The boolean metadata key for a bare asset name ('bowl' or 'bowl.urdf'), lower-cased."""
    return f"{ASSET_NAME_KEY_PREFIX}{name.lower()}"


def asset_names(asset: str) -> tuple[str, ...]:
    """The bare names an asset path answers to: its file name and its stem, lower-cased."""
    filename = asset.rsplit("/", 1)[-1].lower()
    stem = filename.rsplit(".", 1)[0]
    return (filename, stem) if stem != filename else (filename,)


class ValidationSummary(BaseModel):
    """What the validator said about the task when it entered the library."""

    model_config = ConfigDict(frozen=True)

    success_rate: float = Field(ge=0.0, le=1.0)
    seeds: tuple[int, ...] = ()
    seconds: float = Field(default=0.0, ge=0.0)

    @classmethod
    def from_report(cls, report: ValidationReport) -> ValidationSummary:
        return cls(
            success_rate=report.success_rate,
            seeds=tuple(episode.seed for episode in report.episodes),
            seconds=report.seconds,
        )


class TaskRecord(BaseModel):
    """One task in the library. Build new ones with `TaskRecord.create`, which computes the id."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="sha256 of the code.")
    name: str
    description: str
    assets: tuple[str, ...] = ()
    code: str = Field(repr=False)
    code_path: str = Field(description="The task file, relative to the workspace.")
    origin: Origin
    validation: ValidationSummary | None = None
    model: str | None = Field(default=None, description="The model that wrote the task, if any.")
    created: datetime

    @field_validator("name")
    @classmethod
    def _check_name(cls, name: str) -> str:
        return validate_task_name(name)

    @classmethod
    def create(
        cls,
        *,
        name: str,
        description: str,
        code: str,
        origin: Origin | str,
        assets: tuple[str, ...] | list[str] = (),
        validation: ValidationSummary | None = None,
        model: str | None = None,
        created: datetime | None = None,
    ) -> TaskRecord:
        """A new record; id and code path follow from the code and the name."""
        return cls(
            id=content_hash(code),
            name=name,
            description=" ".join(description.split()),
            assets=tuple(dict.fromkeys(a.strip() for a in assets if a.strip())),
            code=code,
            code_path=relative_code_path(name),
            origin=Origin(origin),
            validation=validation,
            model=model,
            created=created or datetime.now(UTC),
        )

    @property
    def success_rate(self) -> float | None:
        return None if self.validation is None else self.validation.success_rate

    def to_metadata(self) -> Metadata:
        """Flatten to Chroma metadata (scalars only); `from_metadata` inverts it."""
        metadata: Metadata = {
            "name": self.name,
            "description": self.description,
            "origin": self.origin.value,
            "code": self.code,
            "code_path": self.code_path,
            "assets": ASSET_SEPARATOR.join(self.assets),
            "created": self.created.isoformat(),
            "created_ts": self.created.timestamp(),
        }
        for asset in self.assets:
            metadata[asset_key(asset)] = True
            for name in asset_names(asset):
                metadata[asset_name_key(name)] = True
        if self.validation is not None:
            metadata["success_rate"] = float(self.validation.success_rate)
            metadata["seeds"] = ",".join(str(s) for s in self.validation.seeds)
            metadata["validation_seconds"] = float(self.validation.seconds)
        if self.model:
            metadata["model"] = self.model
        return metadata

    @classmethod
    def from_metadata(cls, record_id: str, metadata: dict[str, Any]) -> TaskRecord:
        """Rebuild a record from what Chroma returned for `record_id`."""
        validation = None
        if "success_rate" in metadata:
            seeds = str(metadata.get("seeds", ""))
            validation = ValidationSummary(
                success_rate=float(metadata["success_rate"]),
                seeds=tuple(int(s) for s in seeds.split(",") if s),
                seconds=float(metadata.get("validation_seconds", 0.0)),
            )
        assets = str(metadata.get("assets", ""))
        return cls(
            id=record_id,
            name=str(metadata["name"]),
            description=str(metadata["description"]),
            assets=tuple(a for a in assets.split(ASSET_SEPARATOR) if a),
            code=str(metadata["code"]),
            code_path=str(metadata["code_path"]),
            origin=Origin(str(metadata["origin"])),
            validation=validation,
            model=str(metadata["model"]) if metadata.get("model") else None,
            created=datetime.fromisoformat(str(metadata["created"])),
        )

    def summary_dict(self) -> dict[str, Any]:
        """The JSON form the CLI prints (everything but the code)."""
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "origin": self.origin.value,
            "assets": list(self.assets),
            "success_rate": self.success_rate,
            "seeds": list(self.validation.seeds) if self.validation else None,
            "validation_seconds": self.validation.seconds if self.validation else None,
            "model": self.model,
            "created": self.created.isoformat(),
            "code_path": self.code_path,
        }
