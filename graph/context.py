"""Run-time settings of the generation graph (LangGraph's context schema).

Every field has a description, so LangGraph Studio shows and edits them; the CLI's flags and the
Python API fill the same dataclass.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Literal, get_args

from agents.chat_models import LLMSettings
from agents.critics.combine import ACCEPT_RULES, AcceptRule
from agents.critics.registry import DEFAULT_CRITICS
from agents.factory import AgentSettings
from agents.usage import unpriced_models
from simenv.workspace import DEFAULT_WORKSPACE

#: Default candidates in flight per validation process when a model is set.
CONCURRENCY_PER_WORKER = 4
#: Where a run's validations run (``simenv.sandbox.pool``). Not its ``in-process`` executor:
#: for ``simgen validate`` that means the unsandboxed validator, never for generated code.
ValidationExecutor = Literal["process", "ray"]


def _describe(text: str) -> dict[str, str]:
    return {"description": text}


def describe(name: str) -> str:
    """The description of a ``Context`` field: the help text of its CLI option, as Studio
    shows it, so the two never drift apart."""
    for item in fields(Context):
        if item.name == name:
            return str(item.metadata["description"])
    raise KeyError(f"Context has no field {name!r}.")


@dataclass(kw_only=True)
class Context:
    """How a generation run works: models, critics, budgets, validation, workspace."""

    workspace: str = field(
        default=str(DEFAULT_WORKSPACE),
        metadata=_describe("Folder for everything the run writes: memory/, tasks/, runs/."),
    )
    model: str | None = field(
        default=None,
        metadata=_describe(
            "Chat model for every role, e.g. 'openai:gpt-4o'. None: the offline agents."
        ),
    )
    proposer_model: str | None = field(default=None, metadata=_describe("Proposer's model."))
    coder_model: str | None = field(default=None, metadata=_describe("Coder's model."))
    critic_model: str | None = field(
        default=None,
        metadata=_describe("Model of the model critics (llm; vision needs a multimodal one)."),
    )
    reflection_model: str | None = field(
        default=None, metadata=_describe("Reflection agent's model.")
    )
    base_url: str | None = field(
        default=None,
        metadata=_describe(
            "OpenAI-compatible server (vLLM, Ollama, llama.cpp), e.g. 'http://127.0.0.1:8000/v1'."
        ),
    )
    requests_per_second: float | None = field(
        default=None, metadata=_describe("Rate limit on LLM requests, all roles together.")
    )
    critics: list[str] = field(
        default_factory=lambda: list(DEFAULT_CRITICS),
        metadata=_describe(
            "Critics by name: novelty, assets, llm (needs a model), vision (needs a multimodal "
            "model: looks at pictures of the scene), human, or a plug-in's name. Exactly these "
            "judge: a model adds no critic unless 'llm' or 'vision' is named."
        ),
    )
    vision_optional: bool = field(
        default=False,
        metadata=_describe(
            "When the vision critic's model refuses image input, go on without that critic "
            "instead of stopping the run."
        ),
    )
    accept: AcceptRule = field(
        default="all", metadata=_describe("How verdicts combine: 'all' or 'majority'.")
    )
    max_repairs: int = field(
        default=3, metadata=_describe("Reflect-and-rewrite rounds after a failed validation.")
    )
    max_proposals: int = field(
        default=3, metadata=_describe("Proposals a candidate may make before review gives up.")
    )
    max_candidates: int | None = field(
        default=None,
        metadata=_describe("Budget: candidates to try in all (default: 3 per task asked for)."),
    )
    max_cost_usd: float | None = field(
        default=None,
        metadata=_describe(
            "Budget: stop starting candidates past this cost (those in flight still finish)."
        ),
    )
    workers: int = field(
        default=1,
        metadata=_describe(
            "Validation processes: sandboxed PyBullet validations run at once (about one per "
            "core). Candidates' validations queue for them."
        ),
    )
    executor: ValidationExecutor = field(
        default="process",
        metadata=_describe(
            "Where validations run: 'process' (--workers processes on this machine) or 'ray' "
            "(--workers Ray tasks of one CPU each, on the cluster at --ray-address; the "
            "workspace must be on a file system every node shares)."
        ),
    )
    ray_address: str | None = field(
        default=None,
        metadata=_describe(
            "Ray cluster to validate on with --executor ray, e.g. '10.0.0.5:6379'. "
            "None: RAY_ADDRESS, or a cluster started on this machine by 'ray start', or a new "
            "local Ray."
        ),
    )
    concurrency: int | None = field(
        default=None,
        metadata=_describe(
            "Candidates in flight at once (waiting on the model, queued for validation, or "
            f"validating). Default: {CONCURRENCY_PER_WORKER} x workers when a model plays any "
            "role, since a candidate mostly waits on its answers while the cores idle "
            "(--rate-limit still bounds the requests); equal to workers for the offline "
            "agents, which answer at once."
        ),
    )
    episodes: int = field(default=3, metadata=_describe("Expert episodes per validation."))
    seed: int = field(default=0, metadata=_describe("First validation seed; also seeds proposals."))
    min_success: float = field(
        default=0.6, metadata=_describe("Expert success rate a task needs to pass validation.")
    )
    validation_timeout_s: float = field(
        default=120.0, metadata=_describe("Wall-clock limit of one sandboxed validation.")
    )
    examples: int = field(
        default=3, metadata=_describe("Library tasks retrieved as few-shot examples.")
    )
    pictures: bool = field(
        default=True, metadata=_describe("Render a picture of each accepted task.")
    )

    def __post_init__(self) -> None:
        self.critics = list(self.critics)
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, got {self.workers}.")
        if self.executor not in get_args(ValidationExecutor):
            raise ValueError(f"executor must be 'process' or 'ray', got {self.executor!r}.")
        if self.concurrency is not None and self.concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, got {self.concurrency}.")
        if self.accept not in ACCEPT_RULES:
            raise ValueError(f"accept must be 'all' or 'majority', got {self.accept!r}.")
        if self.max_repairs < 0:
            raise ValueError(f"max_repairs must be 0 or more, got {self.max_repairs}.")
        self._check_limits()
        settings = self.agent_settings()  # checks the critics against the models, here
        if self.max_cost_usd is not None and (unpriced := unpriced_models(settings.models())):
            raise ValueError(
                f"--max-cost needs the price of every model, and {', '.join(unpriced)} has "
                "none in agents/prices.json, so what the run spends is unknown and the budget "
                "could never stop it: add the price (US dollars per million input and output "
                "tokens) to agents/prices.json, or drop --max-cost."
            )

    def _check_limits(self) -> None:
        """Budgets, rates and validation settings out of range fail here, when the settings
        are made (by the CLI, Studio or Python), not later inside a node of a running graph."""
        if self.max_proposals < 1:
            raise ValueError(f"max_proposals must be at least 1, got {self.max_proposals}.")
        if self.max_candidates is not None and self.max_candidates < 0:
            raise ValueError(f"max_candidates must be 0 or more, got {self.max_candidates}.")
        if self.max_cost_usd is not None and self.max_cost_usd < 0:
            raise ValueError(f"max_cost_usd must be 0 or more, got {self.max_cost_usd}.")
        if self.requests_per_second is not None and self.requests_per_second <= 0:
            raise ValueError(
                f"requests_per_second must be positive, got {self.requests_per_second}."
            )
        if self.episodes < 1:
            raise ValueError(f"episodes must be at least 1, got {self.episodes}.")
        if not 0.0 <= self.min_success <= 1.0:
            raise ValueError(f"min_success must be in [0, 1], got {self.min_success}.")
        if self.validation_timeout_s <= 0:
            raise ValueError(
                f"validation_timeout_s must be positive, got {self.validation_timeout_s}."
            )
        if self.examples < 0:
            raise ValueError(f"examples must be 0 or more, got {self.examples}.")

    @property
    def workspace_path(self) -> Path:
        return Path(self.workspace)

    def agent_settings(self) -> AgentSettings:
        return AgentSettings(
            model=self.model,
            proposer_model=self.proposer_model,
            coder_model=self.coder_model,
            critic_model=self.critic_model,
            reflection_model=self.reflection_model,
            critics=tuple(self.critics),
            vision_optional=self.vision_optional,
            llm=LLMSettings(base_url=self.base_url, requests_per_second=self.requests_per_second),
        )

    @property
    def in_flight(self) -> int:
        """Candidates in flight at once: ``concurrency``, or its default (see its field).

        Resolved here rather than stored in ``__post_init__``, so a copy of these settings
        with another model or worker count gets the default that fits it."""
        if self.concurrency is not None:
            return self.concurrency
        if self.agent_settings().models():
            return CONCURRENCY_PER_WORKER * self.workers
        return self.workers

    def key(self) -> str:
        """A stable text key of these settings (resources are cached by it)."""
        return json.dumps(asdict(self), sort_keys=True)

    def candidate_budget(self, n_tasks: int) -> int:
        return self.max_candidates if self.max_candidates is not None else 3 * n_tasks
