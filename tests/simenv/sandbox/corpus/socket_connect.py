"""Network: connect to a server on the host's loopback."""

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
        import socket

        socket.create_connection(("127.0.0.1", PORT), timeout=2).sendall(b"escaped")
        raise ValueError("connected")
