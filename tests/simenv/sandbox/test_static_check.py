"""The static layer: what task code may import and touch, and how a rejection reads."""

from __future__ import annotations

import pytest

from simenv.sandbox.static_check import check_source, format_violations, module_allowed
from simenv.tasks import list_tasks

HEADER = "import numpy as np\nfrom cliport.tasks.task import Task\n"


@pytest.mark.parametrize("info", list_tasks(), ids=lambda info: info.name)
def test_every_seed_task_passes_the_static_check(info: object) -> None:
    assert check_source(info.path.read_text()) == []  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "module",
    [
        "numpy",
        "numpy.random",
        "math",
        "random",
        "copy",
        "pprint",
        "os",
        "os.path",
        "IPython",
        "itertools",
        "functools",
        "collections",
        "collections.abc",
        "typing",
        "dataclasses",
        "enum",
        "pybullet",
        "__future__",
        "simenv.task",
        "simenv.utils",
        "simenv.primitives",
        "simenv.grippers",
        "cliport.tasks.task",
        "cliport.utils.utils",
        "cliport.tasks.primitives",
        "cliport.tasks.grippers",
        "cliport",
    ],
)
def test_allowed_modules(module: str) -> None:
    assert module_allowed(module)


@pytest.mark.parametrize(
    "module",
    [
        "sys",
        "subprocess",
        "socket",
        "ctypes",
        "importlib",
        "builtins",
        "pathlib",
        "shutil",
        "pickle",
        "time",
        "simenv.validation",
        "simenv.sandbox",
        "numpy.ctypeslib",
        "numpyx",
    ],
)
def test_rejected_modules(module: str) -> None:
    assert not module_allowed(module)


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("import os\nos.system('ls')", "os.system"),
        ("from os import system", "os.system"),
        ("from subprocess import run", "subprocess"),
        ("import importlib", "importlib"),
        ("from . import x", "."),
        ("eval('1')", "eval"),
        ("exec('x = 1')", "exec"),
        ("compile('1', 'f', 'eval')", "compile"),
        ("open('/etc/passwd')", "open"),
        ("__import__('os')", "__import__"),
        ("x = __builtins__", "__builtins__"),
        ("().__class__.__bases__[0].__subclasses__()", "__subclasses__"),
        ("f = lambda: 0\nf.__globals__", "__globals__"),
        ("getattr(np, '__builtins__')", "getattr(..., '__builtins__')"),
        ("name = 'x'\ngetattr(np, name)", "getattr"),
        ("np.random._os", "np.random._os"),
        ("from numpy import ctypeslib", "numpy.ctypeslib"),
        ("import operator\n", "operator"),
        ("k = '__subclasses__'", "__subclasses__"),
        ("exit(1)", "exit"),
        ("from simenv import validation", "simenv.validation"),
        ("from simenv import sandbox", "simenv.sandbox"),
        ("import random\nrandom._os.system('ls')", "random._os"),
    ],
)
def test_rejections_name_the_construct_and_line(code: str, name: str) -> None:
    violations = check_source(HEADER + code)
    assert violations, code
    assert any(v.name == name for v in violations), [v.name for v in violations]
    assert all(v.line >= 3 for v in violations)
    message = format_violations("task.py", violations)
    assert "task.py" in message and f"line {violations[0].line}" in message


def test_ordinary_task_code_is_accepted() -> None:
    code = HEADER + (
        "from simenv import utils, primitives\n"
        "from collections import namedtuple\n"
        "class T(Task):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self._private = getattr(self, 'max_steps')\n"
        "        self.name = self.__class__.__name__\n"
    )
    assert check_source(code) == []


def test_syntax_errors_are_left_to_the_loader() -> None:
    assert check_source("class Broken(Task)\n") == []
