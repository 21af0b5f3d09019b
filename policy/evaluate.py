"""Evaluation, by CLIPort's protocol: roll a policy out on a split's seeds, up to each task's
step limit, and report the success rate and mean reward per task (table, JSON and a plot)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from policy.agent import Policy
from policy.seeds import check_split, seed_of
from policy.tasks import SceneNotBuilt, resolve_task, start_episode
from simenv.constants import SUCCESS_THRESHOLD
from simenv.environment import Environment


@dataclass(frozen=True)
class EpisodeScore:
    task: str
    seed: int
    reward: float
    steps: int

    @property
    def success(self) -> bool:
        return self.reward > SUCCESS_THRESHOLD


@dataclass
class TaskScore:
    task: str
    episodes: list[EpisodeScore] = field(default_factory=list)

    @property
    def success_rate(self) -> float:
        return sum(e.success for e in self.episodes) / max(len(self.episodes), 1)

    @property
    def mean_reward(self) -> float:
        return sum(e.reward for e in self.episodes) / max(len(self.episodes), 1)


@dataclass
class EvalReport:
    policy: str
    split: str
    tasks: list[TaskScore]
    checkpoint: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "policy": self.policy,
            "split": self.split,
            "checkpoint": self.checkpoint,
            "tasks": [
                {
                    "task": t.task,
                    "episodes": len(t.episodes),
                    "success_rate": t.success_rate,
                    "mean_reward": t.mean_reward,
                    "results": [asdict(e) | {"success": e.success} for e in t.episodes],
                }
                for t in self.tasks
            ],
        }


EpisodeCallback = Callable[[EpisodeScore], None]


def rollout(
    env: Environment, policy: Policy, task_name: str, seed: int, split: str
) -> EpisodeScore:
    """One episode: the policy acts until the task is done or out of steps.

    The cameras render only before each action (``Environment.observe``): the images ``step``
    would render after the last action, or at reset, are never looked at.
    """
    with env.images_off():
        try:
            task = start_episode(env, resolve_task(task_name), seed, split)
        except SceneNotBuilt:
            return EpisodeScore(task_name, seed, 0.0, 0)  # a generated task that did not build
        policy.begin(env, task)
        _, _, _, info = env.step()
        total, steps = 0.0, 0
        for steps in range(1, task.max_steps + 1):
            action = policy.act(env.observe(), info)
            if action is None:
                steps -= 1
                break
            _, reward, done, info = env.step(action)
            total += reward
            if done:
                break
    return EpisodeScore(task_name, seed, round(total, 4), steps)


def evaluate(
    policy: Policy,
    tasks: Sequence[str],
    episodes: int,
    split: str = "test",
    on_episode: EpisodeCallback | None = None,
) -> EvalReport:
    """Roll out ``episodes`` episodes per task on the split's first seeds."""
    check_split(split)
    for task in tasks:
        resolve_task(task)
    scores = []
    with Environment(render=True) as env:
        for task in tasks:
            score = TaskScore(task)
            for index in range(episodes):
                result = rollout(env, policy, task, seed_of(split, index), split)
                score.episodes.append(result)
                if on_episode is not None:
                    on_episode(result)
            scores.append(score)
    return EvalReport(policy=policy.name, split=split, tasks=scores)


def write_report(report: EvalReport, folder: Path, stem: str = "eval") -> tuple[Path, Path]:
    """``<stem>.json`` and ``<stem>.png`` (success rate and mean reward per task)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    json_path = folder / f"{stem}.json"
    json_path.write_text(json.dumps(report.to_dict(), indent=2))
    names = [t.task for t in report.tasks]
    xs = range(len(names))
    fig, ax = plt.subplots(figsize=(max(4.0, 1.6 * len(names)), 3.5))
    ax.bar([x - 0.2 for x in xs], [t.success_rate for t in report.tasks], 0.4, label="success")
    ax.bar([x + 0.2 for x in xs], [t.mean_reward for t in report.tasks], 0.4, label="mean reward")
    ax.set_xticks(list(xs), names, rotation=15, fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_title(f"{report.policy} on the {report.split} split", fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    png_path = folder / f"{stem}.png"
    fig.savefig(png_path, dpi=100)
    plt.close(fig)
    return json_path, png_path
