"""commit: store the accepted task in the library (idempotent: the id is the code's hash)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from langgraph.runtime import Runtime

from graph.context import Context
from graph.nodes.common import coder_model, emit, ended, phase
from graph.resources import resources_for
from graph.state import CandidateState
from memory.errors import TaskNameConflictError
from memory.records import Origin, TaskRecord, ValidationSummary

#: How many ``-2``, ``-3``... suffixes to try when a sibling took the name first.
MAX_NAME_SUFFIX = 20


def commit(state: CandidateState, runtime: Runtime[Context]) -> dict[str, Any]:
    proposal, draft, report = state["proposal"], state["draft"], state["report"]
    assert proposal is not None and draft is not None and report is not None
    phase(state["candidate_id"], "working")
    resources = resources_for(runtime.context)
    model = coder_model(resources.agents)
    name = proposal.name
    with resources.write_lock:
        for suffix in range(1, MAX_NAME_SUFFIX + 1):
            record = TaskRecord.create(
                name=name,
                description=proposal.description,
                code=draft.code,
                origin=Origin.GENERATED,
                assets=tuple(proposal.assets),
                validation=ValidationSummary.from_report(report),
                model=model,
            )
            try:
                result = resources.memory.add(record)
                break
            except TaskNameConflictError:
                name = f"{proposal.name}-{suffix + 1}"
        else:
            return ended("name_taken", f"No free name for '{proposal.name}' in the library.")
    stored = result.record
    path = resources.memory.code_file(stored)
    picture = state.get("picture")
    if picture and Path(picture).is_file():
        # Beside the task file, under the stored name: what `make run` points people at.
        picture = str(shutil.copyfile(picture, path.with_suffix(".png")))
    emit("committed", candidate=state["candidate_id"], name=stored.name, path=str(path))
    return {
        "proposal": proposal.model_copy(update={"name": stored.name}),
        "draft_path": str(path),
        "picture": picture,
        **ended("accepted", ""),
    }
