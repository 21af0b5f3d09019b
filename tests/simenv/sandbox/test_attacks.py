"""The attack corpus: one task program per technique, through the sandbox, as the current user
and (when the tests run as root) as ``nobody``.

Each program tries one way out (read a secret, write outside, start processes, load native
code, forge the verdict, exhaust a total). The static check is switched off for all but the
parse-stage case, so that the kernel boundary is what is tested. Every run must end as a clean
failure: not passed, nothing written outside (markers under a temporary folder any user may
write to), the secret (in a 0644 file and in the environment of every ancestor) nowhere in the
output, no connection to the loopback server, no process left behind.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sandbox_helpers import (
    HERE,
    LoopbackServer,
    Stage,
    become_subreaper,
    descendants_of,
    describe,
    run_as,
)

from simenv.settings import GIB, MIB, ValidationSettings

SETTINGS = ValidationSettings(episodes=1, timeout=20, memory_bytes=GIB, scratch_bytes=16 * MIB)
#: Grace on top of the validation's own limits: interpreter start-up on a loaded machine.
GRACE_SECONDS = 120


@dataclass(frozen=True)
class Attack:
    name: str
    stage: str
    says: tuple[str, ...] = ()
    static_check: bool = False
    never: tuple[str, ...] = ()
    settings: ValidationSettings = SETTINGS


ATTACKS = [
    Attack("read_secret_file", "reset", ("secret.txt: FileNotFoundError",)),
    Attack("read_ancestor_environ", "reset"),
    Attack("pybullet_writers", "reset", ("tried every pybullet writer",)),
    Attack("proc_root_walk", "reset", ("walked /proc/*/root",)),
    Attack("dir_fd_write", "reset", ("tried dir_fd writes",)),
    Attack("plugin_setns", "reset", ("connect:111",), never=("connected",)),
    Attack("fork_exec", "reset", ("Operation not permitted",)),
    Attack("setsid_chain", "reset", ("Operation not permitted",)),
    Attack("gc_guard_then_system", "reset", ("os.system returned",)),
    Attack(
        "remount_setuid", "reset", ("mount=-1:1", "unshare=-1:1", "setuid:"), never=("setuid ok",)
    ),
    Attack("forge_verdict", "reset", ("ended before it sent every scene",)),
    Attack("memory_threads", "reset", ("MemoryError", "1 GiB memory limit")),
    Attack("scratch_fill", "reset", ("requested and",)),
    Attack("huge_error", "reset", ("output limit",), settings=ValidationSettings(episodes=1)),
    Attack("long_error", "reset", ("[truncated:",)),
    Attack(
        "endless_loop",
        "reset",
        ("5 s wall-clock limit",),
        settings=ValidationSettings(episodes=1, timeout=5),
    ),
    Attack("segfault", "reset", ("SIGSEGV",)),
    Attack("socket_connect", "reset", ("Connection refused",)),
    Attack("sys_exit", "reset", ("sys.exit(3)",)),
    Attack("override_reward", "parse", ("redefines SelfScoring.reward", "done"), True),
]
USERS = ["current", "nobody"]


@pytest.fixture(scope="module", autouse=True)
def _subreaper() -> None:
    become_subreaper()


@pytest.fixture
def stage() -> Iterator[Stage]:
    world = Stage()
    yield world
    world.remove()


def _run(attack: Attack, user: str, stage: Stage) -> tuple[dict[str, object], str, int]:
    """Validate the attack in a process of its own; (report, all output, connections made).

    Processes that were already below this one (a fork server of an earlier test) are noted
    first, so that only what this validation left behind counts."""
    if user == "nobody" and os.geteuid() != 0:
        pytest.skip("the tests already run as an unprivileged user")
    stage.before = set(descendants_of(os.getpid()))
    server = LoopbackServer()
    try:
        path = stage.render(attack.name, server.port)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(stage.root),
            "SIMGEN_TEST_SECRET": stage.secret,
            "OPENAI_API_KEY": stage.secret,
        }
        argv = [
            sys.executable,
            str(HERE / "validate_file.py"),
            str(path),
            json.dumps(attack.settings.to_dict()),
            "1" if attack.static_check else "0",
        ]
        output = run_as(user == "nobody", argv, env, attack.settings.timeout + GRACE_SECONDS)
    finally:
        server.close()
    lines = [line for line in output.splitlines() if line.startswith("{")]
    assert len(lines) == 1, output[-3000:]
    return json.loads(lines[0]), output, server.connections


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.name)
def test_attack_ends_as_a_clean_failure(attack: Attack, user: str, stage: Stage) -> None:
    report, output, connections = _run(attack, user, stage)
    assert report["passed"] is False, report
    assert report["stage"] == attack.stage, report
    error = str(report["error"])
    for words in attack.says:
        assert words in error, error[:2000]
    for words in attack.never:
        assert words not in error, error[:2000]
    assert stage.escapes() == [], stage.escapes()
    assert stage.secret not in output
    assert connections == 0
    assert len(error) <= SETTINGS.message_chars + 100
    left = sorted(set(descendants_of(os.getpid())) - stage.before)
    assert left == [], describe(left)
    if attack.stage != "parse":
        assert "seccomp" in report["isolation"] and "user-namespace" in report["isolation"]


@pytest.mark.parametrize("user", USERS)
def test_the_sandbox_from_inside(user: str, stage: Stage) -> None:
    """What the task sees: no capabilities, no_new_privs, seccomp, uid 65534, only loopback
    (down), its own few processes, none of the host's folders or environment."""
    report, _, _ = _run(Attack("introspect", "reset"), user, stage)
    error = str(report["error"])
    assert "CapEff:\t0000000000000000" in error and "CapBnd:\t0000000000000000" in error
    assert "NoNewPrivs:\t1" in error and "Seccomp:\t2" in error
    assert "UID 65534" in error
    assert "IFACES ['lo']" in error
    pids = json.loads(error.split("PIDS ")[1].split(" ROOT")[0])
    assert len(pids) <= 4, pids
    root = error.split("ROOT ")[1].split(" ENV")[0]
    for host_folder in ("'etc'", "'home'", "'root'", "'var'", "'run'"):
        if host_folder == "'root'" and Path(sys.base_prefix).resolve().is_relative_to("/root"):
            continue  # the Python itself lives there; only it is shown
        assert host_folder not in root, root
    assert "OPENAI_API_KEY" not in error and "SIMGEN_TEST_SECRET" not in error
