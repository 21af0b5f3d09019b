"""Hostile/broken corpus: connects to a server on 127.0.0.1 (no network allowed)."""
# ruff: noqa

import socket
import numpy as np
from cliport.tasks.task import Task


class CorpusSocketConnect(Task):
    def __init__(self):
        super().__init__()
        self.max_steps = 3
        self.lang_template = "put the block in the bowl"
        self.additional_reset()

    def reset(self, env):
        super().reset(env)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(2)
        s.connect(("127.0.0.1", __PORT__))
        s.sendall(b"escaped")
