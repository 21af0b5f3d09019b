"""``simgen generate`` takes every run setting: one option per ``Context`` field (except those
``NOT_OPTIONS`` lists, each with why), named after the field, with the field's description as
its help and the field's default; what is given reaches the run's ``Context`` unchanged."""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import pytest
import typer.main
import typer.rich_utils
from typer.core import TyperGroup, TyperOption
from typer.testing import CliRunner

from graph import cli as graph_cli
from graph.context import Context, describe
from graph.context_options import NOT_OPTIONS, OPTION_NAMES, field_default
from simgen.cli import app

#: A value other than the default for every setting, together valid (priced models for the
#: cost budget, the 'llm' critic for the critic's model). A new ``Context`` field fails
#: ``test_every_setting_is_given_here`` until it has a value here.
SETTINGS: dict[str, Any] = {
    "workspace": "elsewhere",
    "model": "openai:gpt-4o",
    "proposer_model": "openai:gpt-4o-mini",
    "coder_model": "openai:gpt-4.1",
    "critic_model": "openai:gpt-4.1-mini",
    "reflection_model": "openai:gpt-4.1-nano",
    "base_url": "http://127.0.0.1:9/v1",
    "requests_per_second": 2.5,
    "critics": ["novelty", "llm"],
    "vision_optional": True,
    "accept": "majority",
    "max_repairs": 1,
    "max_proposals": 5,
    "max_candidates": 7,
    "max_cost_usd": 1.5,
    "workers": 2,
    "executor": "ray",
    "ray_address": "127.0.0.1:6379",
    "concurrency": 3,
    "episodes": 2,
    "seed": 11,
    "min_success": 0.5,
    "validation_timeout_s": 30.0,
    "examples": 1,
    "pictures": False,
}


def generate_options() -> dict[str, TyperOption]:
    """``simgen generate``'s options as typer builds them, by parameter name."""
    group = typer.main.get_command(app)
    assert isinstance(group, TyperGroup)
    command = group.commands["generate"]
    return {p.name: p for p in command.params if isinstance(p, TyperOption) and p.name}


def option_fields() -> list[str]:
    return [item.name for item in fields(Context) if item.name not in NOT_OPTIONS]


def arguments(settings: dict[str, Any]) -> list[str]:
    """The command line that gives these settings, by each option's first name."""
    options = generate_options()
    line: list[str] = []
    for name, value in settings.items():
        option = options[name]
        if option.is_flag:
            line.append(option.opts[0] if value else option.secondary_opts[0])
        elif isinstance(value, list):
            line += [item for entry in value for item in (option.opts[0], str(entry))]
        else:
            line += [option.opts[0], str(value)]
    return line


@pytest.fixture
def contexts(monkeypatch: pytest.MonkeyPatch) -> list[Context]:
    """The ``Context`` each ``simgen generate`` run gets, collected instead of running."""
    seen: list[Context] = []

    def run(*args: Any, context: Context, **kwargs: Any) -> dict[str, Any]:
        seen.append(context)
        return {"accepted": [], "rejected": []}

    monkeypatch.setattr(graph_cli, "run", run)
    return seen


def test_every_setting_is_given_here() -> None:
    assert sorted(SETTINGS) == sorted(option_fields())


def test_every_setting_is_an_option_named_and_helped_by_its_field() -> None:
    options = generate_options()
    for item in fields(Context):
        if item.name in NOT_OPTIONS:
            assert item.name not in options, f"{item.name} is listed as no option"
            continue
        option = options[item.name]
        assert option.help == describe(item.name), item.name
        assert option.default == field_default(item), item.name
        own_name = "--" + item.name.replace("_", "-")
        assert own_name in option.opts or item.name in OPTION_NAMES, (item.name, option.opts)


def test_every_exception_says_why() -> None:
    field_names = {item.name for item in fields(Context)}
    for name, why in {**NOT_OPTIONS, **OPTION_NAMES}.items():
        assert name in field_names and why, name


def test_the_help_lists_every_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(typer.rich_utils, "MAX_WIDTH", 400)  # no option name cut short
    result = CliRunner().invoke(app, ["generate", "--help"])
    assert result.exit_code == 0, result.output
    for name in option_fields():
        assert generate_options()[name].opts[0] in result.output, name


def test_every_setting_given_on_the_command_line_reaches_the_run(
    contexts: list[Context], tmp_path: Path
) -> None:
    settings = {**SETTINGS, "workspace": str(tmp_path / "elsewhere")}
    result = CliRunner().invoke(app, ["generate", "--json", *arguments(settings)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"accepted": [], "rejected": []}
    [context] = contexts
    assert asdict(context) == settings


def test_no_setting_given_is_the_fields_default(contexts: list[Context]) -> None:
    result = CliRunner().invoke(app, ["generate", "--json"])
    assert result.exit_code == 0, result.output
    assert contexts == [Context()]


def test_the_shorter_names_still_work(contexts: list[Context]) -> None:
    line = ["--model", "openai:gpt-4o", "--rate-limit", "2", "--max-cost", "1"]
    result = CliRunner().invoke(app, ["generate", "--json", *line])
    assert result.exit_code == 0, result.output
    [context] = contexts
    assert (context.requests_per_second, context.max_cost_usd) == (2.0, 1.0)


def test_a_setting_out_of_range_is_a_usage_error_naming_it(contexts: list[Context]) -> None:
    result = CliRunner().invoke(app, ["generate", "--max-proposals", "0"])
    assert result.exit_code == 2
    assert "max_proposals must be at least 1, got 0" in result.output
    assert contexts == []
