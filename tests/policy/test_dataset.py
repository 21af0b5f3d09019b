from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import torch

from policy.dataset import DemoDataset, collate, model_input, rotation_bin, se2_transform
from policy.demo_store import DemoStore, store_path
from policy.language import color_maps, color_words
from tests.policy.policy_fixtures import DEMOS, TASKS, tiny_config


def test_model_input_shape_and_channels() -> None:
    cfg = tiny_config().model
    color = np.zeros((320, 160, 3), np.uint8)
    color[:40, :40] = (np.array([0.86, 0.24, 0.22]) * 255).astype(np.uint8)  # palette red
    height = np.zeros((320, 160), np.float32)
    height[:20, :40] = 0.02  # the red patch's top half stands on the table
    height[100, 50] = 0.04
    x = model_input(color, height, "put the red blocks in a blue bowl", cfg)
    assert x.shape == (cfg.in_channels, 80, 40) and x.dtype == np.float32
    assert x[3].max() == pytest.approx(0.04 * cfg.height_scale)  # max-pooled height
    assert x[4, :5, :10].min() > 0.9  # red map: red, above the table
    assert x[4, 5:, :].max() < 0.1  # red but on the table, or not red
    dim = model_input((color * 0.6).astype(np.uint8), height, "red", cfg)
    assert dim[4, :5, :10].min() > 0.9  # shading does not change the colour
    assert x[5].max() < 0.1  # no blue in the picture


def test_colour_words_keep_instruction_order() -> None:
    assert color_words("put the yellow blocks in a green bowl") == ["yellow", "green"]
    assert color_words("put the L shape block in the L shape hole") == []
    assert color_maps(np.zeros((4, 4, 3), np.uint8), np.ones((4, 4)), "no colours", 2).max() == 0


def test_se2_transform_moves_image_and_points_together() -> None:
    image = torch.zeros(1, 80, 40)
    image[0, 30, 12] = 1.0
    points = np.array([[30.0, 12.0]])
    out, moved = se2_transform(image, points, math.pi / 2, np.array([3.0, -2.0]))
    r, c = np.round(moved[0]).astype(int)
    assert out[0, r, c] > 0.5
    assert out[0].sum() == pytest.approx(1.0, abs=0.05)


@pytest.mark.parametrize("augment", [False, True])
def test_samples_are_deterministic_and_in_range(demo_workspace: Path, augment: bool) -> None:
    cfg = tiny_config().model
    store = DemoStore(store_path(demo_workspace))
    dataset = DemoDataset(store, list(TASKS), cfg, DEMOS, augment=augment, max_shift=2)
    a = [dataset.sample(i % len(dataset), np.random.default_rng(7)) for i in range(3)]
    b = [dataset.sample(i % len(dataset), np.random.default_rng(7)) for i in range(3)]
    for x, y in zip(a, b, strict=True):
        assert torch.equal(x.image, y.image) and torch.equal(x.place, y.place)
    batch = collate(a)
    rows, cols = cfg.image_shape
    assert batch.image.shape == (3, cfg.in_channels, rows, cols)
    assert batch.language.shape == (3, 384)
    assert (batch.pick[:, 0] < rows).all() and (batch.pick[:, 1] < cols).all()
    assert (batch.rotation < cfg.rotations).all()
    if not augment:  # the label is where the expert picked
        ref, t = dataset.steps[0]
        step = store.read_step(ref, t)
        assert a[0].pick.tolist() == (step["pick_pixel"] // cfg.downsample).tolist()
        assert a[0].rotation == rotation_bin(float(step["place_yaw"]), cfg.rotations)


def test_too_few_demos_is_a_clear_error(demo_workspace: Path) -> None:
    with pytest.raises(ValueError, match="simgen demos block-insertion --n 50"):
        DemoDataset(
            DemoStore(store_path(demo_workspace)), ["block-insertion"], tiny_config().model, 50
        )
