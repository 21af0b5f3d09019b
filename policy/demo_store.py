"""Demonstrations on disk: one zarr store, one group per episode.

Why zarr (v3, local directory store), not HDF5: every episode is its own group, i.e. its own
folder of chunk files, so several recording processes write episodes side by side with no
single-writer bottleneck, and a killed recorder leaves at most one unfinished group behind
(an HDF5 file open for writing can be corrupted whole by a crash). Diffusion Policy and the
LeRobot tooling read zarr, and ``zarr.open_group(path)`` opens a store with no simgen code.

Layout (``demos.zarr`` under the workspace's ``demos/``)::

    <task>/<split>/seed_<seed>/    attrs: task, split, seed, reward, steps, success, lang_goals,
                                          complete (written last), format
        color       (T, 320, 160, 3) uint8    fused top-down colour before each step
        height      (T, 320, 160)    float32  fused height map (metres above the table)
        pick_pose   (T, 7) float32            expert's pick pose: x, y, z, qx, qy, qz, qw
        place_pose  (T, 7) float32            expert's place pose
        pick_pixel  (T, 2) int32              (row, column) of the pick
        place_pixel (T, 2) int32              (row, column) of the place
        place_yaw   (T,)   float32            yaw the picked object turns by (radians)
        rotation_matters (T,) bool            whether the step's goal scores the yaw (when not,
                                              the expert's yaw is arbitrary)

Failed expert episodes are kept as attribute-only groups (``success`` false, and a ``reason``
attribute saying why) so that a resumed run does not retry them.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import zarr
from zarr.codecs import BloscCodec

from policy.seeds import split_of

FORMAT = "simgen-demos/2"
STORE_NAME = "demos.zarr"
_ARRAY_NAMES = (
    "color",
    "height",
    "pick_pose",
    "place_pose",
    "pick_pixel",
    "place_pixel",
    "place_yaw",
    "rotation_matters",
)
_COMPRESSOR = BloscCodec(cname="zstd", clevel=3, shuffle="bitshuffle")


@dataclass(frozen=True)
class EpisodeRef:
    """A stored episode: where it is and what it holds."""

    task: str
    split: str
    seed: int
    steps: int
    reward: float
    success: bool
    #: Why a failed episode failed ("" for successes and for failures stored without one).
    reason: str = ""

    @property
    def key(self) -> str:
        return episode_key(self.task, self.split, self.seed)


@dataclass
class Episode:
    """One recorded episode, in memory."""

    task: str
    split: str
    seed: int
    reward: float
    color: np.ndarray
    height: np.ndarray
    pick_pose: np.ndarray
    place_pose: np.ndarray
    pick_pixel: np.ndarray
    place_pixel: np.ndarray
    place_yaw: np.ndarray
    lang_goals: list[str]
    rotation_matters: np.ndarray

    @property
    def steps(self) -> int:
        return len(self.lang_goals)

    @property
    def arrays(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in _ARRAY_NAMES}


def episode_key(task: str, split: str, seed: int) -> str:
    return f"{task}/{split}/seed_{seed:06d}"


def store_path(workspace: Path) -> Path:
    return Path(workspace) / "demos" / STORE_NAME


class DemoStore:
    """Read and write episodes in one zarr store.

    Writers in several processes may share a store: each writes only its own episode groups.
    Call ``prepare`` once (in the parent) before they start so the parent groups exist.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def prepare(self, task: str, split: str) -> None:
        root = zarr.open_group(str(self.path), mode="a")
        root.require_group(f"{task}/{split}")

    def write(self, episode: Episode) -> int:
        """Store a successful episode; the ``complete`` mark goes last. Returns bytes on disk."""
        key = episode_key(episode.task, episode.split, episode.seed)
        group = zarr.open_group(str(self.path), path=key, mode="w")
        for name, array in episode.arrays.items():
            chunks = (1, *array.shape[1:])
            stored = group.create_array(
                name, shape=array.shape, dtype=array.dtype, chunks=chunks, compressors=_COMPRESSOR
            )
            stored[...] = array
        group.attrs.update(
            self._attrs(episode.task, episode.split, episode.seed, episode.reward, True)
            | {"steps": episode.steps, "lang_goals": list(episode.lang_goals)}
        )
        group.attrs["complete"] = True
        return self.episode_bytes(episode.task, episode.split, episode.seed)

    def write_failure(
        self, task: str, split: str, seed: int, reward: float, reason: str = ""
    ) -> None:
        """Remember that the expert failed on this seed, and why (no arrays)."""
        group = zarr.open_group(str(self.path), path=episode_key(task, split, seed), mode="w")
        attrs = self._attrs(task, split, seed, reward, False) | {"steps": 0, "reason": reason}
        group.attrs.update(attrs)
        group.attrs["complete"] = True

    @staticmethod
    def _attrs(task: str, split: str, seed: int, reward: float, success: bool) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "task": task,
            "split": split,
            "seed": int(seed),
            "reward": float(reward),
            "success": bool(success),
        }

    def episode_bytes(self, task: str, split: str, seed: int) -> int:
        folder = self.path / episode_key(task, split, seed)
        return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())

    def _split_group(self, task: str, split: str) -> Any | None:
        if not (self.path / task / split).is_dir():
            return None
        return zarr.open_group(str(self.path), path=f"{task}/{split}", mode="r")

    def episodes(self, task: str, split: str, include_failed: bool = False) -> list[EpisodeRef]:
        """Completed episodes of a task and split, by seed (unfinished ones are skipped, and so
        is an episode whose seed belongs to another split: a store written under the earlier
        val/test numbering may hold such episodes, and serving one would leak test scenes)."""
        group = self._split_group(task, split)
        if group is None:
            return []
        refs = []
        for _, child in group.groups():
            attrs = child.attrs
            if not attrs.get("complete") or (not attrs.get("success") and not include_failed):
                continue
            if split_of(int(attrs["seed"])) != split:
                continue
            refs.append(
                EpisodeRef(
                    task=task,
                    split=split,
                    seed=int(attrs["seed"]),
                    steps=int(attrs["steps"]),
                    reward=float(attrs["reward"]),
                    success=bool(attrs["success"]),
                    reason=str(attrs.get("reason", "")),
                )
            )
        return sorted(refs, key=lambda r: r.seed)

    def remove_unfinished(self, task: str, split: str) -> list[int]:
        """Delete episode groups a killed recorder left without the ``complete`` mark."""
        folder = self.path / task / split
        removed = []
        for child in sorted(folder.glob("seed_*")) if folder.is_dir() else []:
            group = zarr.open_group(str(child), mode="r")
            if not group.attrs.get("complete"):
                shutil.rmtree(child)
                removed.append(int(child.name.removeprefix("seed_")))
        return removed

    def read(self, ref: EpisodeRef) -> Episode:
        group = zarr.open_group(str(self.path), path=ref.key, mode="r")
        arrays = {name: _read(group, name, ...) for name in _ARRAY_NAMES}
        return Episode(
            task=ref.task,
            split=ref.split,
            seed=ref.seed,
            reward=ref.reward,
            lang_goals=[str(g) for g in group.attrs["lang_goals"]],  # type: ignore[union-attr]
            **arrays,
        )

    def lang_goals(self, ref: EpisodeRef) -> list[str]:
        group = zarr.open_group(str(self.path), path=ref.key, mode="r")
        return [str(g) for g in group.attrs["lang_goals"]]  # type: ignore[union-attr]

    def read_step(self, ref: EpisodeRef, step: int) -> dict[str, Any]:
        """One step's arrays (a single chunk of each) and its language goal."""
        group = zarr.open_group(str(self.path), path=ref.key, mode="r")
        sample: dict[str, Any] = {name: _read(group, name, step) for name in _ARRAY_NAMES}
        sample["lang_goal"] = str(group.attrs["lang_goals"][step])  # type: ignore[index]
        return sample

    def iter_tasks(self) -> Iterator[tuple[str, str]]:
        """(task, split) pairs present in the store."""
        if not self.path.is_dir():
            return
        for task_dir in sorted(p for p in self.path.iterdir() if p.is_dir()):
            for split_dir in sorted(p for p in task_dir.iterdir() if p.is_dir()):
                yield task_dir.name, split_dir.name


def _read(group: Any, name: str, index: Any) -> np.ndarray:
    try:
        array = group[name]
    except KeyError as exc:
        raise ValueError(
            f"Episode {group.path} has no '{name}' array: it was recorded by an older simgen "
            f"(this one writes {FORMAT}). Record the demonstrations again with `simgen demos`."
        ) from exc
    if not isinstance(array, zarr.Array):
        raise ValueError(f"{group.path}/{name} is not an array: is this a simgen demo store?")
    return np.asarray(array[index])
