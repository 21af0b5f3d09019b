"""The static layer of the sandbox: an import allow-list and a ban on Python's escape hatches.

A task program only needs numpy, a little of the standard library, PyBullet and the task API.
Rejecting everything else *before* the code runs turns most hostile or careless programs
(``import os``, ``subprocess``, ``eval``, ``().__class__.__bases__[0].__subclasses__()``) into a
``parse``-stage report that names the line and says what to do instead, which an LLM can act
on. It is not a proof of safety: Python is too dynamic for that, so the child process's limits
(see ``child.py``) must hold on their own, and they do.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from simenv.compat import ALIASES, PACKAGES

#: Libraries (and their submodules) that task code may import, in the order errors list them.
ALLOWED_LIBRARIES: tuple[str, ...] = (
    "numpy",
    "math",
    "random",
    "copy",
    "pprint",
    "itertools",
    "functools",
    "collections",
    "typing",
    "dataclasses",
    "enum",
    "pybullet",
)
#: Modules (and their submodules) that task code may import.
ALLOWED_MODULES: frozenset[str] = frozenset({"__future__", *ALLOWED_LIBRARIES})
#: Modules task code gets a restricted stand-in for (``simenv.shims``): ``os`` is ``os.path``'s
#: pure functions, ``IPython`` a stub whose ``embed()`` does nothing.
SHIMMED_MODULES: frozenset[str] = frozenset({"os", "os.path", "IPython"})
#: The task API: the simenv modules a task file uses, and their ``cliport.*`` aliases.
TASK_API_MODULES: frozenset[str] = frozenset(
    {
        "simenv",
        "simenv.task",
        "simenv.utils",
        "simenv.primitives",
        "simenv.grippers",
        "simenv.cameras",
        "simenv.environment",
        "simenv.constants",
        "simenv.errors",
        "simenv.kitting",
        "simenv.piles",
        "simenv.deformables",
        *ALIASES,
        *PACKAGES,
    }
)
#: Submodules of allowed packages that reach the OS or native memory.
DENIED_SUBMODULES: frozenset[str] = frozenset(
    {"numpy.ctypeslib", "numpy.f2py", "numpy.distutils", "numpy.testing", "numpy.lib.format"}
)

#: Builtins that run, compile or reach arbitrary code, files or the interpreter.
DENIED_BUILTINS: dict[str, str] = {
    "eval": "compute the value directly instead of evaluating a string",
    "exec": "write the code directly instead of executing a string",
    "compile": "write the code directly instead of compiling a string",
    "open": "task code cannot read or write files; build objects with env.add_object and "
    "self.fill_template",
    "__import__": "use an import statement of an allowed module at the top of the file",
    "globals": "refer to names directly",
    "locals": "refer to names directly",
    "vars": "refer to attributes directly",
    "breakpoint": "remove the debugging call",
    "input": "task code cannot read input; use constants or np.random",
    "exit": "raise an exception (e.g. ValueError) instead of exiting the process",
    "quit": "raise an exception (e.g. ValueError) instead of exiting the process",
    "help": "remove the call",
    "memoryview": "use numpy arrays",
    "__builtins__": "use builtins by name",
    "__loader__": "remove the reference",
    "__spec__": "remove the reference",
}
#: getattr/setattr/delattr/hasattr are allowed only with a literal, harmless attribute name.
ATTRIBUTE_FUNCTIONS = frozenset({"getattr", "setattr", "delattr", "hasattr"})
#: Dunder attributes that a task may use; every other ``__x__`` attribute is rejected.
ALLOWED_DUNDERS = frozenset({"__init__", "__name__", "__class__", "__doc__", "__qualname__"})
#: Non-dunder attributes that expose frames, code objects or builtins.
DENIED_ATTRIBUTES = frozenset(
    {
        "f_globals",
        "f_locals",
        "f_builtins",
        "f_back",
        "f_code",
        "gi_frame",
        "gi_code",
        "cr_frame",
        "cr_code",
        "ag_frame",
        "tb_frame",
        "tb_next",
        "co_code",
        "mro",
    }
)
#: Attributes of an imported module that lead out of the allow-list (``random._os``,
#: ``typing.sys``, ``simenv.utils.np``); private names (``_x``) are rejected too.
DENIED_MODULE_ATTRIBUTES = frozenset(
    {
        "os",
        "sys",
        "subprocess",
        "importlib",
        "builtins",
        "ctypes",
        "ctypeslib",
        "socket",
        "shutil",
        "io",
        "pathlib",
        "Path",
        "pkgutil",
        "inspect",
        "tempfile",
        "signal",
        "threading",
        "multiprocessing",
        "pickle",
        "marshal",
        "types",
        "gc",
        "resource",
        "load",
        "save",
        "savez",
        "savetxt",
        "loadtxt",
        "fromfile",
        "tofile",
        "memmap",
        "genfromtxt",
        "DataSource",
        "system",
    }
)


def allowed_summary() -> str:
    """What task code may import, in words, for the errors that refuse an import.

    Derived from the allow-list above and the ``cliport.*`` aliases (``simenv.compat``), so the
    words cannot drift from what is checked; the loader quotes it when an import fails.
    """
    libraries = ", ".join(m for m in ALLOWED_LIBRARIES if m != "pybullet")
    task_api = ", ".join(f"{real} / {alias}" for alias, real in ALIASES.items())
    return f"{libraries}, os (os.path only), pybullet and the task API ({task_api})"


ALLOWED_SUMMARY = allowed_summary()


@dataclass(frozen=True)
class Violation:
    """One construct the static check rejects: where it is, what it is, how to fix it."""

    line: int
    name: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def module_allowed(name: str) -> bool:
    """Whether ``import name`` is allowed (allow-listed packages include their submodules)."""
    if name in DENIED_SUBMODULES or any(name.startswith(d + ".") for d in DENIED_SUBMODULES):
        return False
    if name in TASK_API_MODULES or name in SHIMMED_MODULES:
        return True
    return any(name == root or name.startswith(root + ".") for root in ALLOWED_MODULES)


class _Checker(ast.NodeVisitor):
    def __init__(self) -> None:
        self.violations: list[Violation] = []
        #: Names bound to modules by import statements (``np``, ``p``, ``utils``...).
        self.module_names: set[str] = set()

    def add(self, node: ast.AST, name: str, message: str) -> None:
        self.violations.append(Violation(getattr(node, "lineno", 0), name, message))

    def reject_import(self, node: ast.AST, name: str) -> None:
        self.add(
            node,
            name,
            f"import of '{name}' is not allowed in task code. Task files may import only "
            f"{ALLOWED_SUMMARY}. Remove the import and do the work with those modules.",
        )

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if not module_allowed(alias.name):
                self.reject_import(node, alias.name)
            self.module_names.add((alias.asname or alias.name).split(".")[0])
        self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level:
            self.add(
                node,
                "." * node.level + module,
                "relative imports are not allowed in task code; import the task API by its "
                "full name (from cliport.tasks.task import Task).",
            )
        elif not module_allowed(module):
            self.reject_import(node, module)
        else:
            for alias in node.names:
                if alias.name == "*":
                    self.add(
                        node,
                        f"{module}.*",
                        f"'from {module} import *' is not allowed; import the names you use.",
                    )
                    continue
                full = f"{module}.{alias.name}"
                if module == "__future__":
                    continue
                if (
                    full in DENIED_SUBMODULES
                    or _is_forbidden_simenv_module(full)
                    or alias.name.startswith("_")
                    or alias.name in DENIED_MODULE_ATTRIBUTES
                ):
                    self.add(
                        node,
                        full,
                        f"'{full}' is not allowed in task code: it reaches "
                        "outside the allowed modules or into their private parts; use the "
                        "public task API and numpy instead.",
                    )
                # `from simenv import utils` binds a module.
                if module_allowed(full):
                    self.module_names.add(alias.asname or alias.name)
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in DENIED_BUILTINS:
            self.add(
                node,
                node.id,
                f"'{node.id}' is not allowed in task code; {DENIED_BUILTINS[node.id]}.",
            )
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        attr = node.attr
        if attr.startswith("__") and attr.endswith("__") and attr not in ALLOWED_DUNDERS:
            self.add(
                node,
                attr,
                f"access to '{attr}' is not allowed in task code (it is an "
                "escape hatch out of the sandbox); use the task API directly.",
            )
        elif attr in DENIED_ATTRIBUTES:
            self.add(
                node,
                attr,
                f"access to '{attr}' (frames and code objects) is not allowed in task code.",
            )
        elif (attr.startswith("_") or attr in DENIED_MODULE_ATTRIBUTES) and (
            _root_name(node) in self.module_names
        ):
            dotted = ast.unparse(node)
            self.add(
                node,
                dotted,
                f"'{dotted}' is not allowed in task code: it reaches outside "
                "the allowed modules or into their private parts; use their public functions.",
            )
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name) and func.id in ATTRIBUTE_FUNCTIONS and len(node.args) >= 2:
            name = node.args[1]
            if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
                self.add(
                    node,
                    func.id,
                    f"{func.id}() with a computed attribute name is not "
                    "allowed in task code; write the attribute name literally "
                    f"({func.id}(obj, 'name') or obj.name).",
                )
            elif _dangerous_name(name.value):
                self.add(
                    node,
                    f"{func.id}(..., {name.value!r})",
                    f"{func.id}() of '{name.value}' is not allowed in task code (an escape hatch).",
                )
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        # A denied dunder spelled as a string is only useful to reach it indirectly
        # (operator.attrgetter, getattr through an alias...).
        if isinstance(node.value, str) and node.value in _DENIED_STRINGS:
            self.add(
                node,
                node.value,
                f"the string '{node.value}' names an escape hatch and is not allowed in task code.",
            )


_DENIED_STRINGS = frozenset(
    {
        "__subclasses__",
        "__globals__",
        "__builtins__",
        "__import__",
        "__code__",
        "__bases__",
        "__base__",
        "__mro__",
        "__getattribute__",
        "__dict__",
        "__closure__",
        "__loader__",
        "f_globals",
        "f_builtins",
        "__reduce__",
        "__reduce_ex__",
    }
)


SIMENV_ROOT = Path(__file__).resolve().parents[1]


def _is_forbidden_simenv_module(name: str) -> bool:
    """``from simenv import validation``: a simenv module outside the task API."""
    if not name.startswith("simenv.") or module_allowed(name):
        return False
    candidate = SIMENV_ROOT.joinpath(*name.split(".")[1:])
    return candidate.with_suffix(".py").exists() or candidate.is_dir()


def _root_name(node: ast.Attribute) -> str | None:
    """``np`` for ``np.random._os``: the name an attribute chain starts from."""
    value: ast.expr = node.value
    while isinstance(value, ast.Attribute):
        value = value.value
    return value.id if isinstance(value, ast.Name) else None


def _dangerous_name(name: str) -> bool:
    dunder = name.startswith("__") and name.endswith("__") and name not in ALLOWED_DUNDERS
    return dunder or name in DENIED_ATTRIBUTES or name in DENIED_BUILTINS


def check_tree(tree: ast.AST) -> list[Violation]:
    """Every rejected construct in a parsed task program, in source order."""
    checker = _Checker()
    checker.visit(tree)
    return sorted(checker.violations, key=lambda v: v.line)


def check_source(source: str, filename: str = "<task>") -> list[Violation]:
    """Parse and check; a syntax error is left to the loader, which reports it with context."""
    try:
        tree = ast.parse(source, filename=filename)
    except SyntaxError:
        return []
    return check_tree(tree)


def format_violations(path: str | Path, violations: list[Violation], limit: int = 8) -> str:
    """One report message: the first few violations, each with its line and its fix."""
    name = Path(path).name
    lines = [f"{name} uses {len(violations)} construct(s) that the sandbox does not allow:"]
    lines += [f"  - {v}" for v in violations[:limit]]
    if len(violations) > limit:
        lines.append(f"  - ... and {len(violations) - limit} more")
    return "\n".join(lines)
