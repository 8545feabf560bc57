"""Notebooks: a small notebook executed in a real IPython kernel (nbclient + ipykernel); the
figures of ``ws.plot`` display inline without ``%matplotlib inline``, and vectors, trainers
and reports display as HTML."""

from __future__ import annotations

import base64
import os

import pytest

nbformat = pytest.importorskip("nbformat")  # in the dev extra; the lines below need them
nbclient = pytest.importorskip("nbclient")

import wordspace  # noqa: E402

SETUP = """
import numpy as np
import wordspace as ws
rng = np.random.default_rng(0)
words = [f"w{i}" for i in range(40)] + ["king", "queen", "man", "woman"]
wv = ws.WordVectors(words, rng.normal(size=(len(words), 8)).astype("float32"),
                    counts=np.arange(len(words), 0, -1))
"""


def _outputs(cell) -> dict[str, object]:
    """mime type -> data, over the cell's display and result outputs."""
    out: dict[str, object] = {}
    for o in cell.outputs:
        if o.output_type in ("display_data", "execute_result"):
            out.update(o.data)
    return out


@pytest.fixture(scope="module")
def executed():
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(
        cells=[
            new_code_cell(SETUP),
            new_code_cell("wv"),
            new_code_cell("ws.plot.map(wv, top=20, figsize=(4, 3), dpi=50)"),
            new_code_cell("ws.Word2Vec(vector_size=5)"),
            new_code_cell("ws.report(wv, words=['king', 'queen', 'kign'])"),
            new_code_cell("import sys; print('matplotlib.pyplot' in sys.modules)"),
        ]
    )
    # the kernel imports the same wordspace as this test (a source tree or an install)
    src = os.path.dirname(os.path.dirname(wordspace.__file__))
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([src, *filter(None, [os.environ.get("PYTHONPATH")])])
    )
    env.pop("MPLBACKEND", None)
    client = nbclient.NotebookClient(nb, kernel_name="python3", timeout=180)
    client.execute(env=env)
    return nb


def test_vectors_display_as_html(executed):
    out = _outputs(executed.cells[1])
    assert "text/html" in out
    assert "WordVectors" in out["text/html"] and "44" in out["text/html"]


def test_figures_display_inline_without_the_magic(executed):
    out = _outputs(executed.cells[2])
    assert "image/png" in out, f"no image, only {sorted(out)}"
    png = base64.b64decode(out["image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(png[16:20], "big") == 200  # 4 in × 50 dpi
    # no pyplot was involved: the figure displayed itself
    assert executed.cells[5].outputs[0].text.strip() == "False"


def test_trainers_and_reports_display_as_html(executed):
    est = _outputs(executed.cells[3])["text/html"]
    assert "Word2Vec" in est and "not fitted" in est and "vector_size" in est
    rep = _outputs(executed.cells[4])["text/html"]
    assert "<h2>Vocabulary coverage</h2>" in rep and "kign" in rep
