from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from policy_fixtures import tiny_config

from policy.config import PRESETS, ModelConfig
from policy.model import Transporter, cross_correlate, rotation_grid, sample_bins


def test_fft_cross_correlation_equals_convolution() -> None:
    torch.manual_seed(0)
    scene = torch.randn(2, 3, 20, 12)
    kernels = torch.randn(2, 5, 3, 7, 7)
    expected = torch.stack([F.conv2d(scene[b : b + 1], kernels[b], padding=3)[0] for b in range(2)])
    torch.testing.assert_close(cross_correlate(scene, kernels), expected, atol=1e-4, rtol=1e-4)


def test_rotation_turns_like_the_world_yaw() -> None:
    """+90 degrees of yaw takes +x (a column to the right) to +y (a row further down)."""
    size = 11
    image = torch.zeros(1, 1, size, size)
    image[0, 0, 5, 8] = 1.0  # 3 pixels along +x from the centre
    grid = rotation_grid(torch.tensor([math.pi / 2]), size)
    turned = F.grid_sample(image, grid, align_corners=False)[0, 0]
    assert divmod(int(turned.argmax()), size) == (8, 5)


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_heads_have_the_documented_shapes(name: str) -> None:
    cfg = PRESETS[name].model if name == "small" else tiny_config().model
    model = Transporter(cfg)
    rows, cols = cfg.image_shape
    image = torch.randn(2, cfg.in_channels, rows, cols)
    language = torch.randn(2, cfg.language_dim)
    pick_logits, keys = model.scene(image, language)
    assert pick_logits.shape == (2, rows, cols)
    assert keys.shape == (2, cfg.key_channels, rows, cols)
    place = model.place_logits(image, language, torch.tensor([[0, 0], [rows - 1, cols - 1]]), keys)
    assert place.shape == (2, cfg.rotations, rows, cols)
    pick, placed, rotation = model.act(image[0], language[0])
    assert 0 <= pick[0] < rows and 0 <= placed[1] < cols and 0 <= rotation < cfg.rotations


def test_same_seed_same_model_and_output() -> None:
    cfg = tiny_config().model
    outputs = []
    for _ in range(2):
        torch.manual_seed(3)
        model = Transporter(cfg)
        image = torch.ones(1, cfg.in_channels, *cfg.image_shape)
        outputs.append(model.scene(image, torch.ones(1, cfg.language_dim))[0])
    assert torch.equal(outputs[0], outputs[1])


@pytest.mark.parametrize(
    ("field", "value", "match"),
    [("downsample", 3, "divide"), ("crop", 8, "odd"), ("rotations", 0, "rotations")],
)
def test_bad_configuration_is_a_clear_error(field: str, value: int, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        ModelConfig(**{field: value})


def test_sampled_rotation_bins_start_with_the_target_and_are_distinct() -> None:
    torch.manual_seed(0)
    target = torch.tensor([0, 5, 35])
    bins = sample_bins(target, 36, 12)
    assert bins.shape == (3, 12)
    assert bins[:, 0].tolist() == [0, 5, 35]
    for row in bins.tolist():
        assert len(set(row)) == 12


def test_sampled_softmax_scores_the_same_logits() -> None:
    """The sampled place logits are the full ones at the sampled bins."""
    cfg = tiny_config().model
    torch.manual_seed(1)
    model = Transporter(cfg).eval()
    image = torch.randn(2, cfg.in_channels, *cfg.image_shape)
    language = torch.randn(2, cfg.language_dim)
    pick = torch.tensor([[3, 4], [10, 20]])
    _, keys = model.scene(image, language)
    full = model.place_logits(image, language, pick, keys)
    bins = sample_bins(torch.tensor([2, 7]), cfg.rotations, 3)
    sampled = model.place_logits(image, language, pick, keys, bins)
    for b in range(2):
        torch.testing.assert_close(sampled[b], full[b, bins[b]])


def test_a_free_rotation_counts_every_angle_at_the_place_pixel() -> None:
    """Where the goal ignores the rotation, any angle at the expert's pixel is right: the loss
    is lower than (or equal to) the loss of the expert's one angle."""
    cfg = tiny_config().model
    torch.manual_seed(2)
    model = Transporter(cfg)
    image = torch.randn(2, cfg.in_channels, *cfg.image_shape)
    language = torch.randn(2, cfg.language_dim)
    pick = torch.tensor([[3, 4], [10, 20]])
    place = torch.tensor([[5, 5], [6, 7]])
    rotation = torch.tensor([1, 2])
    _, fixed = model.losses(image, language, pick, place, rotation)
    _, free = model.losses(image, language, pick, place, rotation, None, torch.tensor([True, True]))
    _, none_free = model.losses(
        image, language, pick, place, rotation, None, torch.tensor([False, False])
    )
    assert free < fixed
    torch.testing.assert_close(none_free, fixed)
