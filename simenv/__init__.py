"""simenv: the PyBullet tabletop world, the task API, assets, seed tasks and the validator.

PyBullet prints its build time on standard output when it is first imported; that would
corrupt ``--json`` output, so the package imports it once with standard output sent to
standard error.
"""

from __future__ import annotations

import ctypes
import os
import sys


def _import_pybullet_quietly() -> None:
    if "pybullet" in sys.modules:
        return
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no usable stdout: nothing to protect
        import pybullet  # noqa: F401

        return
    try:
        os.dup2(2, 1)
        import pybullet  # noqa: F401

        ctypes.CDLL(None).fflush(None)
    finally:
        os.dup2(saved, 1)
        os.close(saved)


_import_pybullet_quietly()
