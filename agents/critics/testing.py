"""A check for critic plug-in authors: ``check_critic(MyCritic())`` in your own tests.

It reviews a few typical submissions (a proposal, a task that passed validation, one that
failed, one close to a library task) and raises ``CriticCheckError`` saying what is wrong when
the critic does not behave as the graph needs: a name, a ``review`` that returns a ``Verdict``
carrying that name, no exception on any of them, the same answer twice.
"""

from __future__ import annotations

from agents.critics.registry import critic_stages
from agents.protocols import Critic, Submission
from agents.schemas import ExampleTask, TaskProposal, Verdict
from simenv.validation_report import EpisodeResult, Stage, ValidationReport

SAMPLE_CODE = '''import numpy as np
from simenv.task import Task


class PutBlockOnZone(Task):
    """Put the red block on the green zone."""

    def __init__(self):
        super().__init__()
        self.max_steps = 3
        self.lang_template = "put the red block on the green zone"
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        zone_pose = self.get_random_pose(env, (0.12, 0.12, 0))
        env.add_object("zone/zone.urdf", zone_pose, "fixed", color="green")
        block = env.add_object("block/block.urdf", self.get_random_pose(env, (0.04, 0.04, 0.04)))
        self.add_goal(objs=[block], matches=np.ones((1, 1)), targ_poses=[zone_pose],
                      replace=False, rotations=False, metric="pose", params=None,
                      step_max_reward=1.0, language_goal=self.lang_template)
'''


class CriticCheckError(AssertionError):
    """A critic that does not keep the contract; the message says which part."""


def sample_submissions() -> dict[str, Submission]:
    """Typical submissions a critic sees, by a short label."""
    proposal = TaskProposal.model_validate(
        {
            "task-name": "put-block-on-zone",
            "task-description": "Put the red block on the green zone.",
            "assets-used": ["block/block.urdf", "zone/zone.urdf"],
        }
    )
    episodes = [
        EpisodeResult(seed=s, reward=1.0, success=True, steps=1, seconds=0.1) for s in (0, 1)
    ]
    passed = ValidationReport(
        target="put_block_on_zone.py",
        passed=True,
        stage=Stage.PASSED,
        episodes=episodes,
        success_rate=1.0,
    )
    failed = ValidationReport(
        target="put_block_on_zone.py",
        passed=False,
        stage=Stage.RESET,
        error="reset() failed on seed 0: the table is full",
    )
    near = ExampleTask(
        name="place-red-in-green",
        description="Place the red blocks in the green bowls.",
        code="",
        distance=0.01,
    )
    return {
        "proposal": Submission(proposal=proposal, stage="proposal"),
        "passed task": Submission(proposal=proposal, code=SAMPLE_CODE, report=passed),
        "failed task": Submission(proposal=proposal, code=SAMPLE_CODE, report=failed),
        "near-duplicate task": Submission(
            proposal=proposal, code=SAMPLE_CODE, report=passed, nearest=near
        ),
    }


def check_critic(critic: Critic) -> dict[str, Verdict]:
    """Run the critic on every sample it reviews; return its verdicts by sample label."""
    name = getattr(critic, "name", None)
    if not isinstance(name, str) or not name:
        raise CriticCheckError(f"{type(critic).__name__} needs a non-empty string `name`.")
    if not callable(getattr(critic, "review", None)):
        raise CriticCheckError(f"Critic '{name}' needs a `review(submission)` method.")
    stages = critic_stages(critic)
    if not stages or not set(stages) <= {"proposal", "task"}:
        raise CriticCheckError(
            f"Critic '{name}': `stages` must be a non-empty tuple of 'proposal' and/or 'task', "
            f"got {stages!r}."
        )
    verdicts: dict[str, Verdict] = {}
    for label, submission in sample_submissions().items():
        if submission.stage not in stages:
            continue
        try:
            first = critic.review(submission)
            second = critic.review(submission)
        except Exception as exc:
            raise CriticCheckError(
                f"Critic '{name}' raised {type(exc).__name__} on the {label}: {exc}"
            ) from exc
        if not isinstance(first, Verdict):
            raise CriticCheckError(
                f"Critic '{name}' returned {type(first).__name__} on the {label}; return "
                "agents.schemas.Verdict(critic=self.name, accept=..., reasons=...)."
            )
        if first.critic != name:
            raise CriticCheckError(
                f"Critic '{name}' signed its verdict '{first.critic}'; use critic=self.name."
            )
        if (first.accept, first.reasons) != (second.accept, second.reasons):
            raise CriticCheckError(
                f"Critic '{name}' gave two different verdicts on the same {label}; a critic "
                "must be deterministic for runs to resume without changing their outcome."
            )
        verdicts[label] = first
    return verdicts
