"""What the LLM benchmark measures, computed from the run summaries the graph writes.

GenSim's three code metrics, per candidate that got code, on its last draft:

- **syntax**: the program parses and imports (its last draft got past the ``import`` stage);
- **runtime**: it builds its scene and the expert's episodes run without an error (past
  ``episodes``);
- **completion**: the expert succeeds often enough (the draft passed validation).

With repair rounds on, the last draft is the one the reflection loop ended with; with repair
rounds off it is the first draft, so the two runs side by side show what reflection gains.
Acceptance counts every candidate, including proposals the critics turned down before any code.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from graph.state import CandidateResult
from graph.summary import RunTotals
from memory.embedding import embedding_text
from simenv.validation_report import Stage

#: The figures that are money: None in them means unpriced when the row's ``cost_usd`` is None.
COST_FIGURES: tuple[str, ...] = ("cost_usd", "cost_per_accepted_usd")
#: Embeds texts as unit-length vectors (``MiniLMEmbeddingFunction.embed_texts`` in practice).
Embedder = Callable[[Sequence[str]], Any]


def _rate(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def _per(value: float | None, count: int, digits: int = 2) -> float | None:
    """``value`` per item; None with no item, or when the value itself is unknown (an
    unpriced model's cost)."""
    return round(value / count, digits) if count and value is not None else None


def last_stage(candidate: CandidateResult) -> Stage | None:
    """The stage the candidate's last draft reached (None: no code was written)."""
    return Stage(candidate.drafts[-1].stage) if candidate.drafts else None


def code_rates(candidates: Sequence[CandidateResult]) -> dict[str, float | None]:
    """GenSim's syntax, runtime and completion rates over the candidates that got code."""
    stages = [s for s in (last_stage(c) for c in candidates) if s is not None]
    return {
        "syntax_pass_rate": _rate(sum(s.got_past(Stage.IMPORT) for s in stages), len(stages)),
        "runtime_pass_rate": _rate(sum(s.got_past(Stage.EPISODES) for s in stages), len(stages)),
        "completion_rate": _rate(sum(s is Stage.PASSED for s in stages), len(stages)),
    }


def asset_overlap_diversity(asset_sets: Sequence[Sequence[str]]) -> float | None:
    """GenSim's diversity score: the mean over pairs of tasks of 1 - IoU of their asset sets.

    0 when every task uses the same assets, 1 when no two share one; None with fewer than
    two tasks (no pair to compare).
    """
    pairs = list(itertools.combinations([set(a) for a in asset_sets], 2))
    if not pairs:
        return None
    scores = [1.0 - len(a & b) / len(a | b) if a | b else 0.0 for a, b in pairs]
    return round(float(np.mean(scores)), 4)


def embedding_diversity(texts: Sequence[str], embed: Embedder) -> float | None:
    """The mean pairwise cosine distance between the texts' embeddings (None below two)."""
    if len(texts) < 2:
        return None
    vectors = np.asarray(embed(list(texts)), dtype=np.float64)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    similarity = vectors @ vectors.T
    upper = np.triu_indices(len(texts), k=1)
    return round(float(np.mean(1.0 - similarity[upper])), 4)


def vision_rejected_after_validation_rate(
    candidates: Sequence[CandidateResult],
) -> float | None:
    """How often the vision critic disagreed with the validator: of the candidates that passed
    validation and were looked at (``--critic vision``), the share it rejected. None when it
    looked at none (not asked for, or nothing passed)."""
    looked = [v for c in candidates for v in c.verdicts if v.critic == "vision"]
    return _rate(sum(not v.accept for v in looked), len(looked))


def score(
    candidates: Sequence[CandidateResult], totals: RunTotals, embed: Embedder
) -> dict[str, float | int | None]:
    """Every benchmark figure for one model and setting (None where there is nothing to
    divide by, e.g. cost per accepted task when none was accepted, and for the cost of an
    unpriced model)."""
    accepted = [c for c in candidates if c.accepted]
    n = len(accepted)
    texts = [embedding_text(c.name or "", c.description or "", c.assets) for c in accepted]
    return {
        "candidates": len(candidates),
        "coded": sum(bool(c.drafts) for c in candidates),
        "accepted": n,
        **code_rates(candidates),
        "acceptance_rate": _rate(n, len(candidates)),
        "vision_rejected_after_validation_rate": vision_rejected_after_validation_rate(candidates),
        "repairs_per_accepted": _per(sum(c.repairs for c in accepted), n),
        "llm_calls": totals.calls,
        "tokens": totals.tokens,
        "cost_usd": None if totals.cost_usd is None else round(totals.cost_usd, 6),
        "seconds": round(totals.seconds, 2),
        "calls_per_accepted": _per(totals.calls, n),
        "tokens_per_accepted": _per(totals.tokens, n, 1),
        "cost_per_accepted_usd": _per(totals.cost_usd, n, 6),
        "seconds_per_accepted": _per(totals.seconds, n),
        "asset_diversity": asset_overlap_diversity([c.assets for c in accepted]),
        "embedding_diversity": embedding_diversity(texts, embed),
    }
