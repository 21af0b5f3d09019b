"""``Context`` as command-line options: one option per field, named after the field, with its
default and with its description as the help.

``simgen generate`` takes its run settings this way, so the command line sets exactly what
LangGraph Studio and Python set, and a field added to ``Context`` is an option without another
line here. Only where an option's form differs from the field's does this module say so.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import MISSING, Field, fields
from typing import Annotated, Any, cast, get_type_hints

import typer

from graph.context import Context

#: Fields the command line does not set, each with why. None today: every setting of a run is
#: an option. (A field listed here is still set from Studio and Python.)
NOT_OPTIONS: dict[str, str] = {}

#: Options whose names differ from ``--<field-name>``: a list is one option given once per item
#: (``--critic novelty --critic llm``); two settings keep the shorter names the command had
#: before its options were derived (scripts and the README use them), after the field's own.
OPTION_NAMES: dict[str, tuple[str, ...]] = {
    "critics": ("--critic",),
    "requests_per_second": ("--requests-per-second", "--rate-limit"),
    "max_cost_usd": ("--max-cost-usd", "--max-cost"),
}

#: The parameter of a command that receives the settings (see ``with_context_options``).
CONTEXT_PARAMETER = "context"


def option_fields() -> list[Field[Any]]:
    """The ``Context`` fields that are command-line options, in the dataclass's order."""
    return [item for item in fields(Context) if item.name not in NOT_OPTIONS]


def field_default(item: Field[Any]) -> Any:
    """A field's default (its factory called, for a list), which the option shows in its help."""
    if item.default_factory is not MISSING:
        return item.default_factory()
    return item.default


def option_parameter(item: Field[Any], annotation: Any) -> inspect.Parameter:
    """The keyword parameter typer reads one option from: the field's type and default, its
    description as help, and the names of ``OPTION_NAMES`` where it has some."""
    option = typer.Option(*OPTION_NAMES.get(item.name, ()), help=item.metadata["description"])
    return inspect.Parameter(
        item.name,
        inspect.Parameter.KEYWORD_ONLY,
        annotation=Annotated[annotation, option],
        default=field_default(item),
    )


def context_parameters() -> list[inspect.Parameter]:
    """One parameter per option field of ``Context``."""
    types = get_type_hints(Context)
    return [option_parameter(item, types[item.name]) for item in option_fields()]


def with_context_options(command: Callable[..., None]) -> Callable[..., None]:
    """A typer command taking ``context: Context`` becomes one taking an option per setting.

    The returned function's signature is the command's own options followed by the settings
    (typer builds the command from it); called, it makes the ``Context`` from the settings and
    passes it on. Settings out of range fail as a usage error that names the setting, with the
    message ``Context`` gives Studio and Python."""
    own = inspect.signature(command, eval_str=True)
    if CONTEXT_PARAMETER not in own.parameters:
        raise TypeError(f"{command.__name__} takes no {CONTEXT_PARAMETER!r} parameter.")
    names = [item.name for item in option_fields()]

    @functools.wraps(command)
    def with_settings(**options: Any) -> None:
        settings = {name: options.pop(name) for name in names}
        try:
            context = Context(**settings)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from exc
        command(**options, **{CONTEXT_PARAMETER: context})

    parameters = [p for p in own.parameters.values() if p.name != CONTEXT_PARAMETER]
    signature = own.replace(parameters=[*parameters, *context_parameters()])
    # typer reads the signature; the annotations follow it so that nothing reads the wrapped
    # command's (which name ``context``, not the options).
    cast(Any, with_settings).__signature__ = signature
    with_settings.__annotations__ = {p.name: p.annotation for p in signature.parameters.values()}
    return with_settings
