"""The report's text-methods, bias (WEAT) and reproducibility sections, and the notebook that
re-runs it (:func:`write_notebook`); :mod:`wordspace.viz.report` assembles them."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from wordspace._files import atomic_path, check_output, file_hash
from wordspace._html import escape as _e
from wordspace._html import kv as _kv
from wordspace._html import num as _num
from wordspace._html import short_repr
from wordspace._html import table as _table
from wordspace.errors import MissingDependencyError, ParameterError

if TYPE_CHECKING:
    from wordspace.vectors.keyed import WordVectors
    from wordspace.viz.report import _Builder

__all__ = ["SECTIONS", "fingerprint", "versions", "write_notebook"]

#: the report's sections, in order: ``(id, heading)``
SECTIONS: tuple[tuple[str, str], ...] = (
    ("model", "Model"),
    ("coverage", "Vocabulary coverage"),
    ("neighbours", "Nearest neighbours"),
    ("analogies", "Analogies"),
    ("wordsim", "Word similarity"),
    ("heatmap", "Similarity matrix"),
    ("map", "Map"),
    ("texts", "Text similarity"),
    ("bias", "Bias (WEAT)"),
    ("values", "Values"),
    ("training", "Training"),
    ("provenance", "Reproducibility"),
)


_TEXT_LABEL = {"tfidf": "TF-IDF cosine", "mean": "mean cosine", "sif": "SIF cosine", "wmd": "WMD"}


def _texts_compare(b: _Builder) -> str | None:
    """Every text method on the given pairs (:func:`~wordspace.analysis.docfeatures.compare`), with
    the most and least similar pair per method."""
    from wordspace.analysis.docfeatures import COMPARE_METHODS, compare
    from wordspace.analysis.textsim import _emd2

    if not b.texts:
        return "no text pairs were given (texts=[(a, b), ...]; CLI --texts pairs.tsv)"
    skipped = []
    methods = list(COMPARE_METHODS)
    try:
        _emd2()
    except MissingDependencyError as e:
        methods.remove("wmd")
        skipped.append(f"WMD skipped: {e}")
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: F401
    except ImportError:
        methods.remove("tfidf")
        skipped.append(
            "TF-IDF skipped: scikit-learn is needed but is not installed; "
            "install it with: pip install 'wordspace[plot]'"
        )
    try:
        res = compare(b.texts, b.wv, methods=methods)
    except ParameterError as e:  # SIF cannot estimate its component from these texts
        if "sif" not in methods:
            return f"the text pairs cannot be compared: {e}"
        methods.remove("sif")
        skipped.append(f"SIF skipped: {e}")
        try:
            res = compare(b.texts, b.wv, methods=methods)
        except ParameterError as e2:
            return f"the text pairs cannot be compared: {e2}"
    order = res.ranking("mean")
    rank = {m: {i: r + 1 for r, i in enumerate(res.ranking(m))} for m in res.scores}
    rows = []
    for r, i in enumerate(order):
        a, bb = res.pairs[i]
        rows.append(
            (
                f"{r + 1}",
                _e(a),
                _e(bb),
                *(f"{_num(res.scores[m][i])} ({rank[m][i]})" for m in res.scores),
            )
        )
    cols = tuple(f"{_TEXT_LABEL[m]} (rank)" for m in res.scores)
    out = [
        "<p>Pairs ranked by the cosine of their mean word vectors; every method beside it with "
        "its own rank (cosines: higher is closer; WMD: lower is closer). All methods see the "
        f"same tokens; TF-IDF's IDF table and SIF's common component are fitted on "
        f"{_e(res.fitted_on)}.</p>",
        _table(("rank", "text A", "text B", *cols), rows, numeric=tuple(range(3, 3 + len(cols)))),
        "<h3>Most and least similar pair per method</h3>",
        _table(
            ("method", "most similar", "least similar"),
            [
                (
                    _TEXT_LABEL[m],
                    _e(" | ".join(map(str, res.pairs[res.most_similar(m)]))),
                    _e(" | ".join(map(str, res.pairs[res.least_similar(m)]))),
                )
                for m in res.scores
            ],
        ),
    ]
    out += [f"<p class='skip'>{_e(x)}</p>" for x in skipped]
    return "\n".join(out)


def _bias(b: _Builder) -> str | None:
    """Caliskan et al.'s ten WEATs on the model, next to the paper's GloVe 840B figures."""
    from wordspace.analysis.weat import caliskan_tests, weat_caliskan

    results = weat_caliskan(b.wv, n_permutations=b.weat_permutations, seed=b.seed)
    tests = {t.id: t for t in caliskan_tests()}
    ran = [r for r in results if not isinstance(r, str)]
    if not ran:
        return "no WEAT could run: every test has a word set with no word in the vocabulary"
    rows = []
    for r in ran:
        t = tests[r.name]
        sizes = " / ".join(str(len(r.words[k])) for k in ("X", "Y", "A", "B"))
        miss = ", ".join(w for k in ("X", "Y", "A", "B") for w in r.missing[k])
        rows.append(
            (
                _e(t.title),
                sizes,
                _num(r.effect_size),
                f"{_pval(r.p_value)} ({'exact' if r.exact else f'{r.n_partitions:,} permutations'})",
                _num(t.published["effect_size"]),
                f'<span class="oov">{_e(miss)}</span>' if miss else "–",
            )
        )
    out = [
        "<p>Word Embedding Association Tests (Caliskan, Bryson &amp; Narayanan, Science 2017): "
        "effect size d (population std, as WEFE) and one-sided permutation p-value of the "
        "association of targets X vs Y with attributes A vs B. The published d are for GloVe "
        "840B Common Crawl, <b>another corpus and model</b>: compare signs and rough sizes, "
        "not digits. Missing words are dropped from their set and listed.</p>",
        _table(
            ("test", "words X / Y / A / B", "effect size d", "p-value", "published d", "missing"),
            rows,
            numeric=(2, 3, 4),
        ),
    ]
    skipped = [r for r in results if isinstance(r, str)]
    if skipped:
        out.append("<p class='skip'>Not run: " + _e("; ".join(skipped)) + "</p>")
    return "\n".join(out)


def fingerprint(wv: WordVectors) -> str:
    """The model's fingerprint (its words in order and its vectors): the same one a neighbour
    index records (:func:`wordspace.vectors.index.fingerprint`), so the same fingerprint means
    the same model."""
    from wordspace.vectors.index import fingerprint as vectors_fingerprint

    return vectors_fingerprint(list(wv.index_to_key), wv.vectors)


def versions() -> dict[str, str]:
    """The versions a report's figures depend on (a missing optional package: "not installed")."""
    import importlib.metadata as md
    import platform

    from wordspace._version import __version__

    out = {"wordspace": __version__, "Python": platform.python_version()}
    for name, dist in (
        ("NumPy", "numpy"),
        ("numba", "numba"),
        ("SciPy", "scipy"),
        ("scikit-learn", "scikit-learn"),
        ("POT", "pot"),
        ("matplotlib", "matplotlib"),
    ):
        try:
            out[name] = md.version(dist)
        except md.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _provenance(b: _Builder) -> str | None:
    """Versions, seed, parameters, data fingerprints and the command that made the report."""
    import hashlib
    import json

    data = [("model (fingerprint of words and vectors)", f"<code>{fingerprint(b.wv)}</code>")]
    data.append(("model size", f"{len(b.wv):,} words × {b.wv.vector_size} dimensions"))
    if b.texts:
        digest = hashlib.sha256(json.dumps(b.texts, ensure_ascii=False).encode()).hexdigest()
        data.append((f"text pairs ({len(b.texts)}, SHA-256)", f"<code>{digest}</code>"))
    if b.pairs is not None:
        data.append(
            (
                f"pairs file {_e(os.path.basename(b.pairs))} (SHA-256)",
                f"<code>{file_hash(b.pairs).hexdigest()}</code>",
            )
        )
    params = {k: v for k, v in b.params.items() if k != "texts"}
    return "\n".join(
        [
            "<p>What the figures above depend on: run the command with these versions on data "
            "with these fingerprints and every number is the same (t-SNE and the permutation "
            "tests are seeded).</p>",
            "<h3>Command</h3>",
            f"<pre><code>{_e(b.command)}</code></pre>",
            "<h3>Versions</h3>",
            _kv([(k, _e(v)) for k, v in versions().items()]),
            "<h3>Seeds and parameters</h3>",
            _kv([(k, f"<code>{_e(short_repr(v))}</code>") for k, v in params.items()]),
            "<h3>Data</h3>",
            _kv(data),
        ]
    )


def _pval(p: float) -> str:
    return f"{p:.2e}" if p < 1e-3 else f"{p:.4f}"


def _python_command(params: Mapping[str, Any]) -> str:
    args = ", ".join(
        f"{k}={v!r}" for k, v in params.items() if v is not None and v is not False and v != []
    )
    return f"ws.report(wv{', ' + args if args else ''})"


# ------------------------------------------------------------------ the re-runnable notebook
def write_notebook(
    path: str | os.PathLike[str], *, model: str, params: Mapping[str, Any], title: str
) -> str:
    """An ``.ipynb`` that recomputes every section of the report: one cell loads ``model`` (a
    file or a model's name, with :func:`wordspace.load`), then one cell per section calls
    :func:`report` for that section alone with the same parameters and shows it. Written
    atomically; needs nothing to write (nbformat 4 is plain JSON)."""
    import json
    import pprint

    path = os.fspath(path)
    check_output(path, layout="file")
    p = dict(params)
    if p.get("texts"):
        p["texts"] = [tuple(t) for t in p["texts"]]

    def code(src: str, i: int) -> dict[str, Any]:
        return {
            "cell_type": "code",
            "id": f"c{i:02d}",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": src,
        }

    def md(src: str, i: int) -> dict[str, Any]:
        return {"cell_type": "markdown", "id": f"m{i:02d}", "metadata": {}, "source": src}

    cells = [
        md(
            f"# {title}\n\nRe-runs `wordspace report`: every cell below recomputes one section "
            "of the HTML report from the model, with the same parameters and seeds. Run all "
            "cells; the last one prints the versions, to compare with the report's "
            "*Reproducibility* section.",
            0,
        ),
        code(
            "import wordspace as ws\n"
            "from IPython.display import HTML, display\n\n"
            f"wv = ws.load({model!r})\n"
            f"params = {pprint.pformat(p, sort_dicts=False)}\n"
            "print(wv)",
            1,
        ),
    ]
    for i, (sid, heading) in enumerate(SECTIONS, 2):
        cells.append(md(f"## {heading}", i))
        cells.append(
            code(
                f"rep = ws.report(wv, **params, sections=[{sid!r}])\n"
                f"display(HTML(rep.section({sid!r}).html()))",
                i,
            )
        )
    cells.append(code("from wordspace.viz.report import versions\nversions()", 99))
    nb = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            json.dump(nb, f, indent=1, ensure_ascii=False)
            f.write("\n")
    return path
