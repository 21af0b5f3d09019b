"""The sandboxed validator: untrusted task code runs isolated, limited and in parallel.

Three layers, each meant to hold on its own:

- ``static_check``: an import allow-list and a ban on escape hatches, before anything runs;
- ``guards``: a Python audit hook in the child that refuses files, processes, sockets, ctypes;
- ``isolation`` (applied by ``child``): rlimits, namespaces, a pids cgroup, a scrubbed
  environment, a scratch folder, and the wall-clock limit enforced by ``runner``.

``validate_isolated`` validates one program; ``validate_many`` many, in parallel.

The names are imported lazily: the fork server imports ``simenv.sandbox.zygote`` and must not
import the task API (which makes temporary folders at import) before it forks.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simenv.sandbox.limits import SandboxLimits
    from simenv.sandbox.pool import validate_many
    from simenv.sandbox.runner import SandboxResult, run_isolated, validate_isolated

_EXPORTS = {
    "SandboxLimits": "simenv.sandbox.limits",
    "SandboxResult": "simenv.sandbox.runner",
    "run_isolated": "simenv.sandbox.runner",
    "validate_isolated": "simenv.sandbox.runner",
    "validate_many": "simenv.sandbox.pool",
}
__all__ = ["SandboxLimits", "SandboxResult", "run_isolated", "validate_isolated", "validate_many"]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'simenv.sandbox' has no attribute {name!r}")
