"""The offline coder: writes the program of a spec, and rewrites it from a diagnosis."""

from __future__ import annotations

from collections.abc import Sequence

from agents.offline.grammar import TaskSpec
from agents.offline.proposer import proposal_for
from agents.offline.writer import write_task
from agents.protocols import UnwritableProposal
from agents.schemas import CodeDraft, Diagnosis, ExampleTask, TaskProposal
from simenv.validation_report import ValidationReport


class OfflineCoderError(UnwritableProposal):
    """The offline coder was handed a proposal it cannot write (one without a spec)."""


class OfflineCoder:
    """Writes task programs from the grammar's templates.

    It can only write what the offline proposer proposed (a proposal carrying a ``spec``); a
    diagnosis' ``changes`` are applied to the spec, and the draft then carries the revised
    proposal, since its name and description spell out the counts that changed.
    """

    name = "offline"

    def write(
        self,
        proposal: TaskProposal,
        examples: Sequence[ExampleTask],
        previous: CodeDraft | None = None,
        diagnosis: Diagnosis | None = None,
        report: ValidationReport | None = None,
    ) -> CodeDraft:
        if proposal.spec is None and (previous is None or previous.revised is None):
            raise OfflineCoderError(
                f"The offline coder writes only tasks the offline proposer composed; "
                f"'{proposal.name}' has no spec. Give the coder a model (--coder-model)."
            )
        if previous is not None and previous.revised is not None:
            proposal = previous.revised
        spec = TaskSpec.model_validate(proposal.spec)
        if diagnosis is not None and diagnosis.changes:
            spec = TaskSpec.model_validate({**spec.model_dump(), **diagnosis.changes})
        revised = proposal_for(spec)
        attempt = 0 if previous is None else previous.attempt + 1
        return CodeDraft(
            code=write_task(revised.name, spec),
            attempt=attempt,
            revised=revised if revised != proposal else None,
        )
