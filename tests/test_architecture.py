"""The architecture the docs describe holds: the import-linter layers contract is kept, the
only import cycles left are the documented facade, and every documented import path works."""

from __future__ import annotations

import ast
import importlib
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "src" / "wordspace"


def test_layers_contract_is_kept():
    """`lint-imports` (the contract in pyproject.toml, function-level imports included)."""
    exe = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run([str(exe), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "1 kept, 0 broken" in out.stdout


def _runtime_imports() -> dict[str, set[str]]:
    """module -> the wordspace modules it imports at run time (function-level imports
    included, ``if TYPE_CHECKING:`` blocks left out), for every module outside cli/ and
    compat/."""
    mods = {}
    for p in PKG.rglob("*.py"):
        parts = list(p.relative_to(PKG.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods[".".join(parts)] = p
    edges: dict[str, set[str]] = {}
    for m, p in mods.items():
        if m.startswith(("wordspace.cli", "wordspace.compat")) or m == "wordspace":
            continue
        tree = ast.parse(p.read_text(encoding="utf-8"))
        skip = set()
        for n in ast.walk(tree):
            if isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test):
                skip.update(id(d) for c in n.body for d in ast.walk(c))
        out = set()
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if (
                isinstance(node, ast.ImportFrom)
                and node.level == 0
                and node.module
                and node.module.startswith("wordspace")
            ):
                for a in node.names:
                    cand = f"{node.module}.{a.name}"
                    out.add(cand if cand in mods else node.module)
            elif isinstance(node, ast.Import):
                out.update(a.name for a in node.names if a.name.startswith("wordspace."))
            elif isinstance(node, ast.ImportFrom) and node.level:
                raise AssertionError(f"{p}: relative import; the package uses absolute imports")
        edges[m] = {t for t in out if t != m and t != "wordspace"}
    return edges


def _cycles(edges: dict[str, set[str]]) -> list[set[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(comp)

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


#: the cycles the design allows, each closed by a documented facade or same-layer call
ALLOWED_CYCLES = [
    # WordVectors facade: wv.save / load_word2vec_format / wmdistance / text_similarity ...
    {
        "wordspace.vectors.keyed",
        "wordspace.vectors._facade",
        "wordspace.vectors.subword",
        "wordspace.io.native",
        "wordspace.io.formats",
        "wordspace.analysis.textsim",
    },
    # Corpus(phrases=) applies fitted Phrases as a streaming step; Phrases.fit reads a Corpus
    {"wordspace.text.corpus", "wordspace.text.phrases"},
    # Vocabulary.build(client=): the cluster counts and builds a Vocabulary
    {"wordspace.text.vocab", "wordspace.distributed._vocab"},
    # Phrases.fit(client=): the cluster counts each file (a Corpus) with the Phrases kernels
    {
        "wordspace.text.phrases",
        "wordspace.text.corpus",
        "wordspace.distributed._phrases",
        "wordspace.distributed._engine",
    },
]


def test_only_the_documented_cycles_remain():
    cycles = _cycles(_runtime_imports())
    assert max(len(c) for c in cycles) <= 6
    for c in cycles:
        assert any(c <= allowed for allowed in ALLOWED_CYCLES), f"new import cycle: {sorted(c)}"


def test_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]


def _documented_paths() -> set[str]:
    """Module paths named in the README, docs/ and examples/ (``wordspace.x.y`` and
    ``from wordspace.x import``)."""
    found = set()
    files = [ROOT / "README.md", *ROOT.glob("docs/**/*.md"), *ROOT.glob("examples/*.py")]
    for f in files:
        text = f.read_text(encoding="utf-8")
        found.update(re.findall(r"from (wordspace(?:\.\w+)+) import", text))
        found.update(re.findall(r"import (wordspace(?:\.\w+)+)", text))
    return found


def test_every_documented_import_path_works():
    paths = _documented_paths()
    assert {"wordspace.text", "wordspace.compat.gensim.models"} <= paths  # the scan finds them
    for path in sorted(paths):
        importlib.import_module(path)


@pytest.mark.parametrize(
    "old,new",
    [
        ("wordspace.corpus", "wordspace.text.corpus"),
        ("wordspace.evaluate", "wordspace.analysis.evaluate"),
        ("wordspace.pretrained._download", "wordspace.io.pretrained._download"),
        ("wordspace.plot", "wordspace.viz.plot"),
    ],
)
def test_old_module_paths_warn_and_give_the_same_module(old, new):
    sys.modules.pop(old, None)
    with pytest.warns(DeprecationWarning, match=new.replace(".", r"\.")):
        mod = importlib.import_module(old)
    assert mod is importlib.import_module(new)
    assert mod.__spec__.name == new


def test_documented_attribute_paths():
    import wordspace as ws

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert (
            ws.evaluate.value_holdout
            is importlib.import_module("wordspace.analysis.evaluate").value_holdout
        )
        assert callable(ws.datasets.color_spectrum)
        assert callable(ws.pretrained.info)
        assert callable(ws.plot.map)
