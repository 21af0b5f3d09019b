from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from policy.agent import ExpertPolicy, TransporterPolicy
from policy.evaluate import evaluate, write_report
from policy.seeds import seed_of
from policy.train import TrainRequest, load_model, train
from simenv.environment import Environment
from simenv.episodes import reset_episode
from simenv.tasks import get_task
from simenv.validation import run_expert
from tests.policy.policy_fixtures import DEMOS, TASKS, tiny_config

EPISODES = 2


@pytest.mark.parametrize("task", TASKS)
def test_replaying_the_expert_reaches_the_experts_success(task: str, tmp_path: Path) -> None:
    """The harness, not the learner: the expert behind the policy interface scores what the
    simulator's own expert loop scores on the same test seeds."""
    report = evaluate(ExpertPolicy(), [task], EPISODES, "test")
    expected = []
    with Environment() as env:
        for index in range(EPISODES):
            seed = seed_of("test", index)
            total, _ = run_expert(env, reset_episode(env, get_task(task).task_class, seed, "test"))
            expected.append(round(total, 4))
    (score,) = report.tasks
    assert [e.reward for e in score.episodes] == pytest.approx(expected, abs=1e-3)
    assert [e.seed for e in score.episodes] == [seed_of("test", i) for i in range(EPISODES)]
    assert score.success_rate == sum(r > 0.99 for r in expected) / EPISODES
    json_path, png_path = write_report(report, tmp_path)
    assert json_path.read_text().count('"success"') == EPISODES
    assert png_path.stat().st_size > 1000


def test_a_trained_policy_acts_with_images_only(demo_workspace: Path) -> None:
    result = train(demo_workspace, TrainRequest(TASKS, DEMOS, 2, tiny_config(), run="acts"))
    model, _, _ = load_model(result.checkpoint)
    report = evaluate(TransporterPolicy(model), ["block-insertion"], 1, "val")
    (score,) = report.tasks
    assert len(score.episodes) == 1 and 0 <= score.episodes[0].steps <= 3
    assert 0.0 <= score.mean_reward <= 1.0


def test_evaluation_renders_once_per_action(monkeypatch: pytest.MonkeyPatch) -> None:
    """The policy sees a fresh picture before each action, and nothing else is rendered
    (not reset's observation, not the one after the last action)."""
    rendered: list[int] = []
    observe = Environment.observe

    def counting(env: Environment) -> dict[str, Any]:
        rendered.append(env.sim_steps)
        return observe(env)

    monkeypatch.setattr(Environment, "observe", counting)
    report = evaluate(ExpertPolicy(), ["block-insertion"], 1, "test")
    (episode,) = report.tasks[0].episodes
    assert episode.steps >= 1 and len(rendered) == episode.steps
    assert len(set(rendered)) == len(rendered)  # each after the world moved on
