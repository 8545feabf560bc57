"""The report you can re-run: ``wordspace report --notebook`` writes an .ipynb whose cells
recompute every section; executed with nbclient, its numbers equal the HTML report's."""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

import wordspace
from wordspace import WordVectors
from wordspace.analysis.weat import caliskan_tests
from wordspace.viz.report import SECTIONS, fingerprint, versions

NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?")


def numbers(fragment: str) -> list[str]:
    """Every number written in an HTML fragment (pictures removed)."""
    text = re.sub(r"<img[^>]*>", " ", fragment)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return NUMBER.findall(text)


def sections_of(page: str) -> dict[str, str]:
    return dict(re.findall(r'<section id="([a-z]+)">(.*?)</section>', page, flags=re.S))


def small_model() -> WordVectors:
    t = caliskan_tests()[5]  # career-family: 32 words, all lowercased
    words = [w.lower() for w in t.X + t.Y + t.A + t.B]
    words += "the a cat dog sat on mat rug cheap flat apartment king queen man woman".split()
    rng = np.random.default_rng(3)
    vecs = rng.normal(size=(len(words), 12)).astype(np.float32)
    counts = np.arange(len(words), 0, -1, dtype=np.int64) * 10
    return WordVectors(words, vecs, counts=counts)


@pytest.mark.slow
def test_report_notebook_recomputes_every_number(tmp_path, capsys, monkeypatch):
    from wordspace.cli import main

    model = tmp_path / "m.wsv"
    small_model().save(model)
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(
        "the cat sat on the mat\tthe dog sat on the rug\na cheap flat\ta cheap apartment\n"
        "the king\tthe cat sat\n",
        encoding="utf-8",
    )
    out = tmp_path / "r.html"
    main(
        [
            "report", str(model), "-o", str(out), "--texts", str(pairs), "--words",
            "king,queen,man,woman,cat,dog", "--notebook", "--seed", "3", "--json",
        ]
    )  # fmt: skip
    res = json.loads(capsys.readouterr().out)
    nb_path = tmp_path / "r.ipynb"
    assert res["notebook"] == str(nb_path) and nb_path.exists()
    page = out.read_text(encoding="utf-8")
    secs = sections_of(page)
    assert set(secs) == {sid for sid, _ in SECTIONS}
    # the provenance block: versions, seed, fingerprint and the command
    prov = secs["provenance"]
    for name, version in versions().items():
        assert html.escape(name) in prov and html.escape(version) in prov
    assert fingerprint(wordspace.load(str(model))) in prov
    assert "wordspace report" in prov and "--notebook" in prov and "--seed 3" in prov
    # the bias and text sections ran, with numbers in them
    assert "Male vs female names, career vs family" in secs["bias"]
    assert "TF-IDF cosine" in secs["texts"] and "SIF cosine" in secs["texts"]

    nb = nbformat.read(nb_path, as_version=4)
    src = str(Path(wordspace.__file__).resolve().parents[1])
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]))
    NotebookClient(nb, timeout=300, resources={"metadata": {"path": str(tmp_path)}}).execute()
    shown: dict[str, str] = {}
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            assert o.get("output_type") != "error", o
            h = o.get("data", {}).get("text/html")
            if h:
                shown.update(sections_of(h))
    assert set(shown) == set(secs)
    compared = 0
    for sid, body in secs.items():
        got, want = numbers(shown[sid]), numbers(body)
        assert got == want, sid
        compared += len(want)
    assert len(numbers(secs["bias"])) >= 6 and len(numbers(secs["texts"])) >= 12
    assert compared > 50
