"""Reconnaissance: what the sandbox looks like from inside (the test checks the layers)."""

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
        import sys

        os = sys.modules["os"]  # past the restricted os task code gets

        with open("/proc/self/status") as f:
            status = f.read()
        keep = [line for line in status.splitlines() if line.startswith(("Cap", "NoNewPrivs", "Seccomp:", "Uid"))]
        with open("/proc/net/dev") as f:
            net = f.read()
        interfaces = sorted(line.split(":")[0].strip() for line in net.splitlines()[2:])
        pids = sorted(int(x) for x in os.listdir("/proc") if x.isdigit())
        raise ValueError(
            f"STATUS {'; '.join(keep)} IFACES {interfaces} PIDS {pids} ROOT {sorted(os.listdir('/'))} "
            f"ENV {sorted(os.environ)} UID {os.getuid()}"
        )
