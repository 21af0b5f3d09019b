"""Where a run's candidates are, folded from its progress events: how many wait on the model,
are queued for a validation process, validate, or are done.

With more candidates in flight than validation processes (``--concurrency``), a run's speed
depends on what its candidates wait on; the CLI's status line shows these counts so a person
can see whether the model or the cores are the bottleneck.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

#: The status line's phases, in its order, with their words.
PHASE_WORDS = {
    "model": "waiting on the model",
    "queued": "queued for validation",
    "validating": "validating",
    "working": "working",
    "done": "done",
}


@dataclass
class Progress:
    """The last phase of each candidate seen in this process' events."""

    phases: dict[str, str] = field(default_factory=dict)

    def update(self, event: dict[str, Any]) -> bool:
        """Take one progress event; True when it moved a candidate."""
        kind, candidate = event.get("event"), event.get("candidate")
        if candidate is None:
            return False
        if kind == "phase" and event.get("phase") in PHASE_WORDS:
            new = str(event["phase"])
        elif kind == "finished":
            new = "done"
        elif kind == "candidate_started":
            new = "working"
        else:
            return False
        moved = self.phases.get(str(candidate)) != new
        self.phases[str(candidate)] = new
        return moved

    def counts(self) -> dict[str, int]:
        """Candidates per phase (every phase, zeros included)."""
        seen = Counter(self.phases.values())
        return {name: seen[name] for name in PHASE_WORDS}

    def line(self) -> str:
        """E.g. '5 waiting on the model, 1 queued for validation, 2 validating, 3 done'
        ('working' only when some are)."""
        counts = self.counts()
        return ", ".join(
            f"{count} {PHASE_WORDS[name]}"
            for name, count in counts.items()
            if count or name != "working"
        )
