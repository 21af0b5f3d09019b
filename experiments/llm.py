"""The LLM benchmark: generate N tasks with each model, with and without repair rounds, and
score what came out (``experiments.metrics``).

Each model and setting runs the real generation graph (``graph.run.run``) in a workspace of
its own, copied from one library seeded once, so every model starts from the same library and
none sees what another made. ``offline`` names the offline agents, so the benchmark runs with
no model at all; any other name is a chat model as ``simgen generate --model`` takes it.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from agents.critics.registry import (
    DEFAULT_CRITICS,
    GRAPH_CRITICS,
    MODEL_CRITICS,
    UnknownCriticError,
    make_critic,
)
from agents.protocols import Mode
from experiments.metrics import score
from graph.context import Context
from graph.nodes.common import OFFLINE_MODEL
from graph.resources import clear_resources
from graph.run import run
from graph.state import CandidateResult
from graph.summary import RunTotals, candidates_of
from memory.embedding import MiniLMEmbeddingFunction
from memory.library import TaskMemory

#: Gets (the setting's label, a graph progress event) as the benchmark goes.
BenchEventHandler = Callable[[str, dict[str, Any]], None]
MODES: tuple[Mode, ...] = get_args(Mode)


def _ignore(label: str, event: dict[str, Any]) -> None:
    """The default event handler: nobody is listening."""


def read_targets(path: Path) -> tuple[str, ...]:
    """The target tasks in a file, one per line (blank lines and ``#`` comments skipped)."""
    if not path.is_file():
        raise ValueError(
            f"The targets file {path} does not exist: give a text file with one target task "
            "per line, e.g. 'build a car'."
        )
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    targets = tuple(line for line in lines if line and not line.startswith("#"))
    if not targets:
        raise ValueError(f"The targets file {path} names no target: write one per line.")
    return targets


@dataclass(frozen=True)
class LLMBenchConfig:
    """What to benchmark and how (the ``simgen bench llm`` options)."""

    models: tuple[str, ...]
    out: Path
    n_tasks: int = 5
    mode: Mode = "explore"
    targets: tuple[str, ...] = ()
    base_url: str | None = None
    max_repairs: int = 3
    #: Also run every model with repair rounds off, to show what the reflection loop gains.
    without_repairs: bool = True
    workers: int = 1
    episodes: int = 3
    #: Candidates each run may try (default: the graph's own budget, 3 per task).
    max_candidates: int | None = None
    #: Pictures of accepted tasks (off by default: the benchmark measures generation).
    pictures: bool = False
    #: The critics that judge every row alike (a model adds none of its own).
    critics: tuple[str, ...] = DEFAULT_CRITICS

    def __post_init__(self) -> None:
        if not self.models or any(not m.strip() for m in self.models):
            raise ValueError(
                "Name at least one model, e.g. --models offline,openai:gpt-4o ('offline' is "
                "the offline agents)."
            )
        if len(set(self.models)) != len(self.models):
            raise ValueError(f"A model is named twice in {', '.join(self.models)}.")
        if self.n_tasks < 1:
            raise ValueError(f"-n must be 1 or more, got {self.n_tasks}.")
        if self.mode not in MODES:
            raise ValueError(f"--mode must be explore or target, got {self.mode!r}.")
        if self.mode == "target" and not self.targets:
            raise ValueError("--mode target needs --targets FILE (one target task per line).")
        if self.max_repairs < 0:
            raise ValueError(f"--max-repairs must be 0 or more, got {self.max_repairs}.")
        for name in (c for c in self.critics if c not in GRAPH_CRITICS):
            try:
                make_critic(name)
            except UnknownCriticError as exc:
                raise ValueError(str(exc)) from exc
        if "human" in self.critics:
            raise ValueError(
                "--critic human pauses each run for a person, and a benchmark has nobody to "
                "ask: drop --critic human."
            )
        for name in (c for c in self.critics if c in MODEL_CRITICS):
            if OFFLINE_MODEL in self.models:
                raise ValueError(
                    f"--critic {name} needs a model in every row, and '{OFFLINE_MODEL}' has "
                    "none, so its rows would be judged by fewer critics than the others: drop "
                    f"--critic {name}, or drop {OFFLINE_MODEL} from --models."
                )

    def settings(self) -> list[Setting]:
        """Each model with the configured repair rounds, then (if asked) with none."""
        rounds = [self.max_repairs]
        if self.without_repairs and self.max_repairs > 0:
            rounds.append(0)
        return [Setting(model, r) for model in self.models for r in rounds]

    def requests(self) -> list[tuple[int, str | None]]:
        """(tasks, target) per run of one setting: N tasks split evenly over the targets."""
        if self.mode == "explore":
            return [(self.n_tasks, None)]
        k = len(self.targets)
        shares = [self.n_tasks // k + (i < self.n_tasks % k) for i in range(k)]
        return [(n, t) for n, t in zip(shares, self.targets, strict=True) if n > 0]


@dataclass(frozen=True)
class Setting:
    """One model with a number of repair rounds."""

    model: str
    max_repairs: int

    @property
    def label(self) -> str:
        return self.model if self.max_repairs else f"{self.model} (no repairs)"

    @property
    def slug(self) -> str:
        return re.sub(r"[^A-Za-z0-9._-]+", "_", f"{self.model}-r{self.max_repairs}")


@dataclass
class SettingResult:
    """What one setting made: the candidates of its runs and what they spent."""

    setting: Setting
    workspace: Path
    threads: list[str] = field(default_factory=list)
    candidates: list[CandidateResult] = field(default_factory=list)
    totals: RunTotals = field(default_factory=RunTotals)
    #: The critics that judged, as the runs recorded them.
    critics: list[str] = field(default_factory=list)


def seed_template(folder: Path) -> Path:
    """A workspace whose library holds the seed tasks, embedded once for every setting."""
    if folder.exists():
        shutil.rmtree(folder)
    TaskMemory.open(folder)
    return folder


def run_setting(
    config: LLMBenchConfig,
    setting: Setting,
    template: Path,
    on_event: BenchEventHandler = _ignore,
) -> SettingResult:
    """Generate the configured tasks with one setting, in a fresh copy of the template."""
    workspace = config.out / "workspaces" / setting.slug
    if workspace.exists():
        shutil.rmtree(workspace)
    shutil.copytree(template, workspace)
    clear_resources()
    context = Context(
        workspace=str(workspace),
        model=None if setting.model == OFFLINE_MODEL else setting.model,
        base_url=config.base_url,
        max_repairs=setting.max_repairs,
        max_candidates=config.max_candidates,
        workers=config.workers,
        episodes=config.episodes,
        pictures=config.pictures,
        critics=list(config.critics),
    )
    result = SettingResult(setting, workspace)
    for n_tasks, target in config.requests():
        summary = run(
            n_tasks,
            config.mode,
            target,
            context=context,
            on_event=lambda event: on_event(setting.label, event),
        )
        result.threads.append(str(summary["thread"]))
        result.candidates.extend(candidates_of(summary))
        result.totals = result.totals + RunTotals.from_summary(summary)
        result.critics = list(summary["critics"])
    return result


def run_benchmark(
    config: LLMBenchConfig, on_event: BenchEventHandler = _ignore
) -> list[dict[str, Any]]:
    """Run every setting and return one row of figures per setting (``experiments.metrics.score``)."""
    template = seed_template(config.out / "workspaces" / "template")
    embed = MiniLMEmbeddingFunction().embed_texts
    rows = []
    for setting in config.settings():
        on_event(setting.label, {"event": "setting_started"})
        made = run_setting(config, setting, template, on_event)
        rows.append(
            {
                "model": setting.model,
                "max_repairs": setting.max_repairs,
                "label": setting.label,
                "critics": made.critics,
                **score(made.candidates, made.totals, embed),
                "workspace": str(made.workspace),
                "threads": made.threads,
            }
        )
    clear_resources()
    return rows
