"""The one optional-import helper: ``wordspace._optional.require``."""

from __future__ import annotations

import ast
import math
import sys
from pathlib import Path

import pytest

from wordspace._optional import require
from wordspace.errors import MissingDependencyError

SRC = Path(__file__).resolve().parents[1] / "src" / "wordspace"


def test_require_returns_the_module():
    assert require("math", extra="plot") is math
    assert require("os.path", extra="plot").join("a", "b") == str(Path("a", "b"))


def test_a_missing_module_names_the_package_and_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "umap", None)  # as if umap-learn were not installed
    with pytest.raises(MissingDependencyError) as e:
        require("umap", extra="umap", purpose="UMAP maps", package="umap-learn")
    msg = str(e.value)
    assert "umap-learn is needed for UMAP maps" in msg
    assert "pip install 'wordspace[umap]'" in msg
    assert isinstance(e.value, ImportError)  # still caught by `except ImportError`


def test_the_package_defaults_to_the_top_level_module(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.colors", None)  # imported by earlier tests
    with pytest.raises(MissingDependencyError, match=r"^matplotlib is needed.*wordspace\[plot\]"):
        require("matplotlib.colors", extra="plot")


def test_missing_dask_names_the_extra(monkeypatch):
    """``require_dask`` used to build its error with the wrong arguments (a TypeError)."""
    from wordspace.distributed import require_dask

    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(MissingDependencyError, match=r"dask is needed.*wordspace\[dask\]"):
        require_dask()


def test_no_hand_written_optional_import_blocks_left():
    """Every ``except ImportError`` that raises MissingDependencyError goes through require."""
    blocks = []
    for p in sorted(SRC.rglob("*.py")):
        if p.name == "_optional.py":
            continue
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Try):
                continue
            for h in node.handlers:
                caught = ast.unparse(h.type) if h.type is not None else ""
                raises = [r for r in ast.walk(h) if isinstance(r, ast.Raise) and r.exc is not None]
                if "ImportError" in caught and any(
                    "MissingDependencyError" in ast.unparse(r.exc) for r in raises
                ):
                    blocks.append(f"{p.relative_to(SRC)}:{h.lineno}")
    assert not blocks, "use wordspace._optional.require instead: " + ", ".join(blocks)
