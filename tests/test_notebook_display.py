"""Every public object displays in a notebook: a notebook of one cell per object, executed in a
real IPython kernel (nbclient + ipykernel), must show each as HTML (figures as PNG) with no
error output and no traceback on stderr (IPython reports a display method that raises as a
``FormatterWarning`` traceback on stderr, not as an error output). Other stderr lines (a
third-party warning such as tqdm's "IProgress not found" when Optuna is imported in a notebook
without ipywidgets) are not failures."""

from __future__ import annotations

import os

import nbclient
import pytest
from nbformat.v4 import new_code_cell, new_notebook

import wordspace

pytestmark = pytest.mark.slow  # a kernel start and every trainer's first compile

SETUP = """
import os, tempfile
import numpy as np
import wordspace as ws
rng = np.random.default_rng(0)
topics = [["cat", "dog", "horse", "cow", "sheep"], ["red", "blue", "green", "yellow", "pink"]]
sents = [[str(w) for w in rng.choice(topics[i % 2], 8)] + ["new", "york"] for i in range(300)]
colours = ws.datasets.color_spectrum(n_colors=30, seed=42)
tmp = tempfile.mkdtemp()
pairs = os.path.join(tmp, "pairs.txt")
with open(pairs, "w") as f:
    f.write("cat\\tdog\\t8\\nred\\tblue\\t7\\ncat\\tred\\t1\\ncow\\tpink\\t2\\n")
questions = os.path.join(tmp, "questions.txt")
with open(questions, "w") as f:
    f.write(": animals and colours\\ncat dog red blue\\ncow sheep pink green\\n")
small = dict(vector_size=8, min_count=1, epochs=2, workers=1)
"""

# (label, the cell's last expression, the text its HTML must contain); None: a figure (PNG)
OBJECTS: list[tuple[str, str, str | None]] = [
    ("Word2Vec", "ws.Word2Vec(vector_size=8)", "not fitted"),
    ("Word2Vec, fitted", "w2v = ws.Word2Vec(**small, compute_loss=True).fit(sents); w2v", "loss"),
    ("FastText", "ws.FastText(vector_size=8)", "not fitted"),
    ("FastText, fitted", "ft = ws.FastText(**small, bucket=2000).fit(sents); ft", "vocabulary"),
    ("GloVe", "ws.GloVe(vector_size=8)", "not fitted"),
    ("GloVe, fitted", "ws.GloVe(**small).fit(sents)", "loss"),
    ("ValueVec", "ws.ValueVec()", "not fitted"),
    (
        "ValueVec, fitted",
        "vv = ws.ValueVec(epochs=50).fit(colours, word='keyword', value='estimated_value'); vv",
        "loss",
    ),
    ("Phrases", "ws.Phrases()", "not fitted"),
    ("Phrases, fitted", "ws.Phrases(min_count=1, threshold=0.01).fit(sents)", "new_york"),
    ("SIF", "ws.SIF(w2v.wv)", "not fitted"),
    ("SIF, fitted", "ws.SIF(w2v.wv).fit([' '.join(s) for s in sents[:20]])", "components"),
    ("WordVectors", "w2v.wv", "dimensions"),
    ("WordVectors with values", "vv.wv", "estimated_value"),
    ("SubwordVectors", "ft.wv", "buckets"),
    ("Report", "ws.report(vv.wv)", "<img"),
    ("AnalogyResult", "w2v.wv.evaluate_word_analogies(questions)", "accuracy"),
    ("WordPairsResult", "w2v.wv.evaluate_word_pairs(pairs)", "Spearman"),
    (
        "TuneResult",
        "ws.tune(ws.ValueVec(epochs=20, patience=None, workers=1), colours,"
        " fit_kwargs=dict(word='keyword', value='estimated_value'),"
        " space={'alpha': (0.01, 0.1, 'log')}, n_trials=2, seed=0)",
        "best dev score",
    ),
    ("map figure", "ws.plot.map(vv.wv, color_by='value', figsize=(4, 3), dpi=50)", None),
    (
        "heatmap figure",
        "ws.plot.similarity_heatmap(w2v.wv, ['cat', 'dog', 'red', 'blue'], dpi=50)",
        None,
    ),
]


@pytest.fixture(scope="module")
def executed():
    nb = new_notebook(
        cells=[new_code_cell(SETUP)] + [new_code_cell(code) for _, code, _ in OBJECTS]
    )
    src = os.path.dirname(os.path.dirname(wordspace.__file__))
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([src, *filter(None, [os.environ.get("PYTHONPATH")])])
    )
    env.pop("MPLBACKEND", None)
    client = nbclient.NotebookClient(nb, kernel_name="python3", timeout=300, allow_errors=True)
    client.execute(env=env)
    return nb


def _problems(cell) -> list[str]:
    out = []
    for o in cell.outputs:
        if o.output_type == "error":
            out.append(f"{o.ename}: {o.evalue}")
        elif o.output_type == "stream" and o.name == "stderr":
            if "Traceback" in o.text or "FormatterWarning" in o.text or "Error" in o.text:
                out.append("stderr: " + o.text.strip()[-600:])
    return out


def test_setup_cell_runs(executed):
    assert _problems(executed.cells[0]) == []


@pytest.mark.parametrize(
    ("i", "label", "expect"), [(i, lab, e) for i, (lab, _, e) in enumerate(OBJECTS, 1)]
)
def test_object_displays(executed, i, label, expect):
    cell = executed.cells[i]
    assert _problems(cell) == [], f"{label}: {cell.source}"
    data: dict = {}
    for o in cell.outputs:
        if o.output_type in ("display_data", "execute_result"):
            data.update(o.data)
    if expect is None:
        assert "image/png" in data, f"{label} shows no PNG, only {sorted(data)}"
        assert data["image/png"].startswith("iVBORw0KGgo")  # base64 of the PNG signature
    else:
        assert "text/html" in data, f"{label} has no HTML display, only {sorted(data)}"
        assert expect in data["text/html"], f"{label}: {expect!r} not in its display"
        assert "Traceback" not in data["text/html"]


def test_every_public_class_is_in_the_notebook():
    """A new public class cannot be added without showing it here."""
    import inspect

    import wordspace as ws

    shown = " ".join(code for _, code, _ in OBJECTS) + " " + " ".join(lab for lab, _, _ in OBJECTS)
    classes = [
        n
        for n in ws.__all__
        if inspect.isclass(getattr(ws, n))
        and not issubclass(getattr(ws, n), BaseException)
        # data carriers and helpers without a display of their own
        and n
        not in {"Corpus", "Vocabulary", "ValuePairs", "Tokenizer", "PhraseTokenizer", "Ranked"}
    ]
    missing = [n for n in classes if n not in shown]
    assert not missing, f"add a cell showing {missing} to OBJECTS"
