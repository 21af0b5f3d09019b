"""From stored episodes to training batches: network inputs, labels, SE(2) augmentation.

``model_input`` is the one place that turns a top-down view and an instruction into the
network's input; training and the acting policy both call it. ``DemoDataset`` streams
samples from the zarr store (one chunk per array per sample), so the dataset never has to fit
in memory, and applies a random rotation and shift to the image and its action pixels.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import IterableDataset

from policy.config import ModelConfig
from policy.demo_store import DemoStore, EpisodeRef
from policy.language import LanguageEncoder, color_maps

#: Tries to find an augmentation that keeps the action pixels inside the image.
AUGMENT_TRIES = 10


def model_input(
    color: np.ndarray, height: np.ndarray, instruction: str, cfg: ModelConfig
) -> np.ndarray:
    """Network input (C x H/d x W/d float32): colour, height, colour-word maps."""
    d = cfg.downsample
    rows, cols = height.shape[0] // d, height.shape[1] // d
    rgb = color.reshape(rows, d, cols, d, 3).mean(axis=(1, 3))
    top = height.reshape(rows, d, cols, d).max(axis=(1, 3))
    planes = [np.moveaxis(rgb / 255.0 - 0.5, -1, 0), (top * cfg.height_scale)[None]]
    if cfg.grounding_channels:
        planes.append(color_maps(rgb, top, instruction, cfg.grounding_channels))
    return np.concatenate(planes, axis=0).astype(np.float32)


def rotation_bin(yaw: float, rotations: int) -> int:
    return int(round(float(yaw) / (2 * math.pi / rotations))) % rotations


def bin_yaw(index: int, rotations: int) -> float:
    return index * 2 * math.pi / rotations


@dataclass
class Sample:
    """One training example (tensors), before batching."""

    image: torch.Tensor  # C x H x W
    pick: torch.Tensor  # (row, column), long, downsampled pixels
    place: torch.Tensor  # (row, column)
    rotation: torch.Tensor  # place rotation bin, long
    rotation_free: torch.Tensor  # bool: the goal does not score the place rotation
    language: torch.Tensor  # embedding


def _move(
    points: np.ndarray, shape: tuple[int, int], angle: float, shift: np.ndarray
) -> np.ndarray:
    centre = np.array([(shape[0] - 1) / 2, (shape[1] - 1) / 2])
    c, s = math.cos(angle), math.sin(angle)
    return (points - centre) @ np.array([[c, -s], [s, c]]).T + centre + shift


def se2_transform(
    image: torch.Tensor, points: np.ndarray, angle: float, shift: np.ndarray
) -> tuple[torch.Tensor, np.ndarray]:
    """Rotate ``image`` by ``angle`` about its centre, then shift; move ``points`` (N x 2
    (row, column)) the same way. Pixels from outside the image are zero."""
    _, rows, cols = image.shape
    centre = ((rows - 1) / 2, (cols - 1) / 2)
    c, s = math.cos(angle), math.sin(angle)
    # Output pixel -> input pixel (the inverse map), as a sampling grid in [-1, 1].
    r, k = torch.meshgrid(
        torch.arange(rows, dtype=torch.float32),
        torch.arange(cols, dtype=torch.float32),
        indexing="ij",
    )
    rr = r - float(centre[0] + shift[0])
    kk = k - float(centre[1] + shift[1])
    src_r = c * rr + s * kk + centre[0]
    src_k = -s * rr + c * kk + centre[1]
    grid = torch.stack([(2 * src_k + 1) / cols - 1, (2 * src_r + 1) / rows - 1], dim=-1)
    out = F.grid_sample(image[None], grid[None], mode="bilinear", align_corners=False)[0]
    return out, _move(points, (rows, cols), angle, shift)


def random_se2(
    image: torch.Tensor, points: np.ndarray, rng: np.random.Generator, max_shift: int
) -> tuple[torch.Tensor, np.ndarray]:
    """A random rotation and shift that keeps every point inside the image (else none)."""
    shape = (image.shape[1], image.shape[2])
    for _ in range(AUGMENT_TRIES):
        angle = float(rng.uniform(0, 2 * math.pi))
        shift = rng.integers(-max_shift, max_shift + 1, size=2).astype(np.float64)
        moved = _move(points, shape, angle, shift)
        if np.all(moved >= 0) and np.all(moved <= np.array(shape) - 1):
            return se2_transform(image, points, angle, shift)
    return image, points


class DemoDataset(IterableDataset):
    """Endless random samples (one step of one episode each) from stored demonstrations.

    ``demos`` caps the episodes per task (the lowest seeds, so a run is reproducible): one
    count for every task, or one per task in the order of ``tasks`` (few-shot training).
    Prepared inputs are kept in memory after their first read when ``cache`` is set (a step of
    the small configuration is about 0.3 MB), so later epochs skip decoding.
    """

    def __init__(
        self,
        store: DemoStore,
        tasks: list[str],
        cfg: ModelConfig,
        demos: int | Sequence[int],
        split: str = "train",
        augment: bool = True,
        max_shift: int = 8,
        seed: int = 0,
        encoder: LanguageEncoder | None = None,
        cache: bool = True,
    ) -> None:
        self.store = store
        self.cfg = cfg
        self.augment = augment
        self.max_shift = max_shift
        self.seed = seed
        self.encoder = encoder or LanguageEncoder()
        self.cache: dict[int, tuple[np.ndarray, np.ndarray, int, bool, str]] | None = (
            {} if cache else None
        )
        self.steps: list[tuple[EpisodeRef, int]] = []
        #: Indices of each task's steps: tasks are drawn evenly, whatever their episode lengths.
        self.by_task: list[list[int]] = []
        counts = [demos] * len(tasks) if isinstance(demos, int) else list(demos)
        if len(counts) != len(tasks):
            raise ValueError(f"{len(counts)} demonstration counts for {len(tasks)} tasks.")
        for task, demos_of_task in zip(tasks, counts, strict=True):
            refs = store.episodes(task, split)[:demos_of_task]
            if len(refs) < demos_of_task:
                raise ValueError(
                    f"Only {len(refs)} {split} demonstrations of '{task}' are stored in "
                    f"{store.path}, {demos_of_task} asked for: record more with "
                    f"`simgen demos {task} --n {demos_of_task} --split {split}`."
                )
            first = len(self.steps)
            self.steps += [(ref, t) for ref in refs for t in range(ref.steps)]
            self.by_task.append(list(range(first, len(self.steps))))
        if not self.steps:
            raise ValueError("No demonstration steps to train on: ask for at least one demo.")
        goals = {g for ref in {r for r, _ in self.steps} for g in store.lang_goals(ref)}
        self.encoder.encode(sorted(goals))  # one batch now, cached for every sample

    def __len__(self) -> int:
        return len(self.steps)

    def prepared(self, index: int) -> tuple[np.ndarray, np.ndarray, int, bool, str]:
        """Network input, action pixels (downsampled), rotation bin, whether the rotation is
        free, and the goal of one step."""
        if self.cache is not None and index in self.cache:
            return self.cache[index]
        ref, t = self.steps[index]
        step = self.store.read_step(ref, t)
        image = model_input(step["color"], step["height"], step["lang_goal"], self.cfg)
        points = np.floor(np.stack([step["pick_pixel"], step["place_pixel"]]) / self.cfg.downsample)
        rotation = rotation_bin(float(step["place_yaw"]), self.cfg.rotations)
        free = not bool(step["rotation_matters"])
        entry = (image, points, rotation, free, str(step["lang_goal"]))
        if self.cache is not None:
            self.cache[index] = entry
        return entry

    def sample(self, index: int, rng: np.random.Generator) -> Sample:
        array, points, rotation, free, goal = self.prepared(index)
        image = torch.from_numpy(array)
        if self.augment:
            image, points = random_se2(image, points, rng, self.max_shift)
        rows, cols = self.cfg.image_shape
        pix = np.clip(np.round(points), 0, [rows - 1, cols - 1]).astype(np.int64)
        language = torch.from_numpy(self.encoder.encode([goal])[0])
        return Sample(
            image=image,
            pick=torch.from_numpy(pix[0]),
            place=torch.from_numpy(pix[1]),
            rotation=torch.tensor(rotation),
            rotation_free=torch.tensor(free),
            language=language,
        )

    def __iter__(self) -> Iterator[Sample]:
        info = torch.utils.data.get_worker_info()
        rng = np.random.default_rng(self.seed + (info.id if info else 0))
        while True:
            indices = self.by_task[int(rng.integers(len(self.by_task)))]
            yield self.sample(indices[int(rng.integers(len(indices)))], rng)


def collate(samples: list[Sample]) -> Sample:
    return Sample(
        image=torch.stack([s.image for s in samples]),
        pick=torch.stack([s.pick for s in samples]),
        place=torch.stack([s.place for s in samples]),
        rotation=torch.stack([s.rotation for s in samples]),
        rotation_free=torch.stack([s.rotation_free for s in samples]),
        language=torch.stack([s.language for s in samples]),
    )
