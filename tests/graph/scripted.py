"""Scripted chat models for graph tests: each role answers from a script, as a server would."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from agents.chat_models import LLMSettings

Reply = str | BaseException | Callable[[str], str]


class ScriptedChatModel(BaseChatModel):
    """Answers each call with the next scripted reply: a text, an exception to raise, or a
    function of the prompt. Records every prompt it saw."""

    replies: list[Any]
    prompts: list[str] = []
    tokens_in: int = 100
    tokens_out: int = 50

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kwargs: Any
    ) -> ChatResult:
        prompt = "\n".join(str(m.content) for m in messages)
        self.prompts.append(prompt)
        if not self.replies:
            raise AssertionError(f"no scripted reply left for prompt: {prompt[:200]}")
        reply = self.replies.pop(0)
        if isinstance(reply, BaseException):
            raise reply
        text = reply(prompt) if callable(reply) else reply
        message = AIMessage(
            content=text,
            usage_metadata={
                "input_tokens": self.tokens_in,
                "output_tokens": self.tokens_out,
                "total_tokens": self.tokens_in + self.tokens_out,
            },
        )
        return ChatResult(generations=[ChatGeneration(message=message)])


class ScriptedModels:
    """A model factory for ``use_model_factory``: one scripted model per model name."""

    def __init__(self, scripts: dict[str, list[Reply]]) -> None:
        self.models = {
            name: ScriptedChatModel(replies=list(r), prompts=[]) for name, r in scripts.items()
        }

    def __call__(self, model: str, settings: LLMSettings) -> BaseChatModel:
        return self.models[model]

    def prompts(self, model: str) -> list[str]:
        return self.models[model].prompts

    def __iter__(self) -> Iterator[str]:
        return iter(self.models)


def fenced(lang: str, body: str) -> str:
    return f"Here you go.\n```{lang}\n{body.strip()}\n```\n"


PROPOSAL = fenced(
    "json",
    '{"task-name": "put-blue-block-in-yellow-bowl", "task-description": "Put the blue block in '
    'the yellow bowl.", "assets-used": ["block/block.urdf", "bowl/bowl.urdf"]}',
)

GOOD_CODE = '''
import numpy as np
from cliport.tasks.task import Task


class PutBlueBlockInYellowBowl(Task):
    """Put the blue block in the yellow bowl."""

    def __init__(self):
        super().__init__()
        self.max_steps = 3
        self.lang_template = "put the blue block in the yellow bowl"
        self.task_completed_desc = "done."
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        bowl_pose = self.get_random_pose(env, (0.12, 0.12, 0))
        env.add_object("BOWL_ASSET", bowl_pose, "fixed", color="yellow")
        block = env.add_object("block/block.urdf", self.get_random_pose(env, (0.04, 0.04, 0.04)),
                               color="blue")
        self.add_goal(objs=[block], matches=np.ones((1, 1)), targ_poses=[bowl_pose],
                      replace=False, rotations=False, metric="pose", params=None,
                      step_max_reward=1.0, language_goal=self.lang_template)
'''


def task_code(bowl_asset: str = "bowl/bowl.urdf") -> str:
    """The scripted task program; a wrong ``bowl_asset`` makes it fail at reset."""
    return GOOD_CODE.replace("BOWL_ASSET", bowl_asset)


BROKEN_ASSET = "bowl/bowls.urdf"
ACCEPT = fenced("json", '{"reasons": "A sensible task.", "add_to_the_task_list": "True"}')
REJECT = fenced("json", '{"reasons": "Too easy.", "add_to_the_task_list": "False"}')
DIAGNOSIS = "The asset path bowl/bowls.urdf does not exist; use bowl/bowl.urdf."


def repairing_model(prompt: str, *, right_first_time: bool = False) -> str:
    """A scripted model for the whole loop, told apart by each role's prompt: it proposes
    PROPOSAL, diagnoses, and accepts; its coder names a missing asset until the validator's
    error (which names that asset) reaches its prompt, then writes the working task. With
    ``right_first_time`` its coder writes the working task at once."""
    if "You design tabletop manipulation tasks" in prompt:
        return PROPOSAL
    if "You write robot manipulation tasks" in prompt:
        fixed = "Your previous draft failed validation" in prompt and BROKEN_ASSET in prompt
        good = right_first_time or fixed
        return fenced("python", task_code() if good else task_code(BROKEN_ASSET))
    if "failed validation and tell its author" in prompt:
        return DIAGNOSIS
    if "You review robot manipulation tasks" in prompt:
        return ACCEPT
    raise AssertionError(f"unexpected prompt: {prompt[:300]}")
