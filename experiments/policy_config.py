"""The settings of ``simgen bench policy`` (``bench.policy_transfer`` runs them).

Kept apart from the experiment so that the CLI can build its options and help from this
dataclass without importing torch and the policy for every ``simgen`` command.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from policy.config import PRESETS, PolicyConfig, preset
from simenv.workspace import DEFAULT_WORKSPACE

#: The default tasks: CLIPort's two easiest seed tasks as the base, and two seed tasks that
#: need what the base tasks teach (picking blocks, placing them precisely) as held-out tasks.
BASE_TASKS = ("put-block-in-bowl", "block-insertion")
HELD_OUT_TASKS = ("stack-block-pyramid", "towers-of-hanoi")
STAGES = ("generate", "demos", "train", "select", "test")
SELECTION_SPLIT = "val"
REPORT_SPLIT = "test"
#: How the 95% interval over training seeds is computed (written into bench.json).
CI_METHOD = (
    "Student t interval over training seeds: mean +/- t(0.975, n-1) * sd / sqrt(n), "
    "clipped to [0, 1]"
)
#: Settings that change the meaning of finished work: a work folder refuses other values.
FIXED_SETTINGS = (
    "base",
    "held_out",
    "demos",
    "steps",
    "max_minutes",
    "config",
    "checkpoints",
    "val_episodes",
    "test_episodes",
)


class PolicyBenchError(ValueError):
    """Settings or inputs the experiment cannot run with; the message says how to fix them."""


def _help(text: str) -> dict[str, str]:
    return {"help": text}


@dataclass(frozen=True)
class PolicyBenchConfig:
    """The experiment's settings; ``simgen bench policy`` takes one option per field, with
    this help."""

    out: Path = field(
        default=DEFAULT_WORKSPACE / "bench-policy",
        metadata=_help("Work folder: demos, models, evaluations and results (resumable)."),
    )
    base: tuple[str, ...] = field(
        default=BASE_TASKS,
        metadata=_help("Registered seed tasks every arm trains on (comma-separated)."),
    )
    generated: tuple[str, ...] = field(
        default=(),
        metadata=_help(
            "Generated tasks, in order (comma-separated): task files (.py) or workspaces (their "
            "accepted tasks, oldest first). Arm N trains on the first N."
        ),
    )
    held_out: tuple[str, ...] = field(
        default=HELD_OUT_TASKS,
        metadata=_help(
            "Tasks no arm pretrains on (comma-separated); success on them is what is reported."
        ),
    )
    arms: tuple[int, ...] = field(
        default=(0, 4, 8),
        metadata=_help("Generated tasks per arm, ascending, comma-separated (nested sets)."),
    )
    few_shot: tuple[int, ...] = field(
        default=(0,),
        metadata=_help(
            "Demonstrations of each held-out task in every arm's training (0: zero-shot; e.g. 0,1)."
        ),
    )
    train_seeds: int = field(default=3, metadata=_help("Training seeds per arm (at least 2)."))
    demos: int = field(default=20, metadata=_help("Demonstrations per base or generated task."))
    steps: int = field(default=1000, metadata=_help("Training steps of every run."))
    max_minutes: float | None = field(
        default=None, metadata=_help("Training time budget of every run (minutes).")
    )
    config: str = field(default="small", metadata=_help("Policy preset: tiny, small or full."))
    checkpoints: int = field(
        default=4, metadata=_help("Checkpoints kept per run (evenly spaced) for selection on val.")
    )
    val_episodes: int = field(
        default=5, metadata=_help("Val episodes per held-out task per checkpoint.")
    )
    test_episodes: int = field(
        default=10, metadata=_help("Test episodes per task for the chosen checkpoint.")
    )
    workers: int = field(default=1, metadata=_help("Demonstrations recorded at once."))
    generate: int = field(
        default=0, metadata=_help("Generate this many tasks first and use them (0: none).")
    )
    model: str | None = field(
        default=None, metadata=_help("Model for --generate (default: the offline agents).")
    )
    base_url: str | None = field(
        default=None, metadata=_help("OpenAI-compatible server URL for --model.")
    )

    def __post_init__(self) -> None:
        if not self.base:
            raise PolicyBenchError("Name at least one base task, e.g. --base put-block-in-bowl.")
        if not self.held_out:
            raise PolicyBenchError(
                "Name at least one held-out task, e.g. --held-out towers-of-hanoi."
            )
        if not self.arms or list(self.arms) != sorted(set(self.arms)) or self.arms[0] < 0:
            raise PolicyBenchError(
                f"--arms must be distinct non-negative counts in ascending order, e.g. 0,4,8; "
                f"got {','.join(map(str, self.arms))}."
            )
        if (
            not self.few_shot
            or len(set(self.few_shot)) != len(self.few_shot)
            or min(self.few_shot) < 0
        ):
            raise PolicyBenchError(
                f"--few-shot must be distinct non-negative counts, e.g. 0 or 0,1; got "
                f"{','.join(map(str, self.few_shot))}."
            )
        if self.train_seeds < 2:
            raise PolicyBenchError(
                f"--train-seeds must be at least 2 (an interval over seeds needs two; 3 or more "
                f"is the experiment's setting); got {self.train_seeds}."
            )
        if self.config not in PRESETS:
            raise PolicyBenchError(
                f"--config must be one of {', '.join(PRESETS)}; got '{self.config}'."
            )
        if self.steps < 1 or self.demos < 1:
            raise PolicyBenchError("--steps and --demos must be at least 1.")
        if not 1 <= self.checkpoints <= self.steps:
            raise PolicyBenchError(
                f"--checkpoints must be between 1 and --steps ({self.steps}); got {self.checkpoints}."
            )
        if self.val_episodes < 1 or self.test_episodes < 1 or self.workers < 1:
            raise PolicyBenchError("--val-episodes, --test-episodes and --workers must be >= 1.")
        if self.generate < 0:
            raise PolicyBenchError(f"--generate must be 0 or more; got {self.generate}.")
        if self.max_minutes is not None and self.max_minutes <= 0:
            raise PolicyBenchError(f"--max-minutes must be positive; got {self.max_minutes}.")

    def policy_config(self, seed: int) -> PolicyConfig:
        """The preset with this run's seed and evenly spaced checkpoints (the same for every
        arm: only the seed differs between runs of an arm)."""
        base = preset(self.config)
        every = max(self.steps // self.checkpoints, 1)
        return replace(base, train=replace(base.train, seed=seed, checkpoint_every=every))

    def to_json(self) -> dict[str, Any]:
        return {
            k: (str(v) if isinstance(v, Path) else list(v) if isinstance(v, tuple) else v)
            for k, v in asdict(self).items()
        }


@dataclass(frozen=True)
class BenchEvent:
    """Progress: ``total`` sets a stage's amount of work, ``work`` is work done now, ``kept``
    is work a previous run finished (counted, not redone)."""

    stage: str
    kind: str
    amount: int = 1
    unit: str = ""


BenchEventHandler = Callable[[BenchEvent], None]


def ignore_events(event: BenchEvent) -> None:
    """The default progress handler: nobody is listening."""


def config_fields() -> dict[str, str]:
    """Each setting's help text (the CLI's option help mirrors it)."""
    return {f.name: f.metadata.get("help", "") for f in fields(PolicyBenchConfig)}
