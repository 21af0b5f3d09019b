"""The hostile/broken corpus through the sandbox, one layer at a time.

Each corpus file must fail with the right stage and a clear message, within its limits, create
no file outside its scratch folder, and leave no process behind. ``full`` runs every layer;
``runtime`` turns the static check off (the audit hook must catch it); ``os`` turns the static
check and the audit hook off, so only the process-level isolation is left, and it must hold.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sandbox_helpers import descendants_of, processes_in_session, render

from simenv.report import Stage
from simenv.sandbox import zygote
from simenv.sandbox.limits import GIB, SandboxLimits
from simenv.sandbox.runner import SandboxResult, run_isolated

LIMITS = SandboxLimits(wall_seconds=5, memory_bytes=GIB, max_processes=8)
#: Grace on top of the wall limit: the kill, the report, the folder removal; a loaded machine.
GRACE_SECONDS = 10.0


@dataclass(frozen=True)
class Case:
    name: str
    layer: str  # "full", "runtime" or "os"
    stage: Stage
    says: tuple[str, ...]
    needs: str | None = None  # an isolation mechanism the case depends on
    limits: SandboxLimits = LIMITS
    marks: tuple[pytest.MarkDecorator, ...] = field(default=())


def _case(name: str, layer: str, stage: Stage, *says: str, **kw: object) -> object:
    case = Case(name, layer, stage, says, **kw)  # type: ignore[arg-type]
    return pytest.param(case, id=f"{name}-{layer}", marks=case.marks)


P, IMP, R, S = Stage.PARSE, Stage.IMPORT, Stage.RESET, Stage.SUCCESS
SLOW = (pytest.mark.slow,)
CASES = [
    # Stopped by the wall clock whatever the layer: the static check cannot see an endless loop.
    _case("endless_loop", "full", R, "reset() on seed 0", "exceeded the 5 s wall-clock limit"),
    _case("sleep_forever", "full", P, "line @import time", "'time' is not allowed"),
    _case("sleep_forever", "os", R, "exceeded the 5 s wall-clock limit", marks=SLOW),
    _case(
        "cpu_burn",
        "full",
        R,
        "exceeded the 2 s CPU-time limit",
        limits=SandboxLimits(wall_seconds=30, cpu_seconds=2, memory_bytes=GIB),
        marks=SLOW,
    ),
    _case("memory_bomb", "full", R, "MemoryError", "exceeded the 1 GiB memory limit"),
    # Processes and shells.
    _case("os_system", "full", P, "import of 'subprocess' is not allowed", "line @from subprocess"),
    _case("os_system", "runtime", R, "blocked running shell commands", "os.system"),
    _case("os_system", "os", S, "succeeded in 0 of 1", needs="read-only-filesystem"),
    _case("subprocess_call", "full", P, "import of 'subprocess' is not allowed"),
    _case("subprocess_call", "runtime", R, "blocked starting processes"),
    _case("subprocess_call", "os", R, "CalledProcessError", needs="read-only-filesystem"),
    _case("fork_bomb", "full", P, "import of 'subprocess' is not allowed"),
    _case("fork_bomb", "runtime", R, "blocked forking processes"),
    _case("fork_bomb", "os", R, "fork refused after", needs="pids-cgroup"),
    # Files outside the scratch folder.
    _case("write_outside", "full", P, "'open' is not allowed", "line @open("),
    _case("write_outside", "runtime", R, "outside the scratch folder", "/tmp/simgen-escape-"),
    _case("write_outside", "os", R, "Read-only file system", needs="read-only-filesystem"),
    _case("write_repo", "runtime", R, "outside the scratch folder"),
    _case("write_repo", "os", R, "Read-only file system", needs="read-only-filesystem"),
    # Network.
    _case("socket_connect", "full", P, "import of 'socket' is not allowed"),
    _case("socket_connect", "runtime", R, "blocked opening network sockets"),
    _case("socket_connect", "os", R, "Network is unreachable", needs="network-namespace"),
    # Crashes and exits.
    _case("ctypes_segfault", "full", P, "import of 'ctypes' is not allowed"),
    _case("ctypes_segfault", "runtime", R, "blocked reading raw memory"),
    _case("ctypes_segfault", "os", R, "crashed with signal SIGSEGV"),
    _case("sys_exit", "full", P, "import of 'sys' is not allowed"),
    _case("sys_exit", "os", R, "called sys.exit(3)", "must not exit the process"),
    _case("os_exit", "os", R, "exited with code 4", "without a report", "os._exit()"),
    # Escape hatches.
    _case(
        "subclasses_escape", "full", P, "'__subclasses__' is not allowed", "line @__subclasses__"
    ),
    _case("subclasses_escape", "runtime", R, "blocked running shell commands"),
    _case("subclasses_escape", "os", S, "succeeded in 0 of 1", needs="read-only-filesystem"),
    _case("eval_call", "full", P, "'eval' is not allowed"),
    _case("eval_call", "runtime", R, "blocked running shell commands"),
    _case("dunder_import", "full", P, "'__import__' is not allowed"),
    _case("dunder_import", "runtime", R, "blocked running shell commands"),
    _case("getattr_escape", "full", P, "getattr() with a computed attribute name"),
    _case("read_secrets", "full", P, "import of 'subprocess' is not allowed"),
    _case("read_secrets", "runtime", R, "secrets seen: []", "HOME=/"),
    # Broken, not hostile: the ordinary validator's messages come through the sandbox.
    _case("no_task", "full", IMP, "defines no Task subclass"),
    _case("two_tasks", "full", IMP, "defines 2 Task subclasses", "FirstTask, SecondTask"),
    _case("syntax_error", "full", P, "Syntax error", "line @class Broken"),
    _case("unknown_asset", "full", R, "Unknown asset 'block/blok.urdf'", "block/block.urdf"),
    _case("unknown_color", "full", R, "Unknown colour 'octarine'", "Known colours"),
    _case("nan_pose", "full", R, "NaN"),
    _case("out_of_workspace", "full", R, "outside the workspace", "(3.0, 2.0, 0.02)"),
    _case("unreachable_goal", "full", S, "succeeded in 0 of 1", "Check that the goals"),
]


@pytest.fixture(scope="module")
def listener() -> object:
    """A TCP server on 127.0.0.1 that records every connection: none may arrive."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    accepted: list[object] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            accepted.append(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], accepted
    stop.set()
    thread.join(2)
    server.close()


@pytest.fixture(scope="module", autouse=True)
def secret_in_environment() -> object:
    """The parent holds an API key; the fork server is restarted so it starts from this env."""
    import os

    os.environ["SIMGEN_TEST_API_KEY"] = "do-not-leak"
    os.environ["OPENAI_API_KEY"] = "do-not-leak"
    zygote.get_client().close()
    yield
    os.environ.pop("SIMGEN_TEST_API_KEY", None)
    os.environ.pop("OPENAI_API_KEY", None)


def _assert_no_leftovers(result: SandboxResult, escapes: tuple[Path, ...]) -> None:
    for path in escapes:
        assert not path.exists(), f"the task created {path} outside its scratch folder"
        path.unlink(missing_ok=True)
    if result.workdir is not None:
        assert not Path(result.workdir).exists(), "the job folder was not removed"
    if result.pid is not None:
        assert processes_in_session(result.pid) == [], "processes of the job survived"
    server = zygote.get_client().server_pid
    if server is not None:
        assert descendants_of(server) == [], "the fork server still has children"


def _resolve_line(text: str, path: Path) -> str:
    """'line @token' -> 'line N', N being the first line of the file containing token."""
    if not text.startswith("line @"):
        return text
    token = text.removeprefix("line @")
    lines = path.read_text().splitlines()
    return f"line {next(i for i, line in enumerate(lines, 1) if token in line)}"


@pytest.mark.parametrize("case", CASES)
def test_corpus_case_fails_cleanly(
    case: Case, tmp_path: Path, listener: tuple[int, list[object]]
) -> None:
    port, accepted = listener
    rendered = render(case.name, tmp_path, port)
    start = time.monotonic()
    result = run_isolated(
        rendered.path,
        episodes=1,
        limits=case.limits,
        static_check=case.layer == "full",
        guards=case.layer != "os",
    )
    elapsed = time.monotonic() - start
    report = result.report
    if case.needs and result.mechanisms and case.needs not in result.mechanisms:
        pytest.skip(f"{case.needs} is not available on this machine ({result.mechanisms})")

    assert not report.passed
    assert report.stage == case.stage, report.error
    for text in case.says:
        text = _resolve_line(text, rendered.path)
        assert text in (report.error or ""), f"{text!r} not in {report.error!r}"
    assert elapsed < case.limits.wall_seconds + GRACE_SECONDS
    assert accepted == [], "a sandboxed task connected to 127.0.0.1"
    _assert_no_leftovers(result, rendered.escapes)


def test_fork_bomb_stops_at_the_process_cap(tmp_path: Path) -> None:
    rendered = render("fork_bomb", tmp_path)
    limits = SandboxLimits(wall_seconds=5, memory_bytes=GIB, max_processes=6)
    result = run_isolated(
        rendered.path, episodes=1, limits=limits, static_check=False, guards=False
    )
    if "pids-cgroup" not in result.mechanisms:
        pytest.skip("no pids cgroup here (RLIMIT_NPROC counts the whole user)")
    error = result.report.error or ""
    children = int(error.split("fork refused after ")[1].split()[0])
    assert children < limits.max_processes
    _assert_no_leftovers(result, rendered.escapes)


def test_corpus_has_at_least_fifteen_programs() -> None:
    from sandbox_helpers import CORPUS

    assert len(list(CORPUS.glob("*.py*"))) >= 15
