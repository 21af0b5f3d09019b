"""What task code gets when it imports ``os`` or ``IPython``: a restricted ``os``, a stub IPython.

GenSim's corpus imports ``os`` in 149 of 165 files, only to write
``os.path.join(self.assets_root, ...)``, and ``IPython`` in two (a leftover ``embed()``). The
loader executes task modules with ``task_builtins()``, whose ``__import__`` answers these names
with the modules below; every other import goes to Python's own ``__import__`` (the sandbox's
static check has already limited what those can be).

- ``os``: ``os.path``'s pure path functions (``join``, ``basename``, ``splitext``...) and the
  separators; ``os.path.exists / isfile / isdir`` answer only for paths under the asset root or
  the scratch folder of filled templates. Nothing that reaches processes, the environment or
  other files: those names raise an ``AttributeError`` that says so.
- ``IPython``: a stub whose ``embed()`` does nothing; importing it records a dialect warning.
"""

from __future__ import annotations

import builtins
import os
import posixpath
import types
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from simenv import dialect
from simenv.assets import ASSET_ROOT
from simenv.errors import TaskCodeError
from simenv.scratch import scratch_dir

#: ``os.path`` functions that compute on strings only.
PURE_PATH_FUNCTIONS = (
    "basename",
    "commonpath",
    "commonprefix",
    "dirname",
    "isabs",
    "join",
    "normcase",
    "normpath",
    "split",
    "splitdrive",
    "splitext",
)
OS_CONSTANTS = ("sep", "altsep", "curdir", "pardir", "extsep", "pathsep", "linesep")


class RestrictedModule(types.ModuleType):
    """A module whose missing attributes raise an error that says what task code may use."""

    allowed: str = ""

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(
            f"'{self.__name__}.{name}' is not available to task code: it gets a restricted "
            f"'{self.__name__}' with {self.allowed} only. Build the scene with the task API "
            "(env.add_object, self.fill_template, self.get_random_pose)."
        )


def _under_allowed_root(path: Any) -> str:
    text = os.path.realpath(os.fspath(path))
    roots = (str(ASSET_ROOT), str(scratch_dir()))
    if not any(text == r or text.startswith(r + os.sep) for r in roots):
        raise TaskCodeError(
            f"os.path may only look at files under the asset root ({ASSET_ROOT}); got {path!r}. "
            "Name assets as os.path.join(self.assets_root, 'block/block.urdf') or by their "
            "relative path ('block/block.urdf')."
        )
    return text


def _file_test(test: Callable[[str], bool]) -> Callable[[Any], bool]:
    def checked(path: Any) -> bool:
        return test(_under_allowed_root(path))

    checked.__name__ = test.__name__
    checked.__doc__ = f"os.path.{test.__name__}, for paths under the asset root only."
    return checked


def _make_os() -> RestrictedModule:
    path = RestrictedModule("os.path", "Pure path functions of os.path (task code).")
    path.allowed = ", ".join(PURE_PATH_FUNCTIONS) + ", exists, isfile, isdir (asset root)"
    for name in PURE_PATH_FUNCTIONS:
        setattr(path, name, getattr(posixpath, name))
    for test in (os.path.exists, os.path.isfile, os.path.isdir):
        setattr(path, test.__name__, _file_test(test))
    path.sep = posixpath.sep  # type: ignore[attr-defined]
    restricted = RestrictedModule("os", "A restricted os for task code: os.path only.")
    restricted.allowed = "os.path and the separators (os.sep...)"
    restricted.path = path  # type: ignore[attr-defined]
    for name in OS_CONSTANTS:
        setattr(restricted, name, getattr(os, name))
    return restricted


def _make_ipython() -> types.ModuleType:
    stub = types.ModuleType("IPython", "A stub: task code runs without a debugger.")

    def embed(*args: Any, **kwargs: Any) -> None:
        """Does nothing: there is no terminal to debug in."""

    stub.embed = embed  # type: ignore[attr-defined]
    return stub


def _shims() -> dict[str, types.ModuleType]:
    restricted_os = _make_os()
    return {"os": restricted_os, "os.path": restricted_os.path, "IPython": _make_ipython()}


def task_import(
    name: str,
    globals: Mapping[str, Any] | None = None,  # noqa: A002 - the signature of __import__
    locals: Mapping[str, Any] | None = None,  # noqa: A002
    fromlist: Sequence[str] | None = (),
    level: int = 0,
    *,
    shims: Mapping[str, types.ModuleType],
) -> types.ModuleType:
    """``__import__`` for task code: the shims for ``os`` and ``IPython``, Python's for the rest."""
    root = name.partition(".")[0]
    if level == 0 and root in ("os", "IPython"):
        if name not in shims:
            raise ImportError(
                f"'{name}' is not available to task code; 'os' is restricted to os.path."
            )
        if root == "IPython":
            dialect.warn(
                "import IPython: task code runs without a debugger, so IPython is a stub whose "
                "embed() does nothing. Remove the import and any IPython.embed() call."
            )
        return shims[name] if fromlist else shims[root]
    return builtins.__import__(name, globals, locals, fromlist or (), level)


def task_builtins() -> dict[str, Any]:
    """Python's builtins with ``__import__`` answering ``os`` and ``IPython`` with the shims.

    Each task module gets its own copy (and its own shim modules), so nothing one task does to
    them reaches another.
    """
    shims = _shims()

    def importer(
        name: str,
        globals: Mapping[str, Any] | None = None,  # noqa: A002
        locals: Mapping[str, Any] | None = None,  # noqa: A002
        fromlist: Sequence[str] | None = (),
        level: int = 0,
    ) -> types.ModuleType:
        return task_import(name, globals, locals, fromlist, level, shims=shims)

    return {**vars(builtins), "__import__": importer}
