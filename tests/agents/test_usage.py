"""Cost accounting: tokens times the price in ``agents/prices.json``; a model without a price
costs None (unknown), never 0.0, and any sum that includes it is unknown too."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from langchain_core.messages import AIMessage

from agents.usage import Usage, format_cost, total_usage, unpriced_models, usage_from_response


def reply(input_tokens: int, output_tokens: int) -> AIMessage:
    return AIMessage(
        content="ok",
        usage_metadata={
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "total_tokens": input_tokens + output_tokens,
        },
    )


def listed_price(model: str) -> dict[str, float]:
    """The price as the data file states it, read here without the code under test."""
    text = resources.files("agents").joinpath("prices.json").read_text(encoding="utf-8")
    price: dict[str, float] = json.loads(text)[model]
    return price


def test_cost_is_tokens_times_the_listed_price() -> None:
    price = listed_price("gpt-4o")
    usage = usage_from_response(reply(1200, 300), "openai:gpt-4o")
    expected = (1200 * price["input"] + 300 * price["output"]) / 1e6
    assert usage.cost_usd == pytest.approx(expected) and expected > 0
    # A dated snapshot takes its family's price.
    assert usage_from_response(reply(1200, 300), "openai:gpt-4o-2024-08-06") == usage


def test_an_unpriced_model_costs_unknown_not_zero() -> None:
    usage = usage_from_response(reply(1200, 300), "openai:my-local-qwen")
    assert usage.cost_usd is None
    assert (usage.input_tokens, usage.output_tokens) == (1200, 300)
    priced = usage_from_response(reply(10, 10), "openai:gpt-4o")
    assert (priced + usage).cost_usd is None and (usage + priced).cost_usd is None
    assert total_usage({"coder": priced, "critic": usage}).cost_usd is None
    assert json.loads(usage.model_dump_json())["cost_usd"] is None
    assert unpriced_models(["openai:gpt-4o", "openai:my-local-qwen"]) == ["openai:my-local-qwen"]


def test_no_calls_cost_nothing_and_costs_print_as_people_read_them() -> None:
    assert Usage().cost_usd == 0.0
    assert format_cost(None) == "unpriced"
    assert format_cost(0.01234) == "$0.0123"
