"""``Context`` refuses settings a run could not keep, when it is made, with a message that
names the setting, the value given and what would do instead."""

from __future__ import annotations

from typing import Any

import pytest

from graph.context import Context, describe


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"workers": 0}, "workers must be at least 1, got 0"),
        ({"concurrency": 0}, "concurrency must be at least 1, got 0"),
        ({"accept": "most"}, "accept must be 'all' or 'majority', got 'most'"),
        ({"max_repairs": -1}, "max_repairs must be 0 or more, got -1"),
        ({"max_proposals": 0}, "max_proposals must be at least 1, got 0"),
        ({"max_candidates": -2}, "max_candidates must be 0 or more, got -2"),
        ({"max_cost_usd": -0.5}, "max_cost_usd must be 0 or more, got -0.5"),
        ({"requests_per_second": 0.0}, "requests_per_second must be positive, got 0.0"),
        ({"episodes": 0}, "episodes must be at least 1, got 0"),
        ({"min_success": 1.5}, r"min_success must be in \[0, 1\], got 1.5"),
        ({"validation_timeout_s": 0.0}, "validation_timeout_s must be positive, got 0.0"),
        ({"examples": -1}, "examples must be 0 or more, got -1"),
    ],
    ids=lambda value: next(iter(value)) if isinstance(value, dict) else "",
)
def test_out_of_range_values_name_the_setting(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Context(**settings)


def test_the_llm_critic_without_a_model_says_how_to_give_one() -> None:
    with pytest.raises(ValueError, match="The 'llm' critic needs a model: pass --critic-model"):
        Context(critics=["novelty", "llm"])


def test_a_critic_model_without_the_llm_critic_is_refused() -> None:
    with pytest.raises(ValueError, match="would judge nothing: add --critic llm"):
        Context(critic_model="openai:gpt-4o", critics=["novelty"])


def test_a_cost_budget_needs_every_model_priced() -> None:
    with pytest.raises(ValueError, match="openai:local-llama has none in agents/prices.json"):
        Context(model="openai:local-llama", max_cost_usd=1.0)


def test_limits_at_their_edges_are_accepted() -> None:
    context = Context(
        max_repairs=0,
        max_proposals=1,
        max_candidates=0,
        max_cost_usd=0.0,
        model="openai:gpt-4o",
        episodes=1,
        min_success=0.0,
        examples=0,
    )
    assert context.candidate_budget(5) == 0
    assert Context(min_success=1.0).min_success == 1.0


def test_describe_reads_a_field_and_names_an_unknown_one() -> None:
    assert describe("workers").startswith("Validation processes")
    with pytest.raises(KeyError, match="Context has no field 'worker'"):
        describe("worker")
