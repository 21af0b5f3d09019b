"""A forged verdict: patch the validator in this process, forge report lines on every descriptor, exit."""

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
        import json
        import sys

        os = sys.modules["os"]  # past the restricted os task code gets

        passed = {"target": "x", "passed": True, "stage": "passed", "success_rate": 1.0}
        validation = sys.modules.get("simenv.validation")
        if validation is not None:
            validation.judge = lambda *args, **kwargs: passed
            validation.fail = lambda report, failure: report
        line = (json.dumps(passed) + "\n" + json.dumps({"report": passed}) + "\n").encode()
        for fd in range(0, 64):
            try:
                os.write(fd, line + b'{"done": true}\n')
            except OSError:
                pass
        for pid in range(1, 4096):
            try:
                np.frombuffer(line, dtype=np.uint8).tofile(f"/proc/{pid}/fd/1")
            except Exception:
                pass
        os._exit(0)
