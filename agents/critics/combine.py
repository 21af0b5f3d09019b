"""How several verdicts become one decision."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from agents.schemas import Verdict

AcceptRule = Literal["all", "majority"]
ACCEPT_RULES: tuple[str, ...] = ("all", "majority")


def combine(verdicts: Sequence[Verdict], rule: AcceptRule = "all") -> bool:
    """``all``: every critic accepts. ``majority``: more accept than reject. No critic: accept."""
    if not verdicts:
        return True
    accepted = sum(v.accept for v in verdicts)
    if rule == "all":
        return accepted == len(verdicts)
    if rule == "majority":
        return accepted * 2 > len(verdicts)
    raise ValueError(f"Unknown accept rule {rule!r}; use one of {', '.join(ACCEPT_RULES)}.")


def rejection_reasons(verdicts: Sequence[Verdict]) -> str:
    return "; ".join(f"{v.critic}: {v.reasons}" for v in verdicts if not v.accept)
