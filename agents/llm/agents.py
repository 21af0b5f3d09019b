"""The LLM-backed proposer, coder, reflection agent and critic."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.messages import HumanMessage

from agents.chat_models import ChatCaller
from agents.parsing import parse_json_object, parse_python_block
from agents.prompting import (
    asset_catalogue,
    coder_prompt,
    format_examples,
    format_proposal,
    format_report,
    render,
    task_api_text,
)
from agents.protocols import ProposalRequest, Submission
from agents.schemas import CodeDraft, Diagnosis, ExampleTask, TaskProposal, Verdict
from simenv.validation_report import ValidationReport

PROPOSAL_KEYS = ("task-name", "task-description", "assets-used")
VERDICT_KEYS = ("reasons", "add_to_the_task_list")


class LLMAgent:
    """Shared plumbing: the role's guarded chat model (usage goes to the active meter)."""

    def __init__(self, caller: ChatCaller) -> None:
        self.caller = caller
        self.name = f"llm:{caller.model_name}"

    def ask(self, prompt: str, parse: Any) -> Any:
        return self.caller.ask([HumanMessage(content=prompt)], parse)


def parse_proposal(text: str) -> TaskProposal:
    return TaskProposal.model_validate(parse_json_object(text, PROPOSAL_KEYS))


class LLMProposer(LLMAgent):
    def propose(self, request: ProposalRequest) -> TaskProposal:
        if request.mode == "target":
            instruction = render("target", target=request.target or "")
        else:
            instruction = render("explore")
        feedback = (
            f"\nYour last proposal was rejected: {request.feedback}\n" if request.feedback else ""
        )
        prompt = render(
            "proposer",
            assets=asset_catalogue(),
            examples=format_examples(request.examples),
            known_names=", ".join(request.known_names) or "(none)",
            instruction=instruction,
            feedback=feedback,
        )
        proposal: TaskProposal = self.ask(prompt, parse_proposal)
        return proposal


class LLMCoder(LLMAgent):
    def write(
        self,
        proposal: TaskProposal,
        examples: Sequence[ExampleTask],
        previous: CodeDraft | None = None,
        diagnosis: Diagnosis | None = None,
        report: ValidationReport | None = None,
    ) -> CodeDraft:
        prompt = coder_prompt(proposal, examples, previous, diagnosis, report)
        code: str = self.ask(prompt, parse_python_block)
        return CodeDraft(code=code, attempt=0 if previous is None else previous.attempt + 1)


class LLMReflector(LLMAgent):
    def diagnose(
        self, proposal: TaskProposal, draft: CodeDraft, report: ValidationReport
    ) -> Diagnosis:
        prompt = render(
            "reflection",
            task_api=task_api_text(),
            proposal=format_proposal(proposal),
            code=draft.code,
            **format_report(report),
        )
        text: str = self.ask(prompt, _prose)
        return Diagnosis(text=text)


def _prose(text: str) -> str:
    text = text.strip()
    if not text:
        raise ValueError("The answer was empty; say what to change in the program.")
    return text


def parse_verdict(text: str) -> dict[str, Any]:
    value = parse_json_object(text, VERDICT_KEYS)
    flag = str(value["add_to_the_task_list"]).strip().lower()
    if flag not in ("true", "false"):
        raise ValueError('"add_to_the_task_list" must be "True" or "False".')
    return {"accept": flag == "true", "reasons": str(value["reasons"])}


class LLMCritic(LLMAgent):
    """GenSim's task critic: reads the task, its code and its validation; says add or not."""

    stages = ("task",)

    def __init__(self, caller: ChatCaller) -> None:
        super().__init__(caller)
        self.name = "llm"

    def review(self, submission: Submission) -> Verdict:
        report = submission.report
        validation = (
            f"passed: {report.passed}, expert success rate {report.success_rate:.0%} over "
            f"{len(report.episodes)} episodes"
            if report
            else "(not validated)"
        )
        nearest = submission.nearest
        prompt = render(
            "critic",
            proposal=format_proposal(submission.proposal),
            code=submission.code or "",
            validation=validation,
            nearest=(
                f"{nearest.name} (distance {nearest.distance:.3f}): {nearest.description}"
                if nearest
                else "(the library is empty)"
            ),
        )
        value = self.ask(prompt, parse_verdict)
        return Verdict(critic=self.name, accept=value["accept"], reasons=value["reasons"])
