from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from policy.train import TrainRequest, load_model, read_checkpoint, train
from tests.policy.policy_fixtures import DEMOS, TASKS, tiny_config


def test_loss_falls_on_a_short_run(demo_workspace: Path) -> None:
    """Without augmentation the tiny model fits its few samples: the loss drops clearly."""
    config = tiny_config(augment=False, batch_size=4, checkpoint_every=100)
    request = TrainRequest(TASKS, DEMOS, 40, config, run="falls")
    result = train(demo_workspace, request)
    losses = [h.pick_loss + h.place_loss for h in result.history]
    assert len(losses) == 40
    assert np.mean(losses[-5:]) < 0.8 * np.mean(losses[:5])
    assert result.curve.is_file() and result.curve.stat().st_size > 1000


def test_a_resumed_run_continues_from_its_checkpoint(demo_workspace: Path) -> None:
    config = tiny_config()
    first = train(demo_workspace, TrainRequest(TASKS, DEMOS, 4, config, run="resume"))
    assert first.resumed_from == 0 and len(first.history) == 4
    saved = read_checkpoint(first.checkpoint)
    assert saved["step"] == 4 and saved["config"] == config.to_dict()
    second = train(demo_workspace, TrainRequest(TASKS, DEMOS, 6, config, run="resume"))
    assert second.resumed_from == 4
    assert [h.step for h in second.history] == [1, 2, 3, 4, 5, 6]
    assert second.history[:4] == first.history
    model, loaded, state = load_model(second.checkpoint)
    assert loaded == config and state["step"] == 6 and not model.training


def test_resuming_with_other_settings_is_refused(demo_workspace: Path) -> None:
    train(demo_workspace, TrainRequest(TASKS, DEMOS, 2, tiny_config(), run="other"))
    with pytest.raises(ValueError, match="new --run name"):
        train(demo_workspace, TrainRequest(TASKS[:1], DEMOS, 4, tiny_config(), run="other"))


def test_a_missing_checkpoint_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="simgen train"):
        load_model(tmp_path / "none.pt")
