"""The project's import graph, read from the source (nothing is imported or run).

    python docs/import_graph.py                  # draws docs/img/architecture.png
    python docs/import_graph.py --modules        # prints every module and what it imports

``tests/test_house.py`` uses the same functions to check that there are no import
cycles, so the picture in docs/architecture.md and the test see one graph.
Imports under ``if TYPE_CHECKING:`` are left out: they never run.
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("agentmem", "policies", "envs", "training")
# Bottom to top: a package may import those below it, never those above (tests/agentmem/
# test_package.py enforces it).
LAYERS = {"agentmem": 0, "policies": 1, "envs": 1, "training": 2}


def modules(root: Path = ROOT) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the project's packages."""
    out = {}
    for pkg in PACKAGES:
        for path in sorted((root / pkg).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join(parts)] = path
    return out


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    return {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
            and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Module -> the project modules it imports (at module level or inside functions)."""
    mods = modules(root)
    graph = {}
    for name, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = _type_checking_nodes(tree)
        targets = set()
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Import):
                targets |= {a.name for a in node.names if a.name in mods}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for a in node.names:
                    full = f"{node.module}.{a.name}"
                    targets.add(full if full in mods else node.module)
        graph[name] = {t for t in targets if t in mods} - {name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles: strongly connected components of more than one module (Tarjan)."""
    found: list[list[str]] = []
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def rooms(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The graph with modules grouped into rooms: a package's sub-package is one room
    (``agentmem.store``, ``agentmem.structures``), a top-level module is its own room."""

    def room(module: str) -> str:
        parts = module.split(".")
        return ".".join(parts[:2])

    out: dict[str, set[str]] = {}
    for src, targets in graph.items():
        a = room(src)
        out.setdefault(a, set())
        out[a] |= {room(t) for t in targets if room(t) != a}
    return out


# Rooms nearly every other room imports; their arrows would hide all the others.
COMMON = ("agentmem.errors", "agentmem.records", "agentmem.operations")


def draw(path: Path) -> Path:
    """Draw the rooms and their imports to a PNG: a room stands above everything it imports
    (rows are dependency depth), arrows into the few rooms everybody uses left out."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import networkx as nx

    graph = rooms(import_graph())
    g = nx.DiGraph()
    for a, targets in graph.items():
        g.add_node(a)
        g.add_edges_from((a, b) for b in targets)
    # Rooms may import each other lazily (modules never do: see cycles()), so depth is
    # measured on the graph of strongly connected rooms.
    dag = nx.condensation(g)
    depth: dict[str, int] = {}
    for level, parts in enumerate(nx.topological_generations(dag.reverse())):
        depth.update({n: level for part in parts for n in dag.nodes[part]["members"]})
    rows: dict[int, list[str]] = {}
    for node in sorted(g, key=lambda n: (LAYERS[n.split(".")[0]], n)):
        rows.setdefault(depth[node], []).append(node)
    pos = {node: ((i + 0.5) / len(nodes), level + (0.3 if i % 2 else 0.0))
           for level, nodes in rows.items() for i, node in enumerate(nodes)}
    colours = {"agentmem": "#4c78a8", "policies": "#f58518", "envs": "#54a24b",
               "training": "#b279a2"}
    shown = [(a, b) for a, b in g.edges if b not in COMMON]
    fig, ax = plt.subplots(figsize=(18, 11))
    nx.draw_networkx_edges(g, pos, edgelist=shown, ax=ax, edge_color="#c8c8c8", arrows=True,
                           arrowsize=7, width=0.6, connectionstyle="arc3,rad=0.06")
    nx.draw_networkx_nodes(g, pos, ax=ax, node_size=130,
                           node_color=[colours[n.split(".")[0]] for n in g])
    nx.draw_networkx_labels(g, pos, {n: n.removeprefix("agentmem.") for n in g}, ax=ax,
                            font_size=8, verticalalignment="bottom")
    for pkg, colour in colours.items():
        ax.plot([], [], "o", color=colour, label=pkg)
    ax.legend(loc="upper left", frameon=False)
    ax.set_title("Rooms (modules; a sub-package is one room) and their imports; each room stands "
                 "above what it imports.\nArrows into " + ", ".join(c.split(".")[1] for c in COMMON)
                 + " are left out (almost every room uses them). Generated by "
                 "docs/import_graph.py.", fontsize=10)
    ax.axis("off")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "architecture.png")
    parser.add_argument("--modules", action="store_true",
                        help="print each module and the project modules it imports")
    args = parser.parse_args()
    graph = import_graph()
    if args.modules:
        for name in sorted(graph):
            print(f"{name}: {', '.join(sorted(graph[name])) or '-'}")
        return
    found = cycles(graph)
    print(f"{len(graph)} modules, {sum(map(len, graph.values()))} imports, "
          f"{len(found)} cycles{': ' + str(found) if found else ''}")
    print(f"wrote {draw(args.out)}")


if __name__ == "__main__":
    main()
