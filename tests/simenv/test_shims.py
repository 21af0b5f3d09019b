"""The modules task code gets for ``import os`` and ``import IPython`` (``simenv.shims``)."""

from __future__ import annotations

from typing import Any

import pytest

from simenv.assets import ASSET_ROOT
from simenv.compat import cliport_aliases
from simenv.dialect import collect_warnings
from simenv.errors import TaskCodeError
from simenv.shims import task_builtins


def _run(code: str) -> dict[str, Any]:
    """Execute ``code`` as task code is executed: with the task builtins."""
    namespace: dict[str, Any] = {"__builtins__": task_builtins(), "__name__": "task"}
    exec(compile(code, "task.py", "exec"), namespace)
    return namespace


def test_os_path_join_names_an_asset() -> None:
    ns = _run(
        "import os\nurdf = os.path.join(str(ROOT), 'block', 'block.urdf')".replace(
            "ROOT", repr(str(ASSET_ROOT))
        )
    )
    assert ns["urdf"] == str(ASSET_ROOT / "block" / "block.urdf")
    ns = _run("from os.path import join, basename\nname = basename(join('a', 'b.urdf'))")
    assert ns["name"] == "b.urdf"
    ns = _run(
        "import os.path\nsep = os.sep\nexists = os.path.exists(X)".replace(
            "X", repr(str(ASSET_ROOT / "block/block.urdf"))
        )
    )
    assert ns["sep"] == "/" and ns["exists"] is True


@pytest.mark.parametrize(
    "code", ["import os\nos.system('ls')", "import os\nos.environ", "import os\nos.getcwd()"]
)
def test_os_beyond_path_says_what_is_available(code: str) -> None:
    with pytest.raises(AttributeError, match="is not available to task code.*os.path"):
        _run(code)


def test_os_path_does_not_look_outside_the_asset_root() -> None:
    with pytest.raises(TaskCodeError, match="only look at files under the asset root"):
        _run("import os\nos.path.exists('/etc/passwd')")


def test_os_submodules_are_not_available() -> None:
    with pytest.raises(ImportError, match="restricted to os.path"):
        _run("import os.environ")


def test_task_modules_get_their_own_os() -> None:
    first, second = _run("import os"), _run("import os")
    first["os"].path.join = None
    assert second["os"].path.join("a", "b") == "a/b"


def test_ipython_is_a_stub_with_a_warning() -> None:
    with collect_warnings() as log:
        ns = _run("import IPython\nIPython.embed()\nfrom IPython import embed")
    assert ns["embed"]() is None
    assert [m.split(": import IPython")[0] for m in log.messages] == [
        "task.py line 1",
        "task.py line 3",
    ]


def test_other_imports_are_pythons() -> None:
    cliport_aliases()
    ns = _run("import numpy as np\nimport copy, pprint\nfrom cliport.tasks.task import Task")
    assert ns["np"].__name__ == "numpy" and ns["Task"].__name__ == "Task"
