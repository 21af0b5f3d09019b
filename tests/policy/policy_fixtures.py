"""Shared facts of the policy tests (imported by conftest and by tests)."""

from __future__ import annotations

from policy.config import ModelConfig, PolicyConfig, TrainConfig

#: The tasks the session's tiny demonstration store holds, and how many episodes of each.
TASKS = ("put-block-in-bowl", "block-insertion")
DEMOS = 2


def tiny_config(**train: object) -> PolicyConfig:
    """A Transporter small enough to train a few steps in a second or two."""
    return PolicyConfig(
        "tiny",
        model=ModelConfig(downsample=4, channels=4, depth=1, key_channels=2, crop=9, rotations=8),
        train=TrainConfig(
            **{
                "batch_size": 2,
                "learning_rate": 3e-3,
                "checkpoint_every": 2,
                "max_shift": 2,
                **train,
            }  # type: ignore[arg-type]
        ),
    )
