"""The graph's one call into the sandboxed validator (``simenv.sandbox``).

Generated code is untrusted: it is only ever validated in the sandbox, never imported here.
"""

from __future__ import annotations

from pathlib import Path

from graph.context import Context
from simenv.report import ValidationReport
from simenv.sandbox.runner import validate_isolated
from simenv.settings import ValidationSettings


def validate_draft(path: Path, context: Context) -> ValidationReport:
    """Validate a draft task file in the sandbox with the run's settings."""
    settings = ValidationSettings(
        episodes=context.episodes,
        seed=context.seed,
        min_success=context.min_success,
        timeout=context.validation_timeout_s,
    )
    return validate_isolated(path, settings)
