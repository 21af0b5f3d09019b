"""The vision critic: a multimodal model looks at pictures of the scene a validated task builds.

Validation says the expert can solve the task; it cannot say that the scene matches the
instruction (objects off the table, a "stack" that is a row, colours the instruction does not
name). This critic sends the instruction, the goals as text, and the judge process's pictures
(first scene and after the expert's episode, top-down and front) as standard image content
parts (base64 PNG data URLs), so any OpenAI-compatible vision model works. It answers in the
LLM critic's verdict format, read by the same parser.
"""

from __future__ import annotations

import base64
import logging
import re
from pathlib import Path
from typing import Any

import openai
from langchain_core.messages import HumanMessage

from agents.chat_models import AgentFailure, ChatCaller, ModelConfigError
from agents.llm.agents import parse_verdict
from agents.prompting import format_proposal, render
from agents.protocols import CriticUnavailable, Submission
from agents.schemas import Verdict

log = logging.getLogger(__name__)

#: What an API error about image input says (OpenAI, vLLM, Ollama, llama.cpp word it
#: differently); matched only on a client error (4xx), never on a transient one.
IMAGE_REFUSAL = re.compile(
    r"image|multimodal|multi-modal|vision|content (part|type)|invalid content|"
    r"unsupported content",
    re.IGNORECASE,
)
#: Client errors that are about the request, not the key, the model's name or the rate.
REQUEST_ERRORS = (400, 415, 422)
#: What each picture shows, by the file name the judge process gives it (``VIEW_NAMES``).
VIEW_CAPTIONS = {
    "first-top": "the first scene, from above (the robot is at the bottom edge)",
    "first-front": "the first scene, from the front (the robot is at the back)",
    "after-top": "the scene after the expert's episode, from above",
    "after-front": "the scene after the expert's episode, from the front",
}


class VisionUnsupported(ModelConfigError):
    """The vision critic's model refused the pictures: it does not take image input."""


def image_part(path: Path) -> dict[str, Any]:
    """A PNG file as an OpenAI-style image content part (a base64 data URL)."""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{data}"}}


def caption(path: Path) -> str:
    return VIEW_CAPTIONS.get(path.stem, path.stem)


def vision_message(submission: Submission) -> HumanMessage:
    """The prompt (``prompts/vision_critic.md``) followed by each picture, captioned."""
    pictures = [Path(p) for p in submission.pictures]
    listing = "\n".join(f"{n}. {caption(p)}" for n, p in enumerate(pictures, start=1))
    prompt = render(
        "vision_critic",
        proposal=format_proposal(submission.proposal),
        goals="\n".join(f"- {g}" for g in submission.goals) or "(not recorded)",
        pictures=listing,
    )
    content: list[str | dict[str, Any]] = [{"type": "text", "text": prompt}]
    for number, path in enumerate(pictures, start=1):
        content.append({"type": "text", "text": f"Picture {number}: {caption(path)}"})
        content.append(image_part(path))
    return HumanMessage(content=content)


def refused_images(exc: AgentFailure) -> bool:
    """Whether a failed call was the server refusing image input (a 4xx naming images or
    multimodal content), as opposed to a network error or an unusable answer."""
    cause = exc.__cause__
    return (
        isinstance(cause, openai.APIStatusError)
        and cause.status_code in REQUEST_ERRORS
        and IMAGE_REFUSAL.search(str(cause)) is not None
    )


def refusal_message(model: str, exc: AgentFailure) -> str:
    return (
        f"--critic vision: the model {model} refused the pictures ({exc}). The vision critic "
        "needs a multimodal model that takes image input (e.g. openai:gpt-4o, or a "
        "vision-language model on a vLLM server): set it with --critic-model, or pass "
        "--vision-optional to go on without the vision critic."
    )


class VisionCritic:
    """Looks at the pictures of a validated task's scene and says add or not.

    ``optional``: when the model refuses image input, go on without this critic (it then
    raises ``CriticUnavailable`` on every review, and the graph counts no verdict of it)
    instead of stopping the run with ``VisionUnsupported``.
    """

    name = "vision"
    stages = ("task",)

    def __init__(self, caller: ChatCaller, optional: bool = False) -> None:
        self.caller = caller
        self.optional = optional
        self.unavailable: str | None = None

    def review(self, submission: Submission) -> Verdict:
        if self.unavailable is not None:
            raise CriticUnavailable(self.unavailable)
        if not submission.pictures:
            return Verdict(
                critic=self.name,
                accept=False,
                reasons="No pictures of the scene could be drawn from its record, so it "
                "could not be looked at.",
            )
        try:
            value = self.caller.ask([vision_message(submission)], parse_verdict)
        except AgentFailure as exc:
            if not refused_images(exc):
                raise
            message = refusal_message(self.caller.model_name, exc)
            if not self.optional:
                raise VisionUnsupported(message) from exc
            self.unavailable = message
            log.warning("%s Going on without it (--vision-optional).", message)
            raise CriticUnavailable(message) from exc
        return Verdict(
            critic=self.name,
            accept=value["accept"],
            reasons=value["reasons"],
            pictures=list(submission.pictures),
        )
