"""The benchmark's figures from candidate records."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from experiments.metrics import asset_overlap_diversity, code_rates, embedding_diversity, score
from graph.state import CandidateResult, DraftRecord
from graph.summary import RunTotals
from memory.embedding import MiniLMEmbeddingFunction


def candidate(*stages: str, accepted: bool = False, assets: Sequence[str] = ()) -> CandidateResult:
    drafts = [
        DraftRecord(attempt=i, path=f"d{i}.py", stage=s, passed=s == "passed")
        for i, s in enumerate(stages)
    ]
    return CandidateResult(
        candidate_id=f"c{len(stages)}",
        name="-".join(assets) or "t",
        description="a task",
        assets=list(assets),
        accepted=accepted,
        stage="committed" if accepted else (stages[-1] if stages else "review"),
        repairs=max(len(stages) - 1, 0),
        drafts=drafts,
    )


def test_code_rates_read_the_last_draft_of_candidates_with_code() -> None:
    candidates = [
        candidate("parse"),
        candidate("import", "build"),  # repaired past import: syntax ok, runtime not
        candidate("reset", "success"),  # runs, but the expert fails
        candidate("build", "passed", accepted=True),
        candidate(),  # turned down at review: no code, not counted
    ]
    assert code_rates(candidates) == {
        "syntax_pass_rate": 0.75,
        "runtime_pass_rate": 0.5,
        "completion_rate": 0.25,
    }


def test_asset_overlap_is_gensims_mean_pairwise_one_minus_iou() -> None:
    assert asset_overlap_diversity([["a", "b"], ["a", "b"]]) == 0.0
    assert asset_overlap_diversity([["a"], ["b"]]) == 1.0
    # pairs: {a,b}-{b,c}: 1 - 1/3; {a,b}-{c}: 1; {b,c}-{c}: 1 - 1/2
    expected = round(((1 - 1 / 3) + 1 + 0.5) / 3, 4)
    assert asset_overlap_diversity([["a", "b"], ["b", "c"], ["c"]]) == expected
    assert asset_overlap_diversity([["a"]]) is None


def test_embedding_diversity_is_the_mean_pairwise_cosine_distance() -> None:
    vectors = {"x": [1.0, 0.0], "y": [0.0, 2.0], "z": [1.0, 1.0]}

    def embed(texts: Sequence[str]) -> list[list[float]]:
        return [vectors[t] for t in texts]

    half = 1 - 1 / np.sqrt(2)
    assert embedding_diversity(["x", "y", "z"], embed) == pytest.approx((1 + 2 * half) / 3, 1e-3)
    model = MiniLMEmbeddingFunction().embed_texts
    same = embedding_diversity(["stack three blocks", "stack three blocks"], model)
    different = embedding_diversity(["stack three blocks", "wipe the table with a rope"], model)
    assert same is not None and different is not None and same < 0.01 < different


def test_per_accepted_figures_are_none_when_nothing_was_accepted() -> None:
    row = score([candidate("reset")], RunTotals(calls=4, tokens=100, seconds=3.0), lambda t: [])
    assert row["acceptance_rate"] == 0.0 and row["llm_calls"] == 4
    assert row["calls_per_accepted"] is None and row["asset_diversity"] is None
