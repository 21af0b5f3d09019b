"""``cliport.*`` import aliases, so task files written for CLIPort / Ravens / GenSim run as is.

The aliases are an import hook (a meta-path finder) that maps each ``cliport`` name to its
``simenv`` module; nothing named ``cliport`` is installed into site-packages. The hook is
installed when task code is loaded (``cliport_aliases()``) and stays for the process, so a
task that imports lazily inside a method still resolves.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
from collections.abc import Sequence

from simenv.task import Task

#: alias -> real module; aliases not listed here that end a package path are namespaces.
ALIASES: dict[str, str] = {
    "cliport.tasks.task": "simenv.task",
    "cliport.tasks.primitives": "simenv.primitives",
    "cliport.tasks.grippers": "simenv.grippers",
    "cliport.utils.utils": "simenv.utils",
    "cliport.tasks.cameras": "simenv.cameras",
}
PACKAGES = ("cliport", "cliport.tasks", "cliport.utils")


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, fullname: str) -> None:
        self.fullname = fullname

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        if self.fullname in ALIASES:
            return importlib.import_module(ALIASES[self.fullname])
        module = types.ModuleType(self.fullname, f"simenv alias package {self.fullname}")
        module.__path__ = []
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        if self.fullname in ALIASES:
            return
        # Make `from cliport.tasks import primitives` work by exposing children as attributes.
        prefix = self.fullname + "."
        for alias in ALIASES:
            if alias.startswith(prefix) and "." not in alias[len(prefix) :]:
                setattr(module, alias[len(prefix) :], importlib.import_module(ALIASES[alias]))
        if self.fullname == "cliport.tasks":
            module.Task = Task  # type: ignore[attr-defined]


class CliportAliasFinder(importlib.abc.MetaPathFinder):
    """Finds ``cliport.*`` names and serves the matching ``simenv`` modules."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname in ALIASES or fullname in PACKAGES:
            return importlib.machinery.ModuleSpec(
                fullname, _AliasLoader(fullname), is_package=fullname in PACKAGES
            )
        return None


def cliport_aliases() -> None:
    """Install the alias hook once per process."""
    if not any(isinstance(f, CliportAliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, CliportAliasFinder())
