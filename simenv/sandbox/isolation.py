"""Operating-system isolation for a validation child: rlimits, namespaces, cgroups, environment.

Each mechanism is applied on a best-effort basis and reports whether it took: the sandbox must
work for an unprivileged user on a laptop (rlimits, process group, scrubbed environment, the
runtime guards) and get stronger where the kernel lets it (as root or with CAP_SYS_ADMIN: a
private network namespace with no interfaces up, a mount namespace where everything but the
scratch folder is read-only, a PID namespace whose processes all die with it, a pids cgroup that
caps a fork bomb even for root, who ignores RLIMIT_NPROC).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import re
import resource
import signal
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

from simenv.sandbox.limits import SandboxLimits

CLONE_NEWNS = 0x00020000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36

#: Environment variables the child keeps (everything else is dropped: API keys never reach it).
KEEP_ENV = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "PYTHONPATH", "VIRTUAL_ENV", "TERM")
#: Even a kept name is dropped when it looks like a secret.
SECRET_PATTERN = re.compile(
    r"KEY|TOKEN|SECRET|PASSW|CREDENTIAL|AUTH|COOKIE|SESSION|PRIVATE|^OPENAI|^ANTHROPIC|^AWS_"
    r"|^AZURE|^GOOGLE|^HF_|^HUGGING|^LANGCHAIN|^LANGSMITH|^GITHUB|^GH_",
    re.IGNORECASE,
)
#: One BLAS thread per validation: the parallelism comes from running several children.
THREAD_ENV = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
}
PIDS_CGROUP_ROOTS = (
    Path("/sys/fs/cgroup/pids"),
    Path("/sys/fs/cgroup/unified"),
    Path("/sys/fs/cgroup"),
)
CGROUP_PREFIX = "simgen-sandbox-"

_libc: ctypes.CDLL | None = None


def libc() -> ctypes.CDLL:
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    return _libc


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def scrubbed_environment(base: Mapping[str, str], home: str | None = None) -> dict[str, str]:
    """The child's environment: an allow-list of harmless variables, never a secret."""
    env = {k: v for k, v in base.items() if k in KEEP_ENV and not SECRET_PATTERN.search(k)}
    env.setdefault("PATH", "/usr/bin:/bin")
    env.update(THREAD_ENV)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONNOUSERSITE"] = "1"
    if home is not None:
        env["HOME"] = env["TMPDIR"] = home
    return env


def apply_rlimits(limits: SandboxLimits) -> list[str]:
    """Kernel-enforced caps on this process and every process it forks."""
    cpu = limits.effective_cpu_seconds
    settings = [
        ("RLIMIT_AS", resource.RLIMIT_AS, limits.memory_bytes, limits.memory_bytes),
        # Soft limit: SIGXCPU (reported as a CPU-limit failure); hard: SIGKILL a second later.
        ("RLIMIT_CPU", resource.RLIMIT_CPU, cpu, cpu + 1),
        ("RLIMIT_FSIZE", resource.RLIMIT_FSIZE, limits.max_file_bytes, limits.max_file_bytes),
        ("RLIMIT_CORE", resource.RLIMIT_CORE, 0, 0),
        ("RLIMIT_NOFILE", resource.RLIMIT_NOFILE, limits.max_open_files, limits.max_open_files),
    ]
    # RLIMIT_NPROC counts every process of the real user, so it is a cap on top of what the
    # user already runs; root ignores it (the pids cgroup covers root).
    if os.getuid() != 0:
        running = _processes_of_user(os.getuid())
        total = running + limits.max_processes
        settings.append(("RLIMIT_NPROC", resource.RLIMIT_NPROC, total, total))
    applied = []
    for name, which, soft, hard in settings:
        try:
            _, current_hard = resource.getrlimit(which)
            if current_hard != resource.RLIM_INFINITY:
                soft, hard = min(soft, current_hard), min(hard, current_hard)
            resource.setrlimit(which, (soft, hard))
            applied.append(name)
        except (ValueError, OSError):
            continue
    return applied


def apply_rlimits_core_only() -> None:
    """No core files: a crash must not write hundreds of megabytes next to the task."""
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _processes_of_user(uid: int) -> int:
    count = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if entry.stat().st_uid == uid:
                    count += 1
    return count


def unshare(flags: int) -> bool:
    """``unshare(2)``; False where the kernel or our privileges do not allow it."""
    try:
        _check(libc().unshare(flags), "unshare")
    except (OSError, AttributeError):
        return False
    return True


def readonly_filesystem(writable: Iterable[str]) -> bool:
    """In a fresh mount namespace, remount every mount read-only, then the ``writable`` folders
    read-write. Files outside the scratch folder then cannot be created whatever the code does.
    Needs CAP_SYS_ADMIN; the namespace (and so every change here) disappears with the process."""
    if not unshare(CLONE_NEWNS):
        return False
    lib = libc()
    keep = {os.path.realpath(f) for f in writable}
    try:
        _check(lib.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), "make / private")
        # Bind the writable folders first (a bind of a read-only mount would be read-only),
        # then make every other mount read-only.
        for folder in keep:
            path = os.fsencode(folder)
            _check(lib.mount(path, path, None, MS_BIND | MS_REC, None), f"bind {folder}")
        for mount_point, flags in _mounts():
            if mount_point in keep:
                continue
            # Keep nosuid/nodev/noexec: dropping a flag on remount is refused in some setups.
            result = lib.mount(
                None, mount_point.encode(), None, MS_REMOUNT | MS_BIND | MS_RDONLY | flags, None
            )
            if result != 0 and mount_point == "/":
                _check(result, "remount / read-only")
    except OSError:
        return False
    return True


def _mounts() -> list[tuple[str, int]]:
    mounts = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        fields = line.split()
        options = set(fields[5].split(","))
        flags = (
            (MS_NOSUID if "nosuid" in options else 0)
            | (MS_NODEV if "nodev" in options else 0)
            | (MS_NOEXEC if "noexec" in options else 0)
        )
        mounts.append((fields[4].replace("\\040", " "), flags))
    return mounts


def set_parent_death_signal(sig: int = signal.SIGKILL) -> bool:
    """Die with the parent: a sandbox child must never outlive its supervisor."""
    try:
        _check(libc().prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0), "prctl(PR_SET_PDEATHSIG)")
    except (OSError, AttributeError):
        return False
    return True


def set_child_subreaper() -> bool:
    """Orphans of our descendants are re-parented to us, so we can find and kill them."""
    try:
        _check(libc().prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), "prctl(PR_SET_CHILD_SUBREAPER)")
    except (OSError, AttributeError):
        return False
    return True


def pids_cgroup_path(job_id: str) -> Path | None:
    """Where this job's pids cgroup goes (cgroup v1 pids hierarchy, or v2 with pids enabled)."""
    for root in PIDS_CGROUP_ROOTS:
        v1 = root.name == "pids" and (root / "cgroup.procs").exists()
        v2 = "pids" in _read(root / "cgroup.subtree_control").split()
        if v1 or v2:
            return root / f"{CGROUP_PREFIX}{job_id}"
    return None


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def join_pids_cgroup(job_id: str, max_processes: int) -> Path | None:
    """Put this process in a new pids cgroup capped at ``max_processes``; None if impossible."""
    path = pids_cgroup_path(job_id)
    if path is None:
        return None
    try:
        path.mkdir(exist_ok=True)
        (path / "pids.max").write_text(str(max_processes))
        (path / "cgroup.procs").write_text(str(os.getpid()))
    except OSError:
        with contextlib.suppress(OSError):
            path.rmdir()
        return None
    return path


def signal_cgroup(path: Path, sig: int = signal.SIGKILL) -> None:
    """Send ``sig`` once to every process in the cgroup."""
    for pid in (int(p) for p in _read(path / "cgroup.procs").split()):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, sig)


def kill_cgroup(path: Path, attempts: int = 50) -> None:
    """SIGKILL every process in the cgroup until it is empty, then remove it."""
    procs = path / "cgroup.procs"
    for _ in range(attempts):
        pids = [int(p) for p in _read(procs).split()]
        if not pids:
            break
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.01)
    with contextlib.suppress(OSError):
        path.rmdir()
