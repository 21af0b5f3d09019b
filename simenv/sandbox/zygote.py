"""The fork server ("zygote") and its client.

Importing numpy, SciPy and PyBullet takes about a second; a validation of a simple task takes
less. So one long-lived server process imports them once, and forks a fresh child for every
validation: each validation still runs in a process of its own that dies afterwards, but the
fork costs milliseconds instead of an interpreter start.

The server is started with a scrubbed environment (no secrets are in its memory to inherit), is
a child subreaper (orphans of a killed task come back to it and are killed), and speaks JSON
lines: requests on its stdin, events on its stdout. When its stdin closes (the parent exited or
died) it kills every job and exits, so it never outlives the run.

Requests: ``{"op": "run", "job": {...}}`` and ``{"op": "kill", "job_id": ...}``.
Events: ``ready``, ``started`` (with the child's pid) and ``exited`` (exit code, negative for a
signal; CPU seconds used).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from typing import Any

from simenv.sandbox import isolation

#: Imported once in the server, shared by every child (copy-on-write). simenv's own modules
#: are left to the child: some create temporary folders at import, which belong in the job's
#: scratch folder.
PRELOAD = (
    "numpy",
    "scipy.spatial.transform",
    "scipy.ndimage",
    "scipy.optimize",
    "pybullet",
    "pydantic",
    "simenv.report",
)
READY_TIMEOUT = 120.0
EXIT_INTERNAL_ERROR = 70


# ----------------------------------------------------------------------------- server side


class _Server:
    def __init__(self, out_fd: int) -> None:
        self.out_fd = out_fd
        self.jobs: dict[int, str] = {}  # pid -> job id
        self.pidfds: dict[int, int] = {}  # pidfd -> pid
        self.buffer = b""

    def send(self, event: dict[str, Any]) -> None:
        data = (json.dumps(event) + "\n").encode()
        while data:
            data = data[os.write(self.out_fd, data) :]

    def run(self) -> None:
        self.send({"event": "ready", "pid": os.getpid()})
        while True:
            try:
                ready, _, _ = select.select([0, *self.pidfds], [], [], 0.25)
            except InterruptedError:
                continue
            for fd in ready:
                if fd == 0:
                    chunk = os.read(0, 1 << 16)
                    if not chunk:
                        self.shutdown()
                        return
                    self.buffer += chunk
                    while b"\n" in self.buffer:
                        line, self.buffer = self.buffer.split(b"\n", 1)
                        if line.strip():
                            self.handle(json.loads(line))
                else:
                    pid = self.pidfds.pop(fd)
                    os.close(fd)
                    self.finish(pid)
            if len(self.pidfds) < len(self.jobs):
                self.poll_without_pidfd()
            self.kill_orphans()

    def handle(self, request: dict[str, Any]) -> None:
        if request["op"] == "run":
            self.start(request["job"])
        elif request["op"] == "kill":
            for pid, job_id in self.jobs.items():
                if job_id == request["job_id"]:
                    self.kill_job(pid, job_id)

    def start(self, job: dict[str, Any]) -> None:
        pid = os.fork()
        if pid == 0:
            try:
                os.close(self.out_fd)
                for fd in self.pidfds:
                    os.close(fd)
                from simenv.sandbox.child import run_job

                run_job(job)
            finally:
                os._exit(EXIT_INTERNAL_ERROR)
        self.jobs[pid] = job["job_id"]
        # Without pidfds (old kernels) poll_without_pidfd notices the exit instead.
        with contextlib.suppress(AttributeError, OSError):
            self.pidfds[os.pidfd_open(pid)] = pid
        self.send({"event": "started", "job_id": job["job_id"], "pid": pid})

    def poll_without_pidfd(self) -> None:
        """Old kernels have no pidfd: look (without reaping) for jobs that have ended."""
        watched = set(self.pidfds.values())
        for pid in [p for p in self.jobs if p not in watched]:
            try:
                ended = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            except ChildProcessError:
                ended = None
            if ended is not None:
                self.finish(pid)

    def finish(self, pid: int) -> None:
        """Reap the job, kill whatever it left behind, then tell the client."""
        try:
            _, status, usage = os.wait4(pid, 0)
            exit_code: int | None = os.waitstatus_to_exitcode(status)
            cpu = usage.ru_utime + usage.ru_stime
        except ChildProcessError:
            exit_code, cpu = None, 0.0
        job_id = self.jobs.pop(pid)
        self.kill_job(pid, job_id)
        self.kill_orphans()
        self.send(
            {
                "event": "exited",
                "job_id": job_id,
                "pid": pid,
                "exit_code": exit_code,
                "cpu_seconds": round(cpu, 3),
            }
        )

    def kill_job(self, pid: int, job_id: str) -> None:
        """SIGKILL the job's process group and everything in its pids cgroup (which holds even
        the processes that left the group with setsid). Once the job is reaped, the cgroup is
        emptied and removed."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
        if pid in self.jobs:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        cgroup = isolation.pids_cgroup_path(job_id)
        if cgroup is None or not cgroup.exists():
            return
        if pid in self.jobs:
            isolation.signal_cgroup(cgroup)
        else:
            isolation.kill_cgroup(cgroup)

    def kill_orphans(self) -> None:
        """Children we did not fork are orphans of a job (we are their subreaper): kill them."""
        me = os.getpid()
        for pid in children_of(me):
            if pid in self.jobs:
                continue
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)

    def shutdown(self) -> None:
        for pid, job_id in list(self.jobs.items()):
            self.kill_job(pid, job_id)
        for pid in list(self.jobs):
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
            job_id = self.jobs.pop(pid)
            cgroup = isolation.pids_cgroup_path(job_id)
            if cgroup is not None and cgroup.exists():
                isolation.kill_cgroup(cgroup)
        self.kill_orphans()


def children_of(parent: int) -> list[int]:
    """Pids whose parent is ``parent`` (from /proc; no psutil needed)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # The command name may contain spaces and parentheses: split after the last ')'.
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) > 1 and int(fields[1]) == parent:
            found.append(int(entry))
    return found


def serve() -> None:
    """Server main: keep the protocol pipe, silence stdout (PyBullet prints), preload, loop."""
    out_fd = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the client decides when we stop
    sys.dont_write_bytecode = True
    for module in PRELOAD:
        __import__(module)
    isolation.set_child_subreaper()
    _Server(out_fd).run()


# ----------------------------------------------------------------------------- client side


@dataclass
class JobHandle:
    """A submitted job: set ``done`` once the server reports its exit."""

    job_id: str
    started: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    pid: int | None = None
    exit_code: int | None = None
    cpu_seconds: float = 0.0
    lost: bool = False  # the server died before the job ended

    def wait(self, timeout: float | None) -> bool:
        return self.done.wait(timeout)


class ZygoteError(RuntimeError):
    """The fork server could not be started or died."""


class ZygoteClient:
    """Thread-safe handle to one fork server; started on first use, restarted if it died."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._jobs: dict[str, JobHandle] = {}
        self._ready = threading.Event()
        self.server_pid: int | None = None

    def _ensure_running(self) -> subprocess.Popen[bytes]:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        self._ready.clear()
        env = isolation.scrubbed_environment(os.environ)
        # The child must import simenv exactly as we do (editable installs, test runs).
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        proc = subprocess.Popen(
            [sys.executable, "-m", "simenv.sandbox.zygote"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            close_fds=True,
            start_new_session=True,
            cwd="/",
        )
        self._proc = proc
        threading.Thread(target=self._read, args=(proc,), daemon=True, name="simgen-zygote").start()
        if not self._ready.wait(READY_TIMEOUT):
            proc.kill()
            raise ZygoteError(f"the sandbox fork server did not start within {READY_TIMEOUT:g} s")
        if proc.poll() is not None:
            raise ZygoteError(f"the sandbox fork server exited with code {proc.returncode}")
        return proc

    def _read(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            event = json.loads(line)
            kind = event["event"]
            if kind == "ready":
                self.server_pid = event["pid"]
                self._ready.set()
                continue
            with self._lock:
                handle = self._jobs.get(event["job_id"])
            if handle is None:
                continue
            if kind == "started":
                handle.pid = event["pid"]
                handle.started.set()
            elif kind == "exited":
                handle.exit_code = event["exit_code"]
                handle.cpu_seconds = event["cpu_seconds"]
                with self._lock:
                    self._jobs.pop(handle.job_id, None)
                handle.done.set()
        # The server is gone: every job still pending is lost (its processes died with it).
        self._ready.set()
        with self._lock:
            pending, self._jobs = list(self._jobs.values()), {}
        for handle in pending:
            handle.lost = True
            handle.started.set()
            handle.done.set()

    def _send(self, request: dict[str, Any]) -> None:
        proc = self._ensure_running()
        assert proc.stdin is not None
        proc.stdin.write((json.dumps(request) + "\n").encode())
        proc.stdin.flush()

    def submit(self, job: dict[str, Any]) -> JobHandle:
        handle = JobHandle(job["job_id"])
        with self._lock:
            self._jobs[handle.job_id] = handle
            try:
                self._send({"op": "run", "job": job})
            except (OSError, ZygoteError):
                self._jobs.pop(handle.job_id, None)
                raise
        return handle

    def kill(self, job_id: str) -> None:
        with self._lock, contextlib.suppress(OSError, ZygoteError):
            self._send({"op": "kill", "job_id": job_id})

    def close(self, timeout: float = 10.0) -> None:
        """Close the server's stdin: it kills its jobs and exits."""
        with self._lock:
            proc, self._proc = self._proc, None
        if proc is None:
            return
        with contextlib.suppress(OSError):
            if proc.stdin is not None:
                proc.stdin.close()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


_client: ZygoteClient | None = None
_client_lock = threading.Lock()


def get_client() -> ZygoteClient:
    """The process-wide fork server client (one per process; forked children get a new one)."""
    global _client
    with _client_lock:
        if _client is None or _client_pid != os.getpid():
            _set_client(ZygoteClient())
        assert _client is not None
        return _client


_client_pid = -1


def _set_client(client: ZygoteClient) -> None:
    global _client, _client_pid
    _client, _client_pid = client, os.getpid()


def shutdown() -> None:
    """Stop the fork server (also registered at exit)."""
    if _client is not None and _client_pid == os.getpid():
        _client.close()


atexit.register(shutdown)

if __name__ == "__main__":
    serve()
