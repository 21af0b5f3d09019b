"""One reading of a child's exit status for the sandbox and the judge."""

from __future__ import annotations

import signal

from simenv.sandbox.exit_status import describe_signal, signal_of
from simenv.sandbox.judge import crashed


def test_a_signal_is_read_from_a_plain_child_and_from_bwraps_init() -> None:
    assert signal_of(-signal.SIGSEGV) == signal.SIGSEGV
    assert signal_of(128 + signal.SIGSYS) == signal.SIGSYS
    assert signal_of(0) is None
    assert signal_of(1) is None
    assert signal_of(None) is None


def test_a_signal_is_named_with_what_it_usually_means() -> None:
    assert describe_signal(signal.SIGSEGV).startswith("SIGSEGV (a segmentation fault")
    assert "forbids" in describe_signal(signal.SIGSYS)
    assert describe_signal(200) == "signal 200"


def test_the_judge_names_the_signal_the_same_way() -> None:
    message = crashed("Rebuilding the scene", -signal.SIGSEGV, 1 << 30)
    assert describe_signal(signal.SIGSEGV) in message
    assert "exit code 3" in crashed("Rebuilding the scene", 3, 1 << 30)
