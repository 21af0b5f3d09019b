from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from policy.demo_store import DemoStore, store_path
from policy.demos import DemoRequest, record_demos, record_episode
from policy.observation import action_to_pixels
from policy.tasks import TaskTargetError
from simenv.environment import Environment
from simenv.tasks import get_task
from tests.policy.policy_fixtures import DEMOS, TASKS


@pytest.mark.parametrize("task", TASKS)
def test_recorded_episodes_have_the_documented_shapes(demo_workspace: Path, task: str) -> None:
    store = DemoStore(store_path(demo_workspace))
    refs = store.episodes(task, "train")
    assert [r.seed for r in refs] == [0, 2][:DEMOS]
    episode = store.read(refs[0])
    steps = episode.steps
    assert steps >= 1 and episode.reward > 0.99
    assert episode.color.shape == (steps, 320, 160, 3) and episode.color.dtype == np.uint8
    assert episode.height.shape == (steps, 320, 160) and episode.height.dtype == np.float32
    assert episode.pick_pose.shape == episode.place_pose.shape == (steps, 7)
    assert episode.pick_pixel.shape == (steps, 2)
    assert all(g for g in episode.lang_goals)
    # Something stands out of the table where the expert picks.
    r, c = episode.pick_pixel[0]
    assert episode.height[0, r, c] > 0.01


def test_recording_is_deterministic(demo_workspace: Path) -> None:
    store = DemoStore(store_path(demo_workspace))
    ref = store.episodes("block-insertion", "train")[0]
    stored = store.read(ref)
    with Environment(render=True) as env:
        again = record_episode(env, "block-insertion", ref.seed, "train")
    assert again is not None
    np.testing.assert_allclose(again.pick_pose, stored.pick_pose, atol=1e-6)
    np.testing.assert_array_equal(again.place_pixel, stored.place_pixel)
    np.testing.assert_array_equal(again.color, stored.color)


def test_recording_renders_once_per_kept_step(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the images an episode keeps are rendered: none for ``reset``'s observation or
    after the last action (rendering is most of a demonstration's time)."""
    rendered = []
    observe = Environment.observe

    def counting(env: Environment) -> dict[str, Any]:
        rendered.append(env.sim_steps)
        return observe(env)

    monkeypatch.setattr(Environment, "observe", counting)
    with Environment(render=True) as env:
        episode = record_episode(env, "block-insertion", 0, "train")
        assert env.render_enabled  # the recorder's images_off block restored it
    assert episode is not None and len(rendered) == episode.steps


def test_a_resumed_run_keeps_stored_episodes(demo_workspace: Path) -> None:
    store = DemoStore(store_path(demo_workspace))
    before = {
        r.seed: store.episode_bytes(r.task, r.split, r.seed)
        for r in store.episodes("block-insertion", "train")
    }
    outcomes = record_demos(demo_workspace, DemoRequest(("block-insertion",), DEMOS, "train"))
    assert outcomes == []  # everything asked for is already there
    after = store.episodes("block-insertion", "train")
    assert {r.seed for r in after} == set(before)


@pytest.mark.parametrize("target", ["generated_task.py", "tasks/my_task.py", "no-such-task"])
def test_missing_files_and_unknown_names_are_refused(tmp_path: Path, target: str) -> None:
    with pytest.raises(TaskTargetError) as info:
        record_demos(tmp_path, DemoRequest((target,), 1))
    message = str(info.value)
    assert "does not exist" in message or "Unknown task" in message
    assert not (tmp_path / "demos").exists()


@pytest.mark.integration
def test_a_generated_task_file_is_recorded_from_its_sandboxed_scene(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A task file's code runs in the sandbox only: importing it in this (the recording)
    process fails the test, so the episode can only come from the replayed scene record."""
    path = tmp_path / "bowl_generated.py"
    path.write_text(get_task("put-block-in-bowl").path.read_text())
    spec_from_file = importlib.util.spec_from_file_location

    def refuse_the_task_file(name: str, location: Any = None, **kwargs: Any) -> Any:
        assert Path(str(location)).resolve() != path.resolve(), "task code ran in the recorder"
        return spec_from_file(name, location, **kwargs)

    monkeypatch.setattr(importlib.util, "spec_from_file_location", refuse_the_task_file)
    outcomes = record_demos(tmp_path / "ws", DemoRequest((str(path),), 1))
    assert [o.success for o in outcomes] == [True]
    store = DemoStore(store_path(tmp_path / "ws"))
    (ref,) = store.episodes("bowl-generated", "train")
    episode = store.read(ref)
    assert episode.task == "bowl-generated" and episode.reward > 0.99
    assert "bowl" in episode.lang_goals[0]


def test_action_pixels_follow_the_task_api() -> None:
    action = {
        "pose0": ((0.5, 0.0, 0.02), (0, 0, 0, 1)),
        "pose1": ((0.25, -0.5, 0.0), (0, 0, 0.7071068, 0.7071068)),
    }
    pixels = action_to_pixels(action)
    assert pixels.pick == (160, 80)
    assert pixels.place == (0, 0)
    assert pixels.yaw == pytest.approx(np.pi / 2, abs=1e-5)


@pytest.mark.slow
@pytest.mark.parametrize(("executor", "workers"), [("process", 2), ("ray", 1)])
def test_parallel_recording_matches_sequential(
    demo_workspace: Path, tmp_path: Path, executor: str, workers: int
) -> None:
    """Worker processes (or a Ray actor: Ray's start-up is most of this test's time) record
    the same episodes as the session's one-process recording."""
    request = DemoRequest(("block-insertion",), DEMOS, "train", workers, executor=executor)
    try:
        outcomes = record_demos(tmp_path, request)
    finally:
        if executor == "ray":
            import ray

            ray.shutdown()
    assert sorted(o.seed for o in outcomes if o.success) == [0, 2][:DEMOS]
    ours, theirs = DemoStore(store_path(tmp_path)), DemoStore(store_path(demo_workspace))
    for mine, reference in zip(
        ours.episodes("block-insertion", "train"),
        theirs.episodes("block-insertion", "train"),
        strict=True,
    ):
        recorded, sequential = ours.read(mine), theirs.read(reference)
        np.testing.assert_array_equal(recorded.pick_pixel, sequential.pick_pixel)
        np.testing.assert_array_equal(recorded.place_pixel, sequential.place_pixel)
        np.testing.assert_array_equal(recorded.color, sequential.color)
