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


def _defined_in(body: list[ast.stmt]) -> set[str]:
    """Names a class or module body binds itself: its functions, classes, assignments and
    the attributes its methods set on ``self``/``cls``."""
    names = set()
    for stmt in body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(stmt.name)
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif (isinstance(node, ast.Attribute) and isinstance(node.ctx, (ast.Store, ast.Del))
                  and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                names.add(node.attr)
    return names


class _ReachIns(ast.NodeVisitor):
    """``x._name`` is fine on ``self``/``cls``, or when the enclosing class (or, outside a
    class, the module) defines ``_name`` itself: a classmethod using a new instance's
    helper. Anything else reads another module's internals."""

    def __init__(self, module: ast.Module):
        self.scopes = [_defined_in(module.body)]
        self.found: list[tuple[int, str]] = []

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.scopes.append(_defined_in(node.body))
        self.generic_visit(node)
        self.scopes.pop()

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if _private(node.attr) and not (isinstance(node.value, ast.Name) and node.value.id in (
                "self", "cls")) and node.attr not in self.scopes[-1]:
            self.found.append((node.lineno, f"uses .{node.attr}"))
        self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self.found += [(node.lineno, f"imports {a.name} from {node.module}")
                       for a in node.names if _private(a.name)]


def _reach_ins(source: str) -> list[tuple[int, str]]:
    visitor = _ReachIns(ast.parse(source))
    visitor.visit(ast.parse(source))
    return visitor.found


def test_no_module_uses_another_modules_private_names():
    problems = [f"{path.relative_to(ROOT)}:{line} {what}"
                for path in sorted(graphs.modules().values())
                for line, what in _reach_ins(path.read_text())]
    assert not problems, "\n".join(problems)


def test_no_import_cycles():
    found = graphs.cycles(graphs.import_graph())
    assert not found, f"import cycles: {found}"


def test_the_cycle_finder_finds_a_cycle():
    assert graphs.cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_private_name_check_catches_a_reach_in():
    source = ("from agentmem.memory import _epoch\n"
              "class Agent:\n"
              "    def _run(self):\n        return self.memory._store\n"
              "    def go(self):\n        return self.memory._run()\n"
              "class Tree:\n"
              "    def _write(self):\n        pass\n"
              "    @classmethod\n    def open(cls):\n        tree = cls()\n"
              "        tree._write()\n        return tree\n")
    assert [what for _, what in _reach_ins(source)] == [
        "imports _epoch from agentmem.memory", "uses ._store"]
