"""The house's import directions (ARCHITECTURE.md): a lower room never imports a higher one, read from the code."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("corpus", "crawler", "annotate", "spamcorpus")

# Rooms, lowest first. A module belongs to the room of the longest prefix listed; it may import its own room and the
# rooms below it. Ranks are the data flow read as imports: everything above may use what is below.
ROOMS: list[tuple[str, list[str]]] = [
    ("foundations", ["corpus", "corpus.ids", "corpus.version", "corpus.netguard", "corpus.labels", "corpus.durable",
                     "corpus.schema", "corpus.lexicons", "corpus.lang_code", "corpus.lang", "corpus.agreement",
                     "corpus.textfold", "corpus.warc"]),
    # plain functions over text: a page's decoding and extraction, contacts, signals, the detector (no Scrapy, no I/O)
    ("text and page", ["corpus.contacts", "corpus.signals", "corpus.detector", "corpus.page"]),
    ("row", ["corpus.page.row", "corpus.realworld"]),
    ("store", ["corpus.store", "corpus.shard_files", "corpus.integrity"]),
    # the crawl writes the store; campaigns, stats and rescore read it (stats reports campaigns, rescore rebuilds rows)
    ("crawl and campaigns", ["crawler", "corpus.campaigns", "corpus.stats", "corpus.rescore", "corpus.ingest"]),
    ("annotate", ["annotate", "corpus.annotations"]),
    # training reads every labelled source (the real set, the store, pulled annotations) and the release baseline
    ("release and training", ["corpus.release", "corpus.evaluate", "corpus.labelled_sets", "corpus.detector.data",
                              "corpus.detector.crossval", "corpus.detector.class_curve",
                              "corpus.detector.curve"]),
    ("cli", ["spamcorpus"]),
]
# The sample web is the demo's data, not the crawler's: it may read the foundations only, and only the CLI (and
# tests/benchmarks) may read it.
SAMPLE_WEB = "spamcorpus.sample_web"

# Known back-edges, each to be removed. The test fails on any edge not listed here, and on a listed edge that no longer
# exists (so this list only shrinks).
KNOWN_BACK_EDGES: set[tuple[str, str]] = set()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, module: str) -> set[str]:
    """Every project module a file imports, at top level or inside functions (lazy imports count too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{a.name}" for a in node.names)  # `from pkg import submodule`
    return {name for name in found if name.split(".")[0] in PACKAGES}


def room_of(module: str) -> tuple[int, str] | None:
    best = None
    for rank, (room, prefixes) in enumerate(ROOMS):
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + "."):
                if best is None or len(prefix) > best[2]:
                    best = (rank, room, len(prefix))
    return None if best is None else best[:2]


def project_modules() -> dict[str, Path]:
    out = {}
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            out[module_name(path)] = path
    return out


def _known_target(name: str, modules: dict[str, Path]) -> str | None:
    # `from corpus.ids import canonicalize_url` names a function: the module is its longest known prefix
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def edges() -> set[tuple[str, str]]:
    modules = project_modules()
    out = set()
    for module, path in modules.items():
        for name in imports_of(path, module):
            target = _known_target(name, modules)
            if target and target != module:
                out.add((module, target))
    return out


def back_edges() -> set[tuple[str, str]]:
    bad = set()
    for src, dst in edges():
        if src.startswith(SAMPLE_WEB) or dst.startswith(SAMPLE_WEB):
            if dst.startswith(SAMPLE_WEB) and not (src.startswith(SAMPLE_WEB) or src.startswith("spamcorpus.cli")):
                bad.add((src, dst))
            if src.startswith(SAMPLE_WEB) and not dst.startswith(SAMPLE_WEB) and room_of(dst)[0] > 0:
                bad.add((src, dst))
            continue
        a, b = room_of(src), room_of(dst)
        if a is None or b is None:
            raise AssertionError(f"module in no room: {src if a is None else dst} (add it to ROOMS)")
        if b[0] > a[0]:
            bad.add((src, dst))
    return bad


def test_every_module_is_in_a_room():
    for module in project_modules():
        assert module.startswith(SAMPLE_WEB) or room_of(module) is not None, module


def test_no_lower_room_imports_a_higher_one():
    new = back_edges() - KNOWN_BACK_EDGES
    assert not new, "imports against the house's direction (see ARCHITECTURE.md):\n" + "\n".join(
        f"  {s} ({room_of(s)[1] if room_of(s) else 'sample web'}) -> {d} "
        f"({room_of(d)[1] if room_of(d) else 'sample web'})" for s, d in sorted(new))


def test_the_known_back_edges_still_exist():
    # a back-edge that was removed must leave the allow-list too, or the list would quietly allow it back
    assert KNOWN_BACK_EDGES <= back_edges(), sorted(KNOWN_BACK_EDGES - back_edges())


def test_the_checker_sees_a_back_edge(tmp_path):
    # the reader must catch a lazy import inside a function, relative or absolute
    src = tmp_path / "m.py"
    src.write_text("def f():\n    from corpus.release import build\n    from ..campaigns import run\n"
                   "    import spamcorpus.cli\n")
    found = imports_of(src, "corpus.store.m")
    assert {"corpus.release", "corpus.campaigns", "spamcorpus.cli"} <= found
    assert room_of("corpus.release.build")[0] > room_of("corpus.store")[0]


# Import cycles between modules (a package's __init__ re-exporting its submodules is not one). Each known cycle is
# named here to be broken; a new one fails.
KNOWN_CYCLES = {
    frozenset({"corpus.detector.model", "corpus.detector.vector", "corpus.signals", "corpus.signals.score"}),
    frozenset({"corpus.integrity", "corpus.store"}),
}


def cycles() -> list[frozenset[str]]:
    graph: dict[str, set[str]] = {}
    for src, dst in edges():
        graph.setdefault(src, set()).add(dst)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                comp.add(w)
                if w == v:
                    break
            # an __init__ and its own submodules: re-exports, not a design cycle
            inits = {m for m in comp if any(o != m and o.startswith(m + ".") for o in comp)}
            if len(comp) > 1 and not (len(inits) == 1 and all(m.startswith(next(iter(inits))) for m in comp)):
                found.append(frozenset(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_new_import_cycles():
    new = [sorted(c) for c in cycles() if c not in KNOWN_CYCLES]
    assert not new, f"import cycles: {new}"
    gone = [sorted(c) for c in KNOWN_CYCLES if c not in cycles()]
    assert not gone, f"these cycles are broken: take them off KNOWN_CYCLES: {gone}"
