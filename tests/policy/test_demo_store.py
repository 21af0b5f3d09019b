from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import zarr

from policy.demo_store import DemoStore, Episode, episode_key


def fake_episode(seed: int, steps: int = 2) -> Episode:
    rng = np.random.default_rng(seed)
    return Episode(
        task="put-block-in-bowl",
        split="train",
        seed=seed,
        reward=1.0,
        color=rng.integers(0, 255, (steps, 320, 160, 3), dtype=np.uint8),
        height=rng.random((steps, 320, 160), dtype=np.float32),
        pick_pose=rng.random((steps, 7), dtype=np.float32),
        place_pose=rng.random((steps, 7), dtype=np.float32),
        pick_pixel=rng.integers(0, 160, (steps, 2)).astype(np.int32),
        place_pixel=rng.integers(0, 160, (steps, 2)).astype(np.int32),
        place_yaw=rng.random(steps, dtype=np.float32),
        lang_goals=[f"goal {i}" for i in range(steps)],
        rotation_matters=np.arange(steps) % 2 == 0,
    )


def test_round_trip_is_exact_and_openable_without_simgen(tmp_path: Path) -> None:
    store = DemoStore(tmp_path / "demos.zarr")
    store.prepare("put-block-in-bowl", "train")
    episode = fake_episode(4)
    size = store.write(episode)
    assert size > 0
    (ref,) = store.episodes("put-block-in-bowl", "train")
    assert (ref.seed, ref.steps, ref.success) == (4, 2, True)
    back = store.read(ref)
    for name, array in episode.arrays.items():
        np.testing.assert_array_equal(getattr(back, name), array)
    assert back.lang_goals == episode.lang_goals
    step = store.read_step(ref, 1)
    np.testing.assert_array_equal(step["color"], episode.color[1])
    assert step["lang_goal"] == "goal 1"
    # Plain zarr opens it: the format needs no simgen code to read.
    group = zarr.open_group(str(tmp_path / "demos.zarr"), mode="r")
    assert group[episode_key("put-block-in-bowl", "train", 4)]["color"].shape == (2, 320, 160, 3)


def test_unfinished_and_failed_episodes(tmp_path: Path) -> None:
    store = DemoStore(tmp_path / "demos.zarr")
    store.prepare("put-block-in-bowl", "train")
    store.write(fake_episode(0))
    store.write_failure("put-block-in-bowl", "train", 2, 0.5)
    # A group without the 'complete' mark, as a recorder killed mid-write leaves it.
    zarr.open_group(str(store.path), path=episode_key("put-block-in-bowl", "train", 6), mode="w")
    assert [r.seed for r in store.episodes("put-block-in-bowl", "train")] == [0]
    both = store.episodes("put-block-in-bowl", "train", include_failed=True)
    assert [(r.seed, r.success) for r in both] == [(0, True), (2, False)]
    assert store.remove_unfinished("put-block-in-bowl", "train") == [6]
    assert not (store.path / episode_key("put-block-in-bowl", "train", 6)).exists()


def test_an_episode_under_another_splits_seed_is_not_served(tmp_path: Path) -> None:
    """A store written under CLIPort's old val numbering (odd seeds from 1) may hold a "val"
    episode with seed 3, now a test seed: it must not be served as validation data."""
    store = DemoStore(tmp_path / "demos.zarr")
    store.prepare("put-block-in-bowl", "val")
    for seed in (1, 3):
        store.write(replace(fake_episode(seed), split="val"))
    assert [r.seed for r in store.episodes("put-block-in-bowl", "val")] == [1]
