"""The attack corpus: one task program per technique, through the sandbox, as the current user
and (when the tests run as root, as CI does) as ``nobody``.

Each program tries one way out (read a secret, write outside, start processes, load native
code, forge the verdict, exhaust a total). The static check is switched off for all but the
parse-stage case, so that the kernel boundary is what is tested. Every run must end as a clean
failure: not passed, nothing written outside (markers under a temporary folder any user may
write to), the secret (in a 0644 file and in the environment of every ancestor) nowhere in the
output, no connection to the loopback server, no process left behind.

The attacks of one user are validated in one process (``validate_files.py``), started the
first time a test asks for that user, with every selected attack of that user: the
interpreter and the trusted side start once, as in production. From root, that process drops
to ``nobody``; run unprivileged, the tests run the attacks as themselves, which is that case.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from simenv.settings import GIB, MIB, ValidationSettings
from tests.simenv.sandbox.sandbox_helpers import (
    HERE,
    LoopbackServer,
    Stage,
    as_unprivileged_user,
    become_subreaper,
    blocked_for_nobody,
    descendants_of,
    describe,
    nobody_needs,
    shared_folder,
    unprivileged_prefix,
)

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
INTROSPECT = Attack("introspect", "reset")
#: Run unprivileged, "current" is already an unprivileged user: the attacks run as it, once.
USERS = ["current"] if as_unprivileged_user() else ["current", "nobody"]


@dataclass
class Run:
    """One attack's validation in a run of many: its world, its server, what it printed,
    what it left behind."""

    stage: Stage
    server: LoopbackServer
    output: str = ""
    left: list[int] = field(default_factory=list)
    described: list[str] = field(default_factory=list)


class Runs:
    """The validations of each user, made the first time a test asks for that user: in one
    process per user, with every attack of that user that this session selected."""

    def __init__(self, session: pytest.Session) -> None:
        self.session = session
        self.done: dict[str, dict[str, Run]] = {user: {} for user in USERS}
        self.folders: list[Path] = []

    def get(self, attack: Attack, user: str) -> Run:
        done = self.done[user]
        if attack.name not in done:
            wanted = {a.name: a for a in self._selected(user) if a.name not in done}
            wanted.setdefault(attack.name, attack)
            done.update(self._validate(list(wanted.values()), user))
        return done[attack.name]

    def _selected(self, user: str) -> list[Attack]:
        """The attacks this session's tests of this module ask of ``user``."""
        found: list[Attack] = []
        for item in self.session.items:
            if isinstance(item, pytest.Function) and item.module is sys.modules[__name__]:
                params = getattr(item, "callspec", None)
                if params is not None and params.params.get("user") == user:
                    found.append(params.params["attack"])
        return found

    def _validate(self, attacks: list[Attack], user: str) -> dict[str, Run]:
        """Validate ``attacks`` in one process as ``user``, each in a stage of its own; the
        secret is in every stage's file and in that process's environment."""
        folder = shared_folder("simgen-attack-runs-")
        self.folders.append(folder)
        prefix: list[str] = []
        if user == "nobody":
            blocked = blocked_for_nobody([*nobody_needs(), folder])
            if blocked:
                pytest.fail("\n".join(blocked), pytrace=False)
            prefix = unprivileged_prefix()
        secret = f"simgen-secret-{uuid.uuid4().hex}"
        runs = {a.name: Run(Stage(secret=secret), LoopbackServer()) for a in attacks}
        jobs = [self._job(attack, runs[attack.name], folder) for attack in attacks]
        (folder / "jobs.json").write_text(json.dumps(jobs))
        (folder / "jobs.json").chmod(0o644)
        argv = [*prefix, sys.executable, str(HERE / "validate_files.py"), str(folder / "jobs.json")]
        timeout = sum(a.settings.timeout for a in attacks) + GRACE_SECONDS
        try:
            done = subprocess.run(
                argv,
                capture_output=True,
                text=True,
                env=_environment(folder, secret),
                cwd="/",
                timeout=timeout,
            )
            printed = done.stdout + "\n" + done.stderr
        except subprocess.TimeoutExpired as late:
            printed = f"the run of {len(attacks)} attacks took over {timeout} s: {late}"
        finally:
            for run in runs.values():
                run.server.close()
        for job, run in zip(jobs, runs.values(), strict=True):
            _read_back(job, run, printed)
        return runs

    @staticmethod
    def _job(attack: Attack, run: Run, folder: Path) -> dict[str, object]:
        return {
            "file": str(run.stage.render(attack.name, run.server.port)),
            "settings": attack.settings.to_dict(),
            "static_check": attack.static_check,
            "output": str(folder / f"{attack.name}.out"),
            "left": str(folder / f"{attack.name}.left.json"),
        }

    def remove(self) -> None:
        for runs in self.done.values():
            for run in runs.values():
                run.stage.remove()
        for folder in self.folders:
            shutil.rmtree(folder, ignore_errors=True)


def _environment(folder: Path, secret: str) -> dict[str, str]:
    """The validating process's whole environment: the secret, and HOME and the caches in a
    folder the user it runs as may write (``nobody`` may write nowhere else)."""
    home = folder / "home"
    home.mkdir()
    home.chmod(0o777)
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "MPLCONFIGDIR": str(home / ".config" / "matplotlib"),
        "HF_HOME": str(home / ".cache" / "huggingface"),
        "SIMGEN_TEST_SECRET": secret,
        "OPENAI_API_KEY": secret,
    }


def _read_back(job: dict[str, object], run: Run, printed: str) -> None:
    """What the job printed (and, for the assertion messages and the secret check, what
    the whole process printed outside the jobs), and what it left behind."""
    output, left = Path(str(job["output"])), Path(str(job["left"]))
    run.output = (output.read_text(errors="replace") if output.exists() else "") + "\n" + printed
    if left.exists():
        found = json.loads(left.read_text())
        run.left, run.described = found["pids"], found["described"]
    else:  # the process died before it looked: count that as something left (pid -1)
        run.left, run.described = [-1], [f"no record of what the job left: {printed[-3000:]}"]


@pytest.fixture(scope="module", autouse=True)
def _subreaper() -> None:
    become_subreaper()


@pytest.fixture(scope="module")
def runs(request: pytest.FixtureRequest) -> Iterator[Runs]:
    before = set(descendants_of(os.getpid()))
    made = Runs(request.session)
    yield made
    made.remove()
    left = sorted(set(descendants_of(os.getpid())) - before)
    assert left == [], describe(left)


def _run(attack: Attack, user: str, runs: Runs) -> tuple[dict[str, object], str, int, Run]:
    """The attack's validation (in a process of its own, with the user's others); (report,
    all output, connections made, the run)."""
    run = runs.get(attack, user)
    lines = [line for line in run.output.splitlines() if line.startswith("{")]
    assert len(lines) == 1, run.output[-3000:]
    return json.loads(lines[0]), run.output, run.server.connections, run


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.name)
def test_attack_ends_as_a_clean_failure(attack: Attack, user: str, runs: Runs) -> None:
    report, output, connections, run = _run(attack, user, runs)
    stage = run.stage
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
    left = run.left
    assert left == [], run.described
    if attack.stage != "parse":
        assert "seccomp" in report["isolation"] and "user-namespace" in report["isolation"]


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("attack", [INTROSPECT], ids=lambda a: a.name)
def test_the_sandbox_from_inside(attack: Attack, user: str, runs: Runs) -> None:
    """What the task sees: no capabilities, no_new_privs, seccomp, uid 65534, only loopback
    (down), its own few processes, none of the host's folders or environment."""
    report, _, _, _ = _run(attack, user, runs)
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


def test_a_closed_folder_on_the_way_is_named_with_its_fix() -> None:
    """A checkout under a folder ``nobody`` may not enter is refused in so many words (the
    runs as ``nobody`` would fail with an ImportError deep in their output otherwise)."""
    top = shared_folder("simgen-closed-")
    closed = top / "closed"
    checkout = closed / "checkout"
    checkout.mkdir(parents=True)
    try:
        closed.chmod(0o000)  # closed to nobody whoever owns it (nobody itself, when run so)
        blocked = blocked_for_nobody([checkout], private=[])
        assert len(blocked) == 1 and f"+x {closed}`" in blocked[0], blocked
        closed.chmod(0o755)
        checkout.chmod(0o000)
        blocked = blocked_for_nobody([checkout], private=[])
        assert len(blocked) == 1 and f"+rx {checkout}`" in blocked[0], blocked
        checkout.chmod(0o755)
        assert blocked_for_nobody([checkout], private=[]) == []
    finally:
        closed.chmod(0o755)
        checkout.chmod(0o755)
        shutil.rmtree(top)
