"""What a child's exit status means, for the sandboxed task and the judge process alike.

Both run native code (PyBullet) in a child whose death must become a verdict the task's author
can act on, so both read the status the same way and name a signal with the same words.
"""

from __future__ import annotations

import signal

#: What each signal usually means when it ends a child that runs PyBullet.
SIGNAL_HINTS: dict[signal.Signals, str] = {
    signal.SIGSEGV: "a segmentation fault: invalid memory access in native code (PyBullet)",
    signal.SIGBUS: "a bus error: invalid memory access in native code (PyBullet)",
    signal.SIGFPE: "a floating-point exception in native code (PyBullet)",
    signal.SIGABRT: "an abort in native code (PyBullet), often memory exhausted",
    signal.SIGILL: "an illegal instruction in native code (PyBullet)",
    signal.SIGSYS: "a system call the sandbox forbids",
    signal.SIGKILL: "killed, often for running out of memory",
}


def signal_of(code: int | None) -> int | None:
    """The signal that ended a child: a negative code (plain child) or 128+n (bwrap's init)."""
    if code is None:
        return None
    if code < 0:
        return -code
    if code > 128 and code - 128 < signal.NSIG:
        return code - 128
    return None


def describe_signal(sig: int) -> str:
    """``SIGSEGV (a segmentation fault: ...)``: the signal's name and what it usually means."""
    try:
        named = signal.Signals(sig)
    except ValueError:
        return f"signal {sig}"
    return f"{named.name} ({SIGNAL_HINTS.get(named, 'a signal')})"
