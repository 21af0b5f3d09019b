"""The data the agents exchange: proposals, drafts, verdicts, diagnoses.

They are pydantic models so that the graph's checkpoints hold them as JSON and LangGraph Studio
shows them as they are.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

TASK_NAME_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def normalise_task_name(raw: str) -> str:
    """A model's task name as the library spells names: lower case, words joined by dashes."""
    words = re.findall(r"[a-z0-9]+", raw.lower())
    return "-".join(words)[:80].strip("-")


class ExampleTask(BaseModel):
    """A library task shown to the agents as context (its whole source included)."""

    name: str
    description: str
    code: str = Field(repr=False)
    assets: tuple[str, ...] = ()
    distance: float | None = Field(default=None, description="Cosine distance to the query.")


class TaskProposal(BaseModel):
    """A proposed task in GenSim's format, plus an optional structured spec.

    ``spec`` is written by the offline proposer (which composes tasks from a grammar) and read
    by the offline coder; LLM agents leave it empty and work from the description.
    """

    model_config = ConfigDict(populate_by_name=True)

    name: str = Field(alias="task-name")
    description: str = Field(alias="task-description")
    assets: list[str] = Field(default_factory=list, alias="assets-used")
    spec: dict[str, Any] | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        name = normalise_task_name(value)
        if not name:
            raise ValueError(
                f"task-name {value!r} has no letters or digits; give a short dashed name "
                "such as 'stack-blocks-in-order'"
            )
        return name

    @field_validator("description")
    @classmethod
    def _description(cls, value: str) -> str:
        text = " ".join(value.split())
        if len(text) < 10:
            raise ValueError("task-description must be a sentence saying what the robot must do")
        return text

    def gensim_dict(self) -> dict[str, Any]:
        """The proposal as GenSim writes it (what prompts show and critics read)."""
        return {
            "task-name": self.name,
            "task-description": self.description,
            "assets-used": list(self.assets),
        }


class CodeDraft(BaseModel):
    """One version of a task program, as the coder wrote it."""

    code: str = Field(repr=False)
    attempt: int = Field(description="0 for the first draft, then one more per repair.")
    revised: TaskProposal | None = Field(
        default=None,
        description="The proposal as this draft implements it, when a repair changed it "
        "(e.g. fewer objects than first proposed).",
    )


class Verdict(BaseModel):
    """A critic's judgement of a proposal or a finished task."""

    critic: str
    accept: bool
    reasons: str = ""
    score: float | None = Field(default=None, description="A critic's number, e.g. novelty.")
    pictures: list[str] = Field(
        default_factory=list,
        description="The pictures the critic looked at (PNG files), so a report can show them.",
    )


class Diagnosis(BaseModel):
    """What the reflection agent says about a failed draft.

    ``text`` goes to any coder; ``changes`` is the structured form the offline coder applies
    to its spec (e.g. ``{"n_objects": 2}``).
    """

    text: str
    changes: dict[str, Any] = Field(default_factory=dict)


CriticStage = Literal["proposal", "task"]
