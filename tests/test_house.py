"""The house rules, checked on the source: modules talk through public names, no cycles.

* No module imports another module's private (``_name``) names, and no module reads
  or writes an underscore attribute that it does not define itself (``memory._store``
  from a structure, say). Private *modules* (``agentmem._apply``) are package
  internals: importing their public names from inside the package is fine.
* No import cycles between the project's modules (imports under ``TYPE_CHECKING``
  are left out: they never run).
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _load_import_graph():
    # docs/import_graph.py draws the picture in docs/architecture.md from the same graph.
    spec = importlib.util.spec_from_file_location("import_graph", ROOT / "docs" / "import_graph.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


graphs = _load_import_graph()


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _names_defined(tree: ast.AST) -> set[str]:
    """Every name a module binds: functions, classes, variables, arguments, attributes set."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.attr)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
    return names


def test_no_module_uses_another_modules_private_names():
    problems = []
    for path in sorted(graphs.modules().values()):
        tree = ast.parse(path.read_text())
        own = _names_defined(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                problems += [f"{path.relative_to(ROOT)}:{node.lineno} imports {a.name} from "
                             f"{node.module}" for a in node.names if _private(a.name)]
            elif (isinstance(node, ast.Attribute) and _private(node.attr)
                  and node.attr not in own):
                problems.append(f"{path.relative_to(ROOT)}:{node.lineno} uses .{node.attr}, "
                                "which another module defines")
    assert not problems, "\n".join(problems)


def test_no_import_cycles():
    found = graphs.cycles(graphs.import_graph())
    assert not found, f"import cycles: {found}"


def test_the_cycle_finder_finds_a_cycle():
    assert graphs.cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_private_name_check_catches_a_reach_in():
    """The private-name check flags a reach-in and a private import (guards the guard)."""
    tree = ast.parse("from agentmem.memory import _epoch\n"
                     "def f(memory):\n    return memory._store\n")
    own = _names_defined(tree)
    flagged = [n for n in ast.walk(tree) if (isinstance(n, ast.ImportFrom) and any(
        _private(a.name) for a in n.names)) or (isinstance(n, ast.Attribute) and _private(
            n.attr) and n.attr not in own)]
    assert len(flagged) == 2
