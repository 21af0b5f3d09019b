"""Training: stored demonstrations -> a Transporter checkpoint, resumable, with a loss curve.

A run lives in ``<workspace>/models/<run>/``: ``last.pt`` (model, optimiser, configuration,
tasks, loss history; rewritten every ``checkpoint_every`` steps and at the end) and
``curve.png``. Starting a run whose folder holds ``last.pt`` continues from it; asking for
different tasks, demonstrations or configuration than it was made with is an error.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch.utils.data import DataLoader

from policy.config import PolicyConfig, preset
from policy.dataset import DemoDataset, collate
from policy.demo_store import DemoStore, store_path
from policy.model import Transporter

#: /2: the query network embeds the turned image (/1 turned its features).
CHECKPOINT_FORMAT = "simgen-transporter/2"
CHECKPOINT_NAME = "last.pt"


@dataclass(frozen=True)
class TrainRequest:
    """What to train on and for how long."""

    tasks: tuple[str, ...]
    demos: int
    steps: int
    config: PolicyConfig = field(default_factory=lambda: preset("small"))
    run: str | None = None
    #: Stop early (with a checkpoint) once this much training time has passed.
    max_minutes: float | None = None
    #: Demonstrations of each task, in the order of ``tasks`` (None: ``demos`` of each). Few-shot
    #: training gives held-out tasks a handful while the others keep ``demos``.
    demos_per_task: tuple[int, ...] | None = None
    #: Also keep every periodic checkpoint as ``step-<step>.pt`` beside ``last.pt``, so a
    #: checkpoint can be chosen afterwards by validation success (``simgen bench policy``).
    keep_checkpoints: bool = False

    def __post_init__(self) -> None:
        if self.demos_per_task is not None and len(self.demos_per_task) != len(self.tasks):
            raise ValueError(
                f"demos_per_task gives {len(self.demos_per_task)} counts for "
                f"{len(self.tasks)} tasks; give one count per task, in the order of the tasks."
            )

    def task_demos(self) -> list[int]:
        """Demonstrations to train on, per task (in the order of ``tasks``)."""
        return list(self.demos_per_task or [self.demos] * len(self.tasks))

    def run_name(self) -> str:
        return self.run or f"{'+'.join(self.tasks)}-{self.demos}demos-{self.config.name}"


@dataclass
class StepRecord:
    step: int
    pick_loss: float
    place_loss: float
    seconds: float


@dataclass
class TrainResult:
    checkpoint: Path
    curve: Path
    history: list[StepRecord]
    resumed_from: int
    seconds: float


StepCallback = Callable[[StepRecord, int], None]


def device() -> torch.device:
    """CUDA when present, else the CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def run_dir(workspace: Path, request: TrainRequest) -> Path:
    return Path(workspace) / "models" / request.run_name()


def save_checkpoint(
    path: Path,
    model: Transporter,
    optimizer: torch.optim.Optimizer,
    request: TrainRequest,
    step: int,
    history: list[StepRecord],
) -> None:
    """Write atomically (a temporary file renamed), so a kill never leaves half a checkpoint."""
    state = {
        "format": CHECKPOINT_FORMAT,
        "step": step,
        "config": request.config.to_dict(),
        "tasks": list(request.tasks),
        "demos": request.demos,
        "demos_per_task": request.task_demos(),
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "history": [vars(h) for h in history],
    }
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    tmp.replace(path)


def read_checkpoint(path: Path) -> dict[str, Any]:
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No checkpoint at {path}; train one with `simgen train`.")
    state = torch.load(path, map_location="cpu", weights_only=False)
    if not isinstance(state, dict) or state.get("format") != CHECKPOINT_FORMAT:
        raise ValueError(f"{path} is not a simgen Transporter checkpoint ({CHECKPOINT_FORMAT}).")
    return state


def load_model(path: Path) -> tuple[Transporter, PolicyConfig, dict[str, Any]]:
    """A trained model (eval mode, on ``device()``), its configuration and the checkpoint."""
    state = read_checkpoint(path)
    config = PolicyConfig.from_dict(state["config"])
    model = Transporter(config.model)
    model.load_state_dict(state["model"])
    model.to(device()).eval()
    return model, config, state


def kept_checkpoint(folder: Path, step: int) -> Path:
    """Where ``keep_checkpoints`` keeps the checkpoint of ``step``."""
    return Path(folder) / f"step-{step:06d}.pt"


def kept_checkpoints(folder: Path) -> list[Path]:
    """The checkpoints ``keep_checkpoints`` kept in a run folder, by step."""
    return sorted(Path(folder).glob("step-*.pt"))


def _check_resumable(state: dict[str, Any], request: TrainRequest) -> None:
    # Checkpoints written before per-task counts existed hold ``demos`` of every task.
    stored = state.get("demos_per_task") or [state["demos"]] * len(state["tasks"])
    same = (
        state["tasks"] == list(request.tasks)
        and state["demos"] == request.demos
        and stored == request.task_demos()
        and state["config"] == request.config.to_dict()
    )
    if not same:
        raise ValueError(
            f"The run '{request.run_name()}' was started with tasks {state['tasks']}, "
            f"{state['demos']} demos and configuration {state['config']['name']}; resume it with "
            "the same ones, or pass a new --run name."
        )


def train(
    workspace: Path, request: TrainRequest, on_step: StepCallback | None = None
) -> TrainResult:
    """Train (or continue training) up to ``request.steps`` steps; returns where it wrote."""
    if request.steps < 1 or min(request.task_demos(), default=0) < 1:
        raise ValueError("Train needs at least one task, one demonstration of each and one step.")
    cfg = request.config
    if cfg.train.threads:
        torch.set_num_threads(cfg.train.threads)
    folder = run_dir(workspace, request)
    folder.mkdir(parents=True, exist_ok=True)
    checkpoint = folder / CHECKPOINT_NAME
    torch.manual_seed(cfg.train.seed)
    model = Transporter(cfg.model).to(device())
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=cfg.train.learning_rate, weight_decay=cfg.train.weight_decay
    )
    history: list[StepRecord] = []
    start = 0
    if checkpoint.exists():
        state = read_checkpoint(checkpoint)
        _check_resumable(state, request)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        history = [StepRecord(**h) for h in state["history"]]
        start = int(state["step"])
    dataset = DemoDataset(
        DemoStore(store_path(workspace)),
        list(request.tasks),
        cfg.model,
        request.task_demos(),
        augment=cfg.train.augment,
        max_shift=cfg.train.max_shift,
        # A resumed run draws a fresh, still reproducible, sample sequence.
        seed=cfg.train.seed + start,
    )
    batches = iter(DataLoader(dataset, batch_size=cfg.train.batch_size, collate_fn=collate))
    model.train()
    began = time.perf_counter()
    dev = device()
    for step in range(start + 1, request.steps + 1):
        t0 = time.perf_counter()
        batch = next(batches)
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(cfg.train.learning_rate, step, request.steps)
        pick_loss, place_loss = model.losses(
            batch.image.to(dev),
            batch.language.to(dev),
            batch.pick.to(dev),
            batch.place.to(dev),
            batch.rotation.to(dev),
            cfg.train.sampled_rotations,
            batch.rotation_free.to(dev),
        )
        optimizer.zero_grad(set_to_none=True)
        (pick_loss + place_loss).backward()
        optimizer.step()
        record = StepRecord(
            step,
            float(pick_loss.detach()),
            float(place_loss.detach()),
            round(time.perf_counter() - t0, 4),
        )
        history.append(record)
        if on_step is not None:
            on_step(record, request.steps)
        out_of_time = (
            request.max_minutes is not None
            and time.perf_counter() - began > 60 * request.max_minutes
        )
        if step % cfg.train.checkpoint_every == 0 or step == request.steps or out_of_time:
            save_checkpoint(checkpoint, model, optimizer, request, step, history)
            if request.keep_checkpoints:
                keep = kept_checkpoint(folder, step)
                shutil.copyfile(checkpoint, keep.with_suffix(".tmp"))
                keep.with_suffix(".tmp").replace(keep)
        if out_of_time:
            break
    curve = plot_curve(history, folder / "curve.png", request.run_name())
    return TrainResult(checkpoint, curve, history, start, time.perf_counter() - began)


def learning_rate(base: float, step: int, steps: int) -> float:
    """Cosine decay from ``base`` to a tenth of it over the run (a function of the step, so a
    resumed run needs no scheduler state)."""
    progress = min(max(step / steps, 0.0), 1.0)
    return base * (0.1 + 0.9 * 0.5 * (1 + np.cos(np.pi * progress)))


def smooth(values: list[float], window: int = 25) -> np.ndarray:
    if len(values) < window:
        return np.asarray(values, dtype=np.float64)
    kernel = np.ones(window) / window
    return np.convolve(values, kernel, mode="valid")


def plot_curve(history: list[StepRecord], out: Path, title: str) -> Path:
    """Pick and place losses against steps (moving average), as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5))
    for name in ("pick_loss", "place_loss"):
        values = [getattr(h, name) for h in history]
        smoothed = smooth(values)
        steps = [h.step for h in history][len(values) - len(smoothed) :]
        ax.plot(steps, smoothed, label=name.replace("_", " "))
    ax.set_xlabel("step")
    ax.set_ylabel("cross-entropy")
    ax.set_title(title, fontsize=9)
    ax.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return out
