"""One self-contained HTML report of a model: what it holds, how it behaves, how it scores.

``ws.report(wv, words=[...], texts=[(a, b), ...], analogies=True).save("report.html")`` runs
the steps of an exploration session in one go and writes a single HTML file: pictures are
inline PNG (``data:`` URIs), the style sheet is inline, nothing is fetched from the network
and no JavaScript is needed to read it (it prints, mails and archives as one file).

Sections, in order (each says in one line why it is skipped when it does not apply):

1. **Model**: size, dimensions, vector norms, counts, provenance (source, trainer).
2. **Vocabulary coverage** of the given words and texts: out-of-vocabulary words with close
   spelling matches.
3. **Nearest neighbours** of the given words (or of sample words from the model).
4. **Analogies**: worked examples (``king − man + woman``) and, with ``analogies=True``, the
   Google analogy benchmark per section (the bundled ``questions-words.txt``).
5. **Word similarity**: WordSim353 (bundled) and any ``pairs`` file, Pearson and Spearman.
6. **Similarity matrix** of the given words, as a heatmap.
7. **Map**: PCA of the words and their neighbours, and t-SNE when there are enough words.
8. **Text similarity**: the text pairs by TF-IDF, mean-vector and SIF cosines and Word Mover's
   Distance side by side (WMD needs ``wordspace[wmd]``, TF-IDF scikit-learn), with the most and
   least similar pair per method.
9. **Bias (WEAT)**: Caliskan et al.'s ten Word Embedding Association Tests, next to the paper's
   published figures.
10. **Values** (ValueVec models): value map, alignment metrics, highest and lowest words.
11. **Training** (models trained by wordspace): parameters and the training curve.
12. **Reproducibility**: the command, the versions (wordspace, Python, NumPy, numba, ...), the
    seed and parameters, the fingerprints of the model and the data. :func:`write_notebook`
    writes an ``.ipynb`` whose cells recompute every section.

matplotlib (``wordspace[plot]``) draws the pictures; without it the tables are still written
and each picture says why it is missing.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import logging
import math
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from wordspace._html import decimals as _decimals
from wordspace._html import escape as _e
from wordspace._html import kv as _kv
from wordspace._html import num as _num
from wordspace._html import short_repr
from wordspace._html import table as _table
from wordspace.errors import MissingDependencyError, ParameterError, WordspaceError
from wordspace.vectors._display import model_name, vectors_html
from wordspace.viz.report_more import (
    SECTIONS,
    _bias,
    _provenance,
    _python_command,
    _texts_compare,
    fingerprint,
    versions,
    write_notebook,
)

if TYPE_CHECKING:  # pragma: no cover
    from wordspace.vectors.keyed import WordVectors

__all__ = [
    "report",
    "Report",
    "ReportSection",
    "SECTIONS",
    "write_notebook",
    "fingerprint",
    "versions",
]

logger = logging.getLogger(__name__)

#: candidate analogy examples (a − b + c = d), tried when all four words are in the vocabulary;
#: the report shows those the model answers right (and says how many of the candidates that is)
EXAMPLE_ANALOGIES = (
    ("king", "man", "woman", "queen"),
    ("paris", "france", "italy", "rome"),
    ("berlin", "germany", "japan", "tokyo"),
    ("bigger", "big", "small", "smaller"),
    ("walking", "walk", "swim", "swimming"),
    ("sister", "brother", "uncle", "aunt"),
    ("his", "he", "she", "her"),
    ("him", "he", "she", "her"),
    ("men", "man", "woman", "women"),
    ("father", "man", "woman", "mother"),
    ("boys", "boy", "girl", "girls"),
    ("went", "go", "come", "came"),
    ("london", "england", "france", "paris"),
    ("good", "better", "bad", "worse"),
    ("cars", "car", "house", "houses"),
    ("days", "day", "year", "years"),
)
#: at most this many examples are shown
N_EXAMPLES = 6

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;
max-width:1100px;margin:0 auto;padding:24px 28px;background:#fff}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:34px 0 8px;
border-bottom:2px solid #3b6ea5;padding-bottom:3px}h3{font-size:16px;margin:18px 0 6px}
.sub{color:#666;margin:0 0 14px}.skip{color:#777;font-style:italic}
table{border-collapse:collapse;margin:6px 0 12px;font-size:14px}
th,td{border-bottom:1px solid #e3e3e3;padding:3px 10px;text-align:left;vertical-align:top}
th{background:#f4f6f9}td.n{text-align:right;font-variant-numeric:tabular-nums}
.oov{color:#b03a2e}.ok{color:#1e7b34}img{max-width:100%;height:auto;display:block;
margin:6px 0}code{background:#f3f3f3;padding:0 3px;border-radius:3px}
nav ol{columns:2;margin:6px 0}.small{font-size:12px;color:#777}
"""


# ------------------------------------------------------------------------------- the result
@dataclass
class ReportSection:
    """One section: its id and heading, its HTML body, or the reason it was skipped."""

    id: str
    title: str
    body: str = ""
    skipped: str | None = None
    seconds: float = 0.0

    def html(self) -> str:
        inner = (
            f'<p class="skip">Skipped: {html.escape(self.skipped)}</p>'
            if self.skipped is not None
            else self.body
        )
        return f'<section id="{self.id}">\n<h2>{html.escape(self.title)}</h2>\n{inner}\n</section>'


@dataclass
class Report:
    """A finished report: :meth:`save` it, or display it in a notebook."""

    title: str
    sections: list[ReportSection] = field(default_factory=list)
    created: str = ""
    params: dict[str, Any] = field(default_factory=dict)  # report()'s arguments (notebook)

    def section(self, id: str) -> ReportSection:
        for s in self.sections:
            if s.id == id:
                return s
        raise ParameterError(
            f"no section {id!r}; sections: {', '.join(s.id for s in self.sections)}"
        )

    @property
    def skipped(self) -> dict[str, str]:
        """``{section id: reason}`` of the sections that did not apply."""
        return {s.id: s.skipped for s in self.sections if s.skipped is not None}

    def to_html(self) -> str:
        """The whole report as one HTML document (everything inline)."""
        nav = "".join(
            f'<li><a href="#{s.id}">{html.escape(s.title)}</a>'
            + (' <span class="small">(skipped)</span>' if s.skipped else "")
            + "</li>"
            for s in self.sections
        )
        body = "\n".join(s.html() for s in self.sections)
        return (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width,initial-scale=1">\n'
            f"<title>{html.escape(self.title)} · wordspace report</title>\n"
            f"<style>{_CSS}</style></head>\n<body>\n"
            f"<h1>{html.escape(self.title)}</h1>\n"
            f'<p class="sub">wordspace report · {html.escape(self.created)}</p>\n'
            f"<nav><ol>{nav}</ol></nav>\n{body}\n</body></html>\n"
        )

    def save(self, path: str | os.PathLike[str]) -> str:
        """Write the report as one HTML file (atomically: a crash leaves no half file)."""
        from wordspace._files import atomic_path, check_output

        path = os.fspath(path)
        check_output(path, layout="file")  # a missing folder is created, as model saves do
        with atomic_path(path) as tmp:
            with open(tmp, "w", encoding="utf-8", newline="\n") as f:
                f.write(self.to_html())
        return path

    def _repr_html_(self) -> str:
        return "\n".join(s.html() for s in self.sections)

    def __repr__(self) -> str:
        done = [s.id for s in self.sections if s.skipped is None]
        return f"Report({self.title!r}, sections={done}, skipped={sorted(self.skipped)})"


# --------------------------------------------------------------------------- small helpers
def _img(fig: Any, alt: str) -> str:
    from wordspace.viz.plot import to_png

    data = base64.b64encode(to_png(fig)).decode("ascii")
    return f'<img alt="{_e(alt)}" src="data:image/png;base64,{data}">'


def _figure(make: Callable[[], Any], alt: str) -> str:
    """An inline picture, or one line saying why it could not be drawn."""
    try:
        fig = make()
    except MissingDependencyError as e:
        return f'<p class="skip">Picture skipped: {_e(e)}</p>'
    except WordspaceError as e:
        return f'<p class="skip">Picture skipped: {_e(e)}</p>'
    return _img(fig, alt)


def example_words(wv: WordVectors, n: int = 8) -> list[str]:
    """``n`` example words from the model itself: for value models, spread over the value
    range; else frequent content words (past the first hundred, mostly function words)."""
    from wordspace.viz.plot import sample_words

    n = max(1, int(n))
    if "values" in wv.extras:
        try:
            return sample_words(wv, n, how="spread")[0]
        except ParameterError:
            pass
    pool = [w for w in wv.index_to_key[:5000] if w.isalpha() and len(w) > 2]
    start = 100 if len(pool) > 100 + n * 10 else 0
    pool = pool[start:] or pool
    if len(pool) <= n:
        return pool
    step = max(1, min(len(pool) // n, 40))
    return pool[::step][:n]


def _in_vocab(wv: WordVectors, words: Sequence[str]) -> list[str]:
    seen: dict[str, None] = {}
    for w in words:
        if w in wv.key_to_index:
            seen.setdefault(w, None)
        elif w.lower() in wv.key_to_index:
            seen.setdefault(w.lower(), None)
    return list(seen)


# ---------------------------------------------------------------------------- the builder
class _Builder:
    weat_permutations: int = 10_000  # set by report()
    params: dict[str, Any]  # report()'s arguments, for the provenance section
    command: str = ""

    def __init__(
        self,
        wv: WordVectors,
        estimator: Any,
        *,
        words: list[str],
        texts: list[tuple[str, str]],
        analogies: bool,
        pairs: str | os.PathLike[str] | None,
        topn: int,
        restrict_vocab: int | None,
        seed: int,
    ):
        self.wv = wv
        self.est = estimator
        self.words = words
        self.texts = texts
        self.analogies = analogies
        self.pairs = pairs
        self.topn = topn
        self.restrict_vocab = restrict_vocab
        self.seed = seed
        self.known = _in_vocab(wv, words)
        self.has_values = "values" in wv.extras

    # 1 ------------------------------------------------------------------------------
    def model(self) -> str:
        wv = self.wv
        out = [vectors_html(wv)]
        shown = ("source", "source_format", "trainer", "epochs_trained")  # in the table above
        prov = {
            k: v
            for k, v in wv.meta.items()
            if k not in ("params", "tokenizer", "loss_history", *shown) and not isinstance(v, dict)
        }
        if prov:
            out.append("<h3>Provenance</h3>")
            out.append(
                _kv(
                    [
                        (k, _e(short_repr(v) if not isinstance(v, str) else v))
                        for k, v in sorted(prov.items())
                    ]
                )
            )
        return "\n".join(out)

    # 2 ------------------------------------------------------------------------------
    def coverage(self) -> str | None:
        from wordspace.analysis.textsim import doc_tokens, query_tokenizer
        from wordspace.errors import close_matches

        if not self.words and not self.texts:
            return "no words or texts were given (words=..., texts=...; CLI --words, --texts)"
        wv = self.wv
        out = []
        if self.words:
            missing = [
                w
                for w in dict.fromkeys(self.words)
                if w not in wv.key_to_index and w.lower() not in wv.key_to_index
            ]
            n = len(dict.fromkeys(self.words))
            out.append(
                f"<h3>Words</h3><p><b>{n - len(missing):,} of {n:,}</b> given words "
                f"are in the vocabulary ({100.0 * (n - len(missing)) / n:.1f}%).</p>"
            )
            if missing:
                rows = [
                    (
                        f'<span class="oov">{_e(w)}</span>',
                        _e(", ".join(close_matches(w, wv.index_to_key)) or "–"),
                    )
                    for w in missing[:200]
                ]
                out.append(_table(("not in the vocabulary", "close matches"), rows))
        if self.texts:
            tok = query_tokenizer(wv)
            docs = list(dict.fromkeys(t for pair in self.texts for t in pair))
            total = known = 0
            oov: dict[str, int] = {}
            for d in docs:
                for t in doc_tokens(d, tok):
                    total += 1
                    if t in wv:
                        known += 1
                    else:
                        oov[t] = oov.get(t, 0) + 1
            share = 100.0 * known / total if total else 0.0
            out.append(
                f"<h3>Texts</h3><p><b>{known:,} of {total:,}</b> tokens in {len(docs):,} "
                f"texts are in the vocabulary ({share:.1f}%).</p>"
            )
            if oov:
                counted = [
                    (
                        f'<span class="oov">{_e(w)}</span>',
                        f"{c:,}",
                        _e(", ".join(close_matches(w, wv.index_to_key)) or "–"),
                    )
                    for w, c in sorted(oov.items(), key=lambda kv: -kv[1])[:200]
                ]
                out.append(
                    _table(
                        ("token not in the vocabulary", "times", "close matches"),
                        counted,
                        numeric=(1,),
                    )
                )
        return "\n".join(out)

    # 3 ------------------------------------------------------------------------------
    def _query_words(self, n: int) -> tuple[list[str], str]:
        if self.known:
            return self.known[:n], "the given words"
        return example_words(self.wv, n), "example words from the model"

    def neighbours(self) -> str | None:
        wv = self.wv
        if len(wv) < 3:
            return f"the vocabulary has only {len(wv)} words"
        qs, what = self._query_words(12)
        k = min(self.topn, len(wv) - 1)
        res = wv.most_similar_many(qs, topn=k, restrict_vocab=self.restrict_vocab)
        vals = np.asarray(wv.extras["values"], np.float64) if self.has_values else None
        rows = []
        for w, nb in zip(qs, res, strict=True):
            if vals is not None:
                cells = ", ".join(
                    f"{_e(x)} <span class='small'>{s:.2f} · {vals[wv.key_to_index[x]]:.3g}</span>"
                    for x, s in nb
                )
            else:
                cells = ", ".join(f"{_e(x)} <span class='small'>{s:.2f}</span>" for x, s in nb)
            rows.append((f"<b>{_e(w)}</b>", cells))
        note = " (cosine · value)" if vals is not None else " (cosine)"
        return f"<p>The {k} nearest words of {what}{note}.</p>" + _table(
            ("word", "nearest neighbours"), rows
        )

    # 4 ------------------------------------------------------------------------------
    def analogies_section(self) -> str | None:
        from wordspace.analysis.evaluate import evaluate_word_analogies
        from wordspace.viz import plot

        wv = self.wv
        out = []
        examples = [q for q in EXAMPLE_ANALOGIES if all(x in wv.key_to_index for x in q)]
        if examples:
            answered = []
            for a, b, c, expected in examples:
                best = wv.most_similar(
                    positive=[a, c], negative=[b], topn=3, restrict_vocab=self.restrict_vocab
                )
                answered.append(((a, b, c, expected), best, bool(best) and best[0][0] == expected))
            right = [x for x in answered if x[2]]
            # the examples a reader sees are ones the model gets right, and the page says so
            shown = (right or answered)[:N_EXAMPLES]
            rows = []
            for (a, b, c, expected), best, ok in shown:
                got = ", ".join(f"{_e(w)} <span class='small'>{s:.2f}</span>" for w, s in best)
                mark = '<span class="ok">✓</span>' if ok else '<span class="oov">✗</span>'
                rows.append((f"{_e(a)} − {_e(b)} + {_e(c)}", _e(expected), got, mark))
            which = (
                f"shown: {'those' if len(right) <= N_EXAMPLES else f'{N_EXAMPLES} of those'} "
                "it gets right"
                if right
                else f"it gets none right; shown: the first {len(shown)}, with its answers"
            )
            out.append(
                "<h3>Examples</h3>"
                f"<p>{len(right)} of the {len(examples)} example analogies whose words are in "
                f"the vocabulary are answered right (first answer, 3CosAdd); {which}.</p>"
                + _table(("question", "expected", "best answers", ""), rows)
            )
            a, b, c, _ = shown[0][0]
            out.append(
                _figure(
                    lambda: plot.analogy(
                        wv, a, b, c, figsize=(7.5, 6.0), dpi=90, restrict_vocab=self.restrict_vocab
                    ),
                    f"{a} − {b} + {c}",
                )
            )
        if self.analogies:
            r = evaluate_word_analogies(wv, restrict_vocab=self.restrict_vocab)
            if r.n_questions - r.n_oov <= 0:
                out.append(
                    "<h3>Benchmark</h3><p class='skip'>Benchmark skipped: none of the "
                    "questions of questions-words.txt has all its words in the "
                    "vocabulary</p>"
                )
            else:
                rows = [
                    (
                        _e(s["section"]),
                        f"{s['correct']:,}",
                        f"{s['total']:,}",
                        f"{100 * s['accuracy']:.1f}%",
                    )
                    for s in r.summary().to_dict("records")
                ]
                lim = (
                    "all words"
                    if r.restrict_vocab is None
                    else f"the first {r.restrict_vocab:,} words"
                )
                out.append(
                    f"<h3>Benchmark</h3><p>Google analogy test set "
                    f"(questions-words.txt, 3CosAdd within {lim}): accuracy "
                    f"<b>{100 * r.score:.1f}%</b>; {r.oov_ratio:.1f}% of the "
                    f"{r.n_questions:,} questions skipped (a word outside the "
                    f"vocabulary).</p>"
                    + _table(
                        ("section", "correct", "answered", "accuracy"), rows, numeric=(1, 2, 3)
                    )
                )
        elif examples:
            out.append(
                "<p class='small'>Benchmark not run: pass analogies=True "
                "(CLI --analogies) for the Google analogy test set.</p>"
            )
        if not out:
            return (
                "none of the example analogies (king − man + woman …) has all its words in "
                "the vocabulary, and the benchmark was not asked for (analogies=True, CLI "
                "--analogies)"
            )
        return "\n".join(out)

    # 5 ------------------------------------------------------------------------------
    def wordsim(self) -> str | None:
        from wordspace.analysis.evaluate import evaluate_word_pairs

        rows = []
        notes = []
        sets: list[tuple[str, Any]] = [("WordSim353", None)]
        if self.pairs is not None:
            sets.append((os.path.basename(os.fspath(self.pairs)), self.pairs))
        for label, path in sets:
            try:
                r = evaluate_word_pairs(self.wv, path, restrict_vocab=self.restrict_vocab)
            except WordspaceError as e:
                notes.append(f"{label}: {e}")
                continue
            used = r.n_pairs - r.n_oov if hasattr(r, "n_oov") else r.n_pairs
            if used < 3 or not math.isfinite(r.spearman[0]):
                notes.append(
                    f"{label}: only {max(used, 0)} of {r.n_pairs} pairs have both "
                    "words in the vocabulary"
                )
                continue
            rows.append(
                (
                    _e(label),
                    _num(r.pearson[0]),
                    _num(r.spearman[0]),
                    f"{used:,}",
                    f"{r.oov_ratio:.1f}%",
                )
            )
        if not rows:
            return "; ".join(notes) or "no word-pair data"
        out = _table(
            ("pairs", "Pearson r", "Spearman ρ", "pairs used", "out of vocabulary"),
            rows,
            numeric=(1, 2, 3, 4),
        )
        if notes:
            out += "".join(f"<p class='skip'>{_e(n)}</p>" for n in notes)
        return "<p>Correlation of cosine similarity with human similarity judgements.</p>" + out

    # 6 ------------------------------------------------------------------------------
    def heatmap(self) -> str | None:
        from wordspace.viz import plot

        words, what = self._query_words(20)
        if len(words) < 2:
            return "fewer than 2 words to compare"
        return f"<p>Cosine similarity between {what}.</p>" + _figure(
            lambda: plot.similarity_heatmap(self.wv, words, dpi=80), "similarity matrix"
        )

    # 7 ------------------------------------------------------------------------------
    def map_section(self) -> str | None:
        from wordspace.viz import plot

        wv = self.wv
        if len(wv) < 3:
            return f"the vocabulary has only {len(wv)} words"
        if self.known:
            words = list(self.known[:40])
            k = 5 if len(words) <= 20 else 3
            for nb in wv.most_similar_many(words, topn=k, restrict_vocab=self.restrict_vocab):
                words.extend(w for w, _ in nb)
            words = list(dict.fromkeys(words))[:200]
            what = "the given words and their nearest neighbours"
        else:
            words, what = plot.sample_words(wv, min(300, len(wv)))
        if len(words) < 3:
            return "fewer than 3 words to map"
        color_by = "value" if self.has_values else None
        out = [f"<p>{len(words):,} words: {_e(what)}.</p>"]
        out.append(
            _figure(
                lambda: plot.map(
                    wv,
                    words=words,
                    color_by=color_by,
                    seed=self.seed,
                    figsize=(11.0, 8.0),
                    dpi=80,
                    title=f"PCA map of {len(words):,} words",
                ),
                "PCA map",
            )
        )
        if len(words) >= 50:
            out.append(
                _figure(
                    lambda: plot.map(
                        wv,
                        words=words,
                        method="tsne",
                        color_by=color_by,
                        seed=self.seed,
                        figsize=(11.0, 8.0),
                        dpi=80,
                        title=f"t-SNE map of {len(words):,} words",
                    ),
                    "t-SNE map",
                )
            )
        else:
            out.append(
                f"<p class='small'>t-SNE map skipped: {len(words)} words are too few "
                "for t-SNE to show clusters (it needs some 50).</p>"
            )
        return "\n".join(out)

    # 8 ------------------------------------------------------------------------------
    def values(self) -> str | None:
        from wordspace.analysis.alignment import value_alignment
        from wordspace.viz import plot

        if not self.has_values:
            return "these vectors carry no per-word values (only ValueVec models do)"
        wv = self.wv
        label = plot.value_label(wv)
        vals = np.asarray(wv.extras["values"], dtype=np.float64)
        fin = np.flatnonzero(np.isfinite(vals))
        out = []
        if len(fin) >= 3 and not self.known:
            # the Map section already drew these words coloured by value: not the same map twice
            out.append(f"<p>The <a href='#map'>map</a> above colours the words by {_e(label)}.</p>")
        elif len(fin) >= 3:
            out.append(
                _figure(
                    lambda: plot.map(
                        wv,
                        top=min(300, len(fin)),
                        color_by="value",
                        seed=self.seed,
                        figsize=(11.0, 8.0),
                        dpi=80,
                    ),
                    "value map",
                )
            )
        try:
            al = value_alignment(wv, seed=self.seed)
            out.append(
                "<h3>Alignment</h3>"
                + _kv(
                    [
                        ("Spearman ρ (cosine vs −|Δ value|)", _num(al["spearman"])),
                        (
                            "|ρ| of the first principal component with the value",
                            _num(al["pc1_spearman"]),
                        ),
                        (
                            f"k-NN error of the normalised value (k={al['k']})",
                            f"{_num(al['knn_mae'])} (predicting the mean: {_num(al['knn_mae_baseline'])})",
                        ),
                        ("words / pairs", f"{al['n_words']:,} / {al['n_pairs']:,}"),
                    ]
                )
            )
        except WordspaceError as e:
            out.append(f"<p class='skip'>Alignment skipped: {_e(e)}</p>")
        if len(fin):
            srt = fin[np.argsort(vals[fin], kind="stable")]
            k = min(15, len(srt))
            d = _decimals(vals[fin])  # wavelengths 380-750 nm: no decimals
            hi = [(_e(wv.index_to_key[i]), _num(vals[i], d)) for i in srt[::-1][:k]]
            lo = [(_e(wv.index_to_key[i]), _num(vals[i], d)) for i in srt[:k]]
            out.append(
                f"<h3>Highest and lowest {_e(label)}</h3>"
                "<div style='display:flex;gap:40px;flex-wrap:wrap'>"
                + _table(("highest", label), hi, numeric=(1,))
                + _table(("lowest", label), lo, numeric=(1,))
                + "</div>"
            )
        return "\n".join(out)

    # 10 -----------------------------------------------------------------------------
    def training(self) -> str | None:
        from wordspace.viz import plot

        wv = self.wv
        source: Any = self.est if self.est is not None else wv
        params = self.est.get_params(deep=False) if self.est is not None else wv.meta.get("params")
        trainer = type(self.est).__name__ if self.est is not None else wv.meta.get("trainer")
        if not trainer:
            return "these vectors were not trained by wordspace (no trainer or parameters saved)"
        out = [
            f"<p>Trained by <b>{_e(trainer)}</b>"
            + (f", {_e(wv.meta['epochs_trained'])} epochs" if "epochs_trained" in wv.meta else "")
            + ".</p>"
        ]
        if isinstance(params, Mapping) and params:
            out.append(
                "<h3>Parameters</h3>"
                + _kv([(k, f"<code>{_e(short_repr(v))}</code>") for k, v in sorted(params.items())])
            )
        if plot._histories(source):
            out.append(
                "<h3>Training curve</h3>"
                + _figure(lambda: plot.training_curve(source, dpi=80), "training curve")
            )
        else:
            out.append(
                f"<p class='skip'>Training curve skipped: {_e(plot.no_curve_reason(source))}</p>"
            )
        return "\n".join(out)


def _as_pairs(texts: Any) -> list[tuple[str, str]]:
    if texts is None:
        return []
    if isinstance(texts, str):
        raise ParameterError("texts must be a list of (text_a, text_b) pairs, not one string")
    out = []
    for i, t in enumerate(texts):
        if (
            isinstance(t, str)
            or not isinstance(t, Sequence)
            or len(t) != 2
            or not all(isinstance(x, str) for x in t)
        ):
            raise ParameterError(
                f"texts[{i}] must be a pair of strings (text_a, text_b), got {short_repr(t)}"
            )
        out.append((t[0], t[1]))
    return out


# ---------------------------------------------------------------------------------- entry
def report(
    model: Any,
    *,
    words: Sequence[str] | None = None,
    texts: Sequence[tuple[str, str]] | None = None,
    analogies: bool = False,
    pairs: str | os.PathLike[str] | None = None,
    name: str | None = None,
    topn: int = 8,
    restrict_vocab: int | None = 30000,
    seed: int = 0,
    progress: Callable[..., None] | None = None,
    weat_permutations: int = 10_000,
    sections: Sequence[str] | None = None,
    command: str | None = None,
) -> Report:
    """Explore a model in one go and return a :class:`Report` (``.save("report.html")``).

    Parameters
    ----------
    model:
        :class:`~wordspace.WordVectors` (loaded or trained), or a fitted trainer
        (``Word2Vec``, ``GloVe``, ``FastText``, ``ValueVec``): then its parameters and loss
        history come from the trainer itself.
    words:
        Words to check, query and draw (coverage, neighbours, heatmap, map). Default: example
        words from the model (spread over the values for a value model).
    texts:
        ``(text_a, text_b)`` pairs to compare by mean-vector cosine and Word Mover's Distance.
    analogies:
        Also run the Google analogy benchmark (bundled ``questions-words.txt``), per section.
    pairs:
        A word-pairs file (``word1<TAB>word2<TAB>score``) to score besides WordSim353.
    name:
        The report's title (default: the model's name or source).
    topn:
        Neighbours per word.
    restrict_vocab:
        Search answers among the first N words only (as gensim's benchmarks); None: all.
    progress:
        ``progress(done, total, section_title)`` before each section and once at the end.
    weat_permutations:
        Random partitions for the bias section's WEAT p-values where exact enumeration is too
        large (seeded with ``seed``).
    sections:
        Compute only these section ids (default: all of :data:`SECTIONS`); what the re-run
        notebook does, one section per cell.
    command:
        The command that made the report, recorded in its *Reproducibility* section (the CLI
        gives its own; default: the equivalent ``ws.report(...)`` call).
    """
    from wordspace.vectors.keyed import WordVectors

    est = None
    if isinstance(model, WordVectors):
        wv = model
    elif hasattr(model, "get_params") and hasattr(model, "is_fitted"):
        if not model.is_fitted:
            raise ParameterError(
                f"this {type(model).__name__} is not fitted yet; call fit() before making a report"
            )
        est, wv = model, model.wv
    else:
        raise ParameterError(
            f"report() needs WordVectors or a fitted trainer, got {type(model).__name__}"
        )
    if words is not None and isinstance(words, str):
        raise ParameterError("words must be a list of words, not one string")
    if isinstance(topn, bool) or not isinstance(topn, int) or topn < 1:
        raise ParameterError(f"topn must be a positive integer, got {topn!r}")
    if restrict_vocab is not None and (
        isinstance(restrict_vocab, bool)
        or not isinstance(restrict_vocab, int)
        or restrict_vocab < 1
    ):
        raise ParameterError(
            f"restrict_vocab must be a positive integer or None, got {restrict_vocab!r}"
        )
    if pairs is not None and not os.path.isfile(pairs):
        raise ParameterError(f"pairs file {os.fspath(pairs)!r} does not exist")
    if len(wv) == 0:
        raise ParameterError("these vectors have no words to report on")
    known_ids = [sid for sid, _ in SECTIONS]
    if sections is not None:
        if isinstance(sections, str):
            raise ParameterError("sections must be a list of section ids, not one string")
        bad = [x for x in sections if x not in known_ids]
        if bad:
            raise ParameterError(
                f"unknown section(s) {', '.join(map(repr, bad))}; sections: {', '.join(known_ids)}"
            )
    if (
        isinstance(weat_permutations, bool)
        or not isinstance(weat_permutations, int)
        or weat_permutations < 1
    ):
        raise ParameterError(
            f"weat_permutations must be a positive integer, got {weat_permutations!r}"
        )
    b = _Builder(
        wv,
        est,
        words=list(words or []),
        texts=_as_pairs(texts),
        analogies=bool(analogies),
        pairs=pairs,
        topn=topn,
        restrict_vocab=restrict_vocab,
        seed=seed,
    )
    steps: dict[str, Callable[[], str | None]] = {
        "model": b.model,
        "coverage": b.coverage,
        "neighbours": b.neighbours,
        "analogies": b.analogies_section,
        "wordsim": b.wordsim,
        "heatmap": b.heatmap,
        "map": b.map_section,
        "texts": lambda: _texts_compare(b),
        "bias": lambda: _bias(b),
        "values": b.values,
        "training": b.training,
        "provenance": lambda: _provenance(b),
    }
    b.weat_permutations = weat_permutations
    b.params = {
        "words": list(words) if words is not None else None,
        "texts": [list(t) for t in b.texts] or None,
        "analogies": bool(analogies),
        "pairs": os.path.abspath(pairs) if pairs is not None else None,
        "name": name,
        "topn": topn,
        "restrict_vocab": restrict_vocab,
        "seed": seed,
        "weat_permutations": weat_permutations,
    }
    b.command = command or _python_command(
        {k: v for k, v in b.params.items() if k != "texts"}
        | ({"texts": f"<{len(b.texts)} pairs>"} if b.texts else {})
    )
    rep = Report(title=model_name(wv, name), created=_dt.datetime.now().strftime("%Y-%m-%d %H:%M"))
    chosen = [(sid, t) for sid, t in SECTIONS if sections is None or sid in sections]
    rep.params = b.params
    total = len(chosen)
    for i, (sid, title) in enumerate(chosen):
        if progress is not None:
            progress(i, total, title)
        t0 = time.perf_counter()
        body = steps[sid]()
        sec = ReportSection(sid, title)
        if body is None:
            sec.skipped = "does not apply"
        elif sid != "model" and _is_reason(body):
            sec.skipped = body
        else:
            sec.body = body
        sec.seconds = time.perf_counter() - t0
        logger.info("report section %s: %.2fs", sid, sec.seconds)
        rep.sections.append(sec)
    if progress is not None:
        progress(total, total, "done")
    return rep


def _is_reason(body: str) -> bool:
    """Section functions return HTML, or a plain one-line reason to skip (no markup)."""
    return not body.lstrip().startswith("<")
