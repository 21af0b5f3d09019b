"""Token use and cost: read from each response's ``usage_metadata``, summed per role and task.

Prices live in one data file, ``prices.json`` beside this module. A model that is not listed
is counted in tokens and its cost is None ("unpriced"): unknown, not free, so a sum that
includes it is unknown too, and charts and tables say so instead of showing it as the cheapest.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from importlib import resources
from typing import Any

from pydantic import BaseModel


class Usage(BaseModel):
    """Tokens and cost of one or more LLM calls."""

    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    #: US dollars; None when a call's model has no price in ``prices.json`` (unknown).
    cost_usd: float | None = 0.0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            calls=self.calls + other.calls,
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            total_tokens=self.total_tokens + other.total_tokens,
            cost_usd=add_costs(self.cost_usd, other.cost_usd),
        )


def add_costs(left: float | None, right: float | None) -> float | None:
    """The sum of two costs; unknown (None) when either is: a sum that skipped an unpriced
    call would understate what was spent."""
    return None if left is None or right is None else round(left + right, 8)


def format_cost(cost: float | None, digits: int = 4) -> str:
    """A cost as tables and pages print it: ``$0.0123``, or ``unpriced`` when unknown."""
    return "unpriced" if cost is None else f"${cost:.{digits}f}"


@cache
def price_table() -> dict[str, dict[str, float]]:
    """Model name -> {"input", "output"} dollars per million tokens."""
    text = resources.files("agents").joinpath("prices.json").read_text(encoding="utf-8")
    return {k: v for k, v in json.loads(text).items() if not k.startswith("_")}


def model_price(model: str) -> dict[str, float] | None:
    """The price of a model, matched by its bare name (``openai:gpt-4o`` -> ``gpt-4o``); a
    dated snapshot (``gpt-4o-2024-08-06``) takes its family's price."""
    bare = model.split(":", 1)[-1]
    table = price_table()
    if bare in table:
        return table[bare]
    family = max((k for k in table if bare.startswith(k + "-")), key=len, default=None)
    return table[family] if family else None


def unpriced_models(models: Iterable[str]) -> list[str]:
    """The models without a price (their cost would be None), in the order given."""
    return [m for m in models if model_price(m) is None]


def usage_from_response(message: Any, model: str) -> Usage:
    """The usage of one chat response (zero tokens when the server reported none; cost None
    when the model has no price)."""
    meta = getattr(message, "usage_metadata", None) or {}
    inp = int(meta.get("input_tokens", 0) or 0)
    out = int(meta.get("output_tokens", 0) or 0)
    total = int(meta.get("total_tokens", 0) or (inp + out))
    price = model_price(model)
    cost = None if price is None else (inp * price["input"] + out * price["output"]) / 1e6
    return Usage(calls=1, input_tokens=inp, output_tokens=out, total_tokens=total, cost_usd=cost)


def add_usage(left: dict[str, Usage] | None, right: dict[str, Usage] | None) -> dict[str, Usage]:
    """Reducer for per-role usage maps written by parallel graph branches."""
    merged = dict(left or {})
    for role, usage in (right or {}).items():
        merged[role] = merged[role] + usage if role in merged else usage
    return merged


def total_usage(by_role: dict[str, Usage]) -> Usage:
    total = Usage()
    for usage in by_role.values():
        total = total + usage
    return total


class UsageMeter:
    """Collects the usage of the LLM calls made while it is active (see ``metering``)."""

    def __init__(self) -> None:
        self.total = Usage()

    def add(self, usage: Usage) -> None:
        self.total = self.total + usage


_ACTIVE_METER: ContextVar[UsageMeter | None] = ContextVar("simgen_usage_meter", default=None)


@contextmanager
def metering() -> Iterator[UsageMeter]:
    """Count the usage of every LLM call made inside the block, in this context only.

    A context variable, not a shared counter: parallel graph branches each see their own meter.
    """
    meter = UsageMeter()
    token = _ACTIVE_METER.set(meter)
    try:
        yield meter
    finally:
        _ACTIVE_METER.reset(token)


def record_usage(usage: Usage) -> None:
    meter = _ACTIVE_METER.get()
    if meter is not None:
        meter.add(usage)
