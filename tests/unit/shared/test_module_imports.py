"""No module import forms a circle, inside the shared library or any service (issue 16): a circle makes
the import order matter and hides which layer depends on which. Imports inside functions count too:
deferring an import hides a circle, it does not remove it."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = {"zhengdun": ROOT / "shared" / "zhengdun", "zhengdun_demo": ROOT / "deploy" / "demo" / "zhengdun_demo",
            **{s: ROOT / "services" / s / s for s in ("screening", "casework", "supervision", "acceptance", "reporting")}}


def modules() -> dict[str, Path]:
    found = {}
    for package, base in PACKAGES.items():
        for path in base.rglob("*.py"):
            parts = [package, *path.relative_to(base).with_suffix("").parts]
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def import_graph() -> dict[str, set[str]]:
    known = modules()
    graph = {}
    for name, path in known.items():
        imported = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # ``from a import b`` imports the module a.b when there is one, else a name of a
                imported |= {f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in known else node.module
                             for a in node.names}
            elif isinstance(node, ast.Import):
                imported |= {a.name for a in node.names}
        graph[name] = {m for m in imported if m in known and m != name}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iteratively)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root), on_stack.add(root)
        while work:
            node, successors = work[-1]
            step = next(successors, None)
            if step is not None:
                if step not in index:
                    index[step] = low[step] = len(index)
                    stack.append(step), on_stack.add(step)
                    work.append((step, iter(sorted(graph[step]))))
                elif step in on_stack:
                    low[node] = min(low[node], index[step])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_circle_finder_finds_a_circle_through_three_modules():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_no_module_import_forms_a_circle():
    graph = import_graph()
    assert len(graph) > 140 and graph["reporting.app"] >= {"reporting.api"}     # the graph is really read
    assert circles(graph) == []


def test_no_service_and_not_the_shared_library_imports_the_demo():
    graph = import_graph()
    assert {name: sorted(d for d in deps if d.startswith("zhengdun_demo")) for name, deps in graph.items()
            if not name.startswith("zhengdun_demo") and any(d.startswith("zhengdun_demo") for d in deps)} == {}
    assert graph["zhengdun_demo.campaign"] >= {"zhengdun_demo.api"}       # the demo's own imports are read
