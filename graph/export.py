"""The task library as fine-tuning data: one coder prompt and its validated program per task.

Each library task becomes one example of the coder's job: the user message is the prompt the
graph's LLM coder would build for the task's proposal (``agents.prompting.coder_prompt``, with
few-shot examples retrieved as ``graph.nodes.retrieve.few_shot_examples`` does, the task itself
left out), and the answer is the task's program, fenced as the prompt asks. A model tuned on
these lines is asked the same thing, word for word, by ``simgen generate`` and ``simgen bench``.

The module lives in ``graph`` because it joins the library (``memory``) with the prompt code
(``agents``), which ``memory`` may not import; ``graph.cli.register`` mounts it as
``simgen memory export``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from agents.prompting import coder_prompt
from agents.schemas import TaskProposal
from graph.context import Context
from graph.nodes.retrieve import few_shot_examples
from memory.library import TaskMemory
from memory.records import TaskRecord

#: The system message of chat lines. The graph's coder sends no system message, so this adds
#: no instruction the prompt lacks; it only names the role for services that expect one.
DEFAULT_SYSTEM = "You write robot manipulation tasks as Python programs for simgen."
#: Few-shot examples per prompt: the graph's own default (``Context.examples``).
DEFAULT_EXAMPLES = Context().examples


class ExportFormat(StrEnum):
    """``chat``: ``{"messages": [system, user, assistant]}`` (OpenAI and TRL chat fine-tuning).
    ``gensim``: ``{"prompt": ..., "completion": ...}``, GenSim's prompt/completion form."""

    CHAT = "chat"
    GENSIM = "gensim"


@dataclass(frozen=True)
class ExportedTask:
    """One library task as a training example: its name, the coder prompt, the program."""

    name: str
    prompt: str
    code: str

    def answer(self) -> str:
        """The program as the coder prompt asks for it: one fenced Python block (what
        ``agents.parsing.parse_python_block`` reads back)."""
        return f"```python\n{self.code.rstrip()}\n```"

    def line(self, fmt: ExportFormat, system: str = DEFAULT_SYSTEM) -> dict[str, Any]:
        if fmt is ExportFormat.GENSIM:
            return {"prompt": self.prompt, "completion": self.code.rstrip() + "\n"}
        messages = [{"role": "system", "content": system}] if system else []
        messages += [
            {"role": "user", "content": self.prompt},
            {"role": "assistant", "content": self.answer()},
        ]
        return {"messages": messages}


@dataclass(frozen=True)
class ExportResult:
    """What ``export_library`` wrote: the two files and the task names in each."""

    train_path: Path
    val_path: Path
    train: tuple[str, ...]
    val: tuple[str, ...]


def proposal_of(record: TaskRecord) -> TaskProposal:
    """The proposal a stored task answers: the GenSim fields a proposer writes (name,
    description, assets), read from the record, as ``write_code`` hands the coder."""
    return TaskProposal.model_validate(
        {
            "task-name": record.name,
            "task-description": record.description,
            "assets-used": list(record.assets),
        }
    )


def export_task(
    memory: TaskMemory, record: TaskRecord, examples: int = DEFAULT_EXAMPLES
) -> ExportedTask:
    """One task's training example. Retrieval is goal-directed with the task's description as
    the target (the graph's ``--mode target``), and the task never sees itself as an example."""
    proposal = proposal_of(record)
    shots = few_shot_examples(memory, proposal.description, examples, (record.name,))
    return ExportedTask(record.name, coder_prompt(proposal, shots), record.code)


def split_names(names: Sequence[str], train_fraction: float) -> tuple[list[str], list[str]]:
    """Train and validation names: ordered by the sha256 of the name, the first
    ``round(n * train_fraction)`` train. The same library always splits the same way, and a
    task added later does not move the others between files."""
    if not 0.0 < train_fraction <= 1.0:
        raise ValueError(
            f"--split must be above 0 and at most 1 (the train fraction), got {train_fraction}"
        )
    ordered = sorted(names, key=lambda n: hashlib.sha256(n.encode("utf-8")).hexdigest())
    cut = round(len(ordered) * train_fraction)
    return sorted(ordered[:cut]), sorted(ordered[cut:])


def output_paths(out: Path) -> tuple[Path, Path]:
    """``tasks.jsonl`` -> ``tasks.train.jsonl`` and ``tasks.val.jsonl`` beside it (any other
    suffix is kept as part of the stem: ``data`` -> ``data.train.jsonl``)."""
    stem = out.name.removesuffix(".jsonl")
    return out.with_name(f"{stem}.train.jsonl"), out.with_name(f"{stem}.val.jsonl")


def write_jsonl(path: Path, lines: Sequence[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    path.write_text(text, encoding="utf-8")


def export_library(
    memory: TaskMemory,
    out: Path,
    fmt: ExportFormat = ExportFormat.CHAT,
    *,
    train_fraction: float = 0.9,
    examples: int = DEFAULT_EXAMPLES,
    system: str = DEFAULT_SYSTEM,
) -> ExportResult:
    """Write every library task as a training line, split into train and validation files
    (see ``output_paths`` and ``split_names``)."""
    records = {record.name: record for record in memory.list()}
    train, val = split_names(list(records), train_fraction)
    train_path, val_path = output_paths(out)
    for path, names in ((train_path, train), (val_path, val)):
        exported = [export_task(memory, records[name], examples) for name in names]
        write_jsonl(path, [task.line(fmt, system) for task in exported])
    return ExportResult(train_path, val_path, tuple(train), tuple(val))
