"""The kernel boundary around task code: a bubblewrap command line, and what it puts in force.

Each validation's task code runs in a fresh ``bwrap`` (bubblewrap, the sandbox Flatpak is built
on) with new user, PID (its own ``/proc``), network (loopback only), mount, IPC, UTS and cgroup
namespaces, as uid 65534 with no capabilities and ``no_new_privs``, under a seccomp filter
(``seccomp.py``). It sees, read-only, the system libraries (``/usr``), the Python installation,
the virtual environment and the ``simenv`` package with its assets; its only writable folder is
a size-capped tmpfs at ``/tmp``; its environment is a short allow-list. Nothing of the host's
``/proc``, ``/tmp``, home folders, ``/etc`` or environment is visible.

As root, an outer bwrap (run as root, so that it can show a Python that lives under a private
``/root``) makes the PID, network, IPC, UTS and mount namespaces and the file system, then
``setpriv`` becomes ``nobody`` with no capabilities and an inner, unprivileged bwrap adds the
user namespace and the seccomp filter, exactly as for an ordinary user: the task's uid is
unprivileged outside the sandbox too, and the protection is the same for root and for everyone
else. bwrap reports its child's pid (``--info-fd``); killing that PID namespace's init kills
every process in the sandbox.

Memory is capped by the address-space limit of the sandbox's one process (the seccomp filter
refuses new processes), not by a cgroup: that needs no privileges and holds the same total.

Where bubblewrap is missing or cannot create namespaces, ``probe`` says so once, with what to
install, and the runner falls back to a plain child process with rlimits and a clean
environment (``--require-isolation`` refuses that).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import pwd
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import simenv
from simenv.sandbox import seccomp
from simenv.settings import ValidationSettings

#: The most bytes of job (task source and settings) sent to the sandbox; the child reads no more.
MAX_JOB_BYTES = 1 << 20

log = logging.getLogger(__name__)

SANDBOX_UID = 65534
SCRATCH = "/tmp"
SETPRIV = "/usr/bin/setpriv"
#: How long ``Sandbox.kill`` waits for the killed sandbox's processes to finish exiting (seconds).
EXIT_TIMEOUT = 5.0
#: How long to wait for bwrap to report its child's pid before killing it anyway (seconds).
INFO_TIMEOUT = 5.0
#: The sandbox's whole environment: no secret can be inherited.
SANDBOX_ENV = {
    "PATH": "/usr/bin:/bin",
    "HOME": SCRATCH,
    "TMPDIR": SCRATCH,
    "LANG": "C.UTF-8",
    "PYTHONDONTWRITEBYTECODE": "1",
    # One BLAS thread per validation: the parallelism comes from running several sandboxes.
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}
NAMESPACES = ("user", "pid", "network", "mount", "ipc", "uts", "cgroup")
#: Every layer of the full boundary, by the name reports use.
FULL_LAYERS: tuple[str, ...] = (
    *(f"{ns}-namespace" for ns in NAMESPACES),
    "unprivileged-uid",
    "no-capabilities",
    "no-new-privs",
    "seccomp",
    "single-process",
    "read-only-system",
    "scratch-size-cap",
    "clean-environment",
    "rlimits",
    "wall-clock",
    "output-cap",
)
#: What the plain-process fallback still gives.
FALLBACK_LAYERS: tuple[str, ...] = ("clean-environment", "rlimits", "wall-clock", "output-cap")
INSTALL_HINT = (
    "install bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap; Fedora: sudo dnf "
    "install bubblewrap) and allow unprivileged user namespaces (Ubuntu 24.04: sudo sysctl "
    "kernel.apparmor_restrict_unprivileged_userns=0; Debian <= 10: sudo sysctl "
    "kernel.unprivileged_userns_clone=1)"
)


@dataclass(frozen=True)
class Containment:
    """What this machine gives: the bwrap binary (or None), the seccomp program, the layers."""

    bwrap: str | None
    seccomp_filter: bytes | None
    layers: tuple[str, ...]
    problems: tuple[str, ...] = ()
    drop_to: int | None = None

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(layer for layer in FULL_LAYERS if layer not in self.layers)

    def describe_missing(self) -> str:
        """One paragraph: which layers are missing, why, and what to install."""
        if not self.missing:
            return ""
        return (
            f"Sandbox isolation is incomplete on this machine: missing {', '.join(self.missing)}. "
            + " ".join(self.problems)
        )


def _sandbox_user() -> int | None:
    """The uid to start bubblewrap as: ``nobody`` when we are root, else ourselves."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("nobody").pw_uid
    except KeyError:
        return SANDBOX_UID


def _bwrap_works(bwrap: str, uid: int | None) -> str | None:
    """None if bwrap can make its namespaces here (as ``uid``), else bwrap's complaint."""
    argv = [bwrap, "--unshare-all", "--ro-bind", "/usr", "/usr"]
    for name in ("/bin", "/lib", "/lib64"):
        if os.path.islink(name):
            argv += ["--symlink", os.readlink(name), name]
        elif os.path.isdir(name):
            argv += ["--ro-bind", name, name]
    try:
        done = subprocess.run(
            [*argv, "--", "/usr/bin/true"],
            capture_output=True,
            timeout=30,
            user=uid,
            group=uid,
            extra_groups=[] if uid is not None else None,
            env={},
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return str(exc)
    return None if done.returncode == 0 else done.stderr.decode(errors="replace").strip()


@lru_cache(maxsize=1)
def probe() -> Containment:
    """Find out once per process which layers this machine can put in force."""
    uid = _sandbox_user()
    problems = []
    bwrap = shutil.which("bwrap")
    if bwrap is not None and uid is not None and not os.access(SETPRIV, os.X_OK):
        problems.append(f"running as root needs {SETPRIV} (util-linux) to drop to nobody.")
        bwrap = None
    elif bwrap is None:
        problems.append(f"bubblewrap (bwrap) is not installed: {INSTALL_HINT}.")
    else:
        complaint = _bwrap_works(bwrap, uid)
        if complaint is not None:
            problems.append(
                f"bubblewrap cannot create namespaces here ({complaint}): {INSTALL_HINT}."
            )
            bwrap = None
    bpf = seccomp.compiled_filter() if bwrap is not None else None
    if bwrap is None:
        layers = FALLBACK_LAYERS
    else:
        layers = FULL_LAYERS
        if bpf is None:
            problems.append(
                "libseccomp is missing, so there is no seccomp filter and processes are capped "
                "by RLIMIT_NPROC only: install libseccomp2 (Debian: sudo apt-get install "
                "libseccomp2) and the pyseccomp package."
            )
            layers = tuple(x for x in FULL_LAYERS if x not in ("seccomp", "single-process"))
    found = Containment(bwrap, bpf, layers, tuple(problems), uid)
    if found.missing:
        log.warning(found.describe_missing())
    return found


def _shown_paths() -> list[Path]:
    """Folders the sandbox sees read-only besides /usr: Python, the venv, simenv and its assets."""
    paths = [
        Path(sys.base_prefix).resolve(),
        Path(sys.prefix),
        Path(sys.prefix).resolve(),
        Path(sys.executable).resolve().parent,
        Path(simenv.__file__).resolve().parent,
    ]
    shown: list[Path] = []
    for path in paths:
        if path.is_relative_to("/usr") or any(path.is_relative_to(s) for s in shown):
            continue
        shown = [s for s in shown if not s.is_relative_to(path)] + [path]
    return shown


def _mounts(scratch_bytes: int) -> list[str]:
    """The file system the task sees: read-only system and Python, own /proc and /dev, a
    size-capped /tmp. Parent folders are made 0755 so that the unprivileged uid can reach a
    Python that lives under a private home folder."""
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ("/bin", "/lib", "/lib64", "/sbin"):
        if os.path.islink(name):
            args += ["--symlink", os.readlink(name), name]
        elif os.path.isdir(name):
            args += ["--ro-bind", name, name]
    # The scratch tmpfs goes first: a project or venv that lives under /tmp (a clone in a temp
    # folder, as CI makes) is then bound on top of it, instead of hidden under it.
    args += ["--perms", "1777", "--size", str(scratch_bytes), "--tmpfs", SCRATCH]
    made: set[Path] = {Path(SCRATCH)}
    for path in _shown_paths():
        for parent in reversed(path.parents):
            if parent != Path("/") and parent not in made:
                made.add(parent)
                args += ["--perms", "0755", "--dir", str(parent)]
        args += ["--ro-bind", str(path), str(path)]
    args += ["--proc", "/proc", "--dev", "/dev"]
    return args


def _environment() -> list[str]:
    args = ["--clearenv"]
    for key, value in SANDBOX_ENV.items():
        args += ["--setenv", key, value]
    return args


def _unprivileged(bwrap: str, seccomp_fd: int | None, tail: list[str]) -> list[str]:
    """bwrap as an unprivileged user: the user namespace, the uid, no capabilities, seccomp."""
    args = [bwrap, "--unshare-user", "--unshare-cgroup", "--uid", str(SANDBOX_UID)]
    args += ["--gid", str(SANDBOX_UID), "--cap-drop", "ALL", "--die-with-parent", "--new-session"]
    if seccomp_fd is not None:
        args += ["--seccomp", str(seccomp_fd)]
    return args + tail


def sandbox_argv(found: Containment, scratch_bytes: int, seccomp_fd: int | None) -> list[str]:
    """The command line that starts the sandboxed child.

    As an ordinary user: one bwrap with every namespace, the mounts and the seccomp filter. As
    root: an outer bwrap (run as root, so it can show a Python under /root) makes the PID,
    network, IPC, UTS and mount namespaces and the file system; ``setpriv`` then becomes
    ``nobody`` with no capabilities, and an inner, unprivileged bwrap adds the user namespace,
    the seccomp filter and the rest, exactly as for an ordinary user.
    """
    assert found.bwrap is not None
    namespaces = ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts"]
    common = [*namespaces, "--die-with-parent", "--new-session", "--hostname", "simgen-sandbox"]
    common += [*_environment(), *_mounts(scratch_bytes), "--chdir", SCRATCH]
    if found.drop_to is None:
        return _unprivileged(found.bwrap, seccomp_fd, [*common, "--", *child_command()])
    uid = str(found.drop_to)
    drop = [SETPRIV, f"--reuid={uid}", f"--regid={uid}", "--clear-groups"]
    drop += ["--inh-caps=-all", "--bounding-set=-all", "--"]
    inner = ["--ro-bind", "/", "/", "--bind", SCRATCH, SCRATCH, "--chdir", SCRATCH]
    inner += ["--", *child_command()]
    return [found.bwrap, *common, "--", *drop, *_unprivileged(found.bwrap, seccomp_fd, inner)]


def child_command() -> list[str]:
    """The Python command of the sandboxed child (isolated mode: no PYTHON* variables, no
    user site-packages, no current folder on the path)."""
    return [sys.executable, "-I", "-B", "-m", "simenv.sandbox.child"]


@dataclass
class Sandbox:
    """One started sandboxed child, waiting for its job on stdin."""

    proc: subprocess.Popen[bytes]
    scratch: str
    key: tuple[object, ...]
    holder: tempfile.TemporaryDirectory[str] | None = field(default=None, repr=False)
    #: Where bwrap writes its child's pid (``--info-fd``): the init of the PID namespace.
    info_fd: int | None = None

    def alive(self) -> bool:
        return self.proc.poll() is None

    def _namespace_init(self) -> int | None:
        """The pid (here) of the sandbox's PID-namespace init, once bwrap has reported it."""
        if self.info_fd is None:
            return None
        data = b""
        deadline = time.monotonic() + INFO_TIMEOUT
        # bwrap writes the JSON in several writes, then closes the descriptor: read to the end.
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([self.info_fd], [], [], left)
            chunk = os.read(self.info_fd, 65536) if ready else b""
            if not chunk:
                break
            data += chunk
        os.close(self.info_fd)
        self.info_fd = None
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            return int(json.loads(data)["child-pid"])
        return None

    def kill(self) -> None:
        """Kill the sandbox: its PID namespace's init (every process in the namespace dies
        with it; this holds even when bwrap itself was killed before its child could arm
        ``--die-with-parent``), then bwrap."""
        init = self._namespace_init()
        if self.proc.poll() is None:
            if init is not None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(init, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(self.proc.pid, signal.SIGKILL)
            if self.holder is not None:  # the fallback runs in a session of its own
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        if init is not None:
            _wait_exited(init, EXIT_TIMEOUT)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        if self.holder is not None:
            self.holder.cleanup()


def _wait_exited(pid: int, timeout: float) -> None:
    """Wait until ``pid`` has exited: gone, or a zombie for its new parent to reap.

    SIGKILL is delivered at once but a loaded machine can take a while to tear a process down;
    a PID namespace's init finishes exiting only after every other process in its namespace,
    so once it has, nothing of the sandbox runs or holds memory any more.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat", "rb") as stat:
                fields = stat.read()
        except OSError:
            return
        state = fields[fields.rindex(b")") + 2 :][:1]  # the field after "(comm)"
        if state in (b"Z", b"X"):
            return
        time.sleep(0.005)


def start(found: Containment, settings: ValidationSettings) -> Sandbox:
    """Start a sandboxed child; it imports the simulator, then waits for its job on stdin."""
    key = sandbox_key(found, settings)
    pipes: dict[str, Any] = {
        "stdin": subprocess.PIPE,
        "stdout": subprocess.PIPE,
        "stderr": subprocess.PIPE,
    }
    if found.bwrap is None:
        holder = tempfile.TemporaryDirectory(prefix="simgen-sandbox-")
        env = {**SANDBOX_ENV, "HOME": holder.name, "TMPDIR": holder.name}
        proc = subprocess.Popen(
            child_command(), cwd=holder.name, env=env, start_new_session=True, **pipes
        )
        return Sandbox(proc, holder.name, key, holder)
    fd = _memfd("simgen-seccomp", found.seccomp_filter) if found.seccomp_filter else None
    info_read, info_write = os.pipe()
    argv = sandbox_argv(found, settings.scratch_bytes, fd)
    argv[1:1] = ["--info-fd", str(info_write)]
    try:
        proc = subprocess.Popen(
            argv,
            pass_fds=[info_write, *([fd] if fd is not None else [])],
            env={},
            umask=0o022,
            **pipes,
        )
    except OSError:
        os.close(info_read)
        raise
    finally:
        os.close(info_write)
        if fd is not None:
            os.close(fd)
    return Sandbox(proc, SCRATCH, key, info_fd=info_read)


def sandbox_key(found: Containment, settings: ValidationSettings) -> tuple[object, ...]:
    """What a started sandbox is fixed to: a waiting one serves only jobs with the same key."""
    return (found, settings.scratch_bytes)


def _memfd(name: str, data: bytes) -> int:
    fd = os.memfd_create(name, 0)
    os.write(fd, data)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd
