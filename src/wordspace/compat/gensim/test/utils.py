"""Counterparts of ``gensim.test.utils``, so gensim's documented examples run unchanged but for
the import: ``common_texts``, ``lee_corpus_list``, ``datapath``, ``get_tmpfile``,
``temporary_file``, ``simple_preprocess``.

``datapath(name)`` knows the files gensim's ``Word2Vec``/``KeyedVectors``/``FastText``
examples use. ``questions-words.txt`` and ``wordsim353.tsv`` are wordspace's bundled copies
(the same benchmark files). The others are generated once, deterministically, into a cache
folder (``$WORDSPACE_GENSIM_TEST_DATA``, default a folder in the system's temp dir) because
gensim's own test files are not redistributed here:

- ``lee_background.cor``: a stand-in for the Lee news corpus: 300 "documents" of 4
  consecutive sentences each from the Brown corpus bundled with wordspace;
- ``testcorpus.txt``: gensim's nine-line toy corpus (the words of ``common_texts``);
- ``word2vec_pre_kv_c`` (text) and ``euclidean_vectors.bin`` (binary): word2vec-format files
  with 1,750 and 2,747 of the Lee stand-in's most frequent words and seeded random 10-d vectors.
"""

from __future__ import annotations

import contextlib
import lzma
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from wordspace.compat.gensim.utils import simple_preprocess
from wordspace.errors import ParameterError

__all__ = [
    "common_texts",
    "datapath",
    "get_tmpfile",
    "temporary_file",
    "simple_preprocess",
    "module_path",
    "LeeCorpus",
]

common_texts = [
    ["human", "interface", "computer"],
    ["survey", "user", "computer", "system", "response", "time"],
    ["eps", "user", "interface", "system"],
    ["system", "human", "system", "eps"],
    ["user", "response", "time"],
    ["trees"],
    ["graph", "trees"],
    ["graph", "minors", "trees"],
    ["graph", "minors", "survey"],
]

#: gensim's test_data/testcorpus.txt (common_texts' words in the order gensim's file has them)
_TESTCORPUS = (
    "computer human interface\ncomputer response survey system time user\n"
    "interface system user eps\nhuman system system eps\nresponse time user\ntrees\n"
    "trees graph\ntrees graph minors\nsurvey graph minors\n"
)
_BUNDLED = {"questions-words.txt", "wordsim353.tsv"}
_GENERATED = {"lee_background.cor", "word2vec_pre_kv_c", "euclidean_vectors.bin", "testcorpus.txt"}
_VERSION = "2"


def _cache_dir() -> Path:
    env = os.environ.get("WORDSPACE_GENSIM_TEST_DATA")
    if env:
        return Path(env)
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return Path(tempfile.gettempdir()) / f"wordspace-gensim-test-data-{uid}-v{_VERSION}"


#: the folder holding the generated files (gensim's ``module_path`` points at its tests)
module_path = str(_cache_dir())


def get_tmpfile(suffix: str) -> str:
    """A path named ``suffix`` in a new temporary folder (the file is not created)."""
    return os.path.join(tempfile.mkdtemp(), suffix)


@contextlib.contextmanager
def temporary_file(name: str = "") -> Iterator[str]:
    """A path named ``name`` in a temporary folder that is removed afterwards."""
    tmp = tempfile.mkdtemp()
    try:
        yield os.path.join(tmp, name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def datapath(fname: str) -> str:
    """Path of one of the example data files (see the module docstring). A file of that name in
    ``$WORDSPACE_GENSIM_TEST_DATA`` wins: pointed at gensim's own ``gensim/test/test_data/``
    (as ``tools/gensim_suite.py`` does), this is gensim's ``datapath``."""
    env = os.environ.get("WORDSPACE_GENSIM_TEST_DATA")
    if env and os.path.isdir(os.path.dirname(os.path.join(env, fname))):
        # as gensim's: a name pattern ('old_w2v_models/w2v_{}.mdl') is filled in by the caller
        found = os.path.join(env, fname)
        if os.path.exists(found) or fname not in _BUNDLED | _GENERATED:
            return found
    if fname in _BUNDLED:
        from wordspace.analysis.evaluate import datapath as bundled

        return str(bundled(fname))
    if fname not in _GENERATED:
        raise ParameterError(
            f"no example data file {fname!r} here; known: "
            + ", ".join(sorted(_BUNDLED | _GENERATED))
        )
    path = _cache_dir() / fname
    if not path.exists():
        _generate(fname, path)
    return str(path)


def _brown_documents(n_docs: int = 300, per_doc: int = 4) -> list[str]:
    from wordspace.text.corpus import embedded_corpus

    lines: list[str] = []
    source = str(embedded_corpus("brown").source)  # the file (raw text, mixed case)
    with lzma.open(source, "rt", encoding="utf-8") as fh:
        for line in fh:
            lines.append(line.strip())
            if len(lines) >= n_docs * per_doc:
                break
    return [" ".join(lines[i : i + per_doc]) for i in range(0, len(lines), per_doc)]


def _generate(fname: str, path: Path) -> None:
    from wordspace._files import atomic_path
    from wordspace.vectors.keyed import WordVectors

    path.parent.mkdir(parents=True, exist_ok=True)
    if fname == "testcorpus.txt":  # gensim's: the words of common_texts, one document a line
        with atomic_path(path) as tmp:
            tmp.write_text(_TESTCORPUS, encoding="utf-8")
        return
    if fname == "lee_background.cor":
        with atomic_path(path) as tmp:
            tmp.write_text("".join(d + "\n" for d in _brown_documents()), encoding="utf-8")
        return
    counts = Counter(t for doc in lee_corpus() for t in doc)
    n = 1750 if fname == "word2vec_pre_kv_c" else 2747
    words = [w for w, _ in counts.most_common(n)]
    rng = np.random.default_rng(1750 if n == 1750 else 2747)
    wv = WordVectors(words, rng.normal(size=(len(words), 10)).astype(np.float32))
    with atomic_path(path) as tmp:
        wv.save_word2vec_format(tmp, binary=fname.endswith(".bin"), precision=6)


class LeeCorpus:
    """The lines of ``datapath('lee_background.cor')``, each as ``simple_preprocess`` tokens
    (re-iterable), as gensim's."""

    def __iter__(self) -> Iterator[list[str]]:
        with open(datapath("lee_background.cor"), encoding="utf-8") as f:
            for line in f:
                yield simple_preprocess(line)


def lee_corpus() -> list[list[str]]:
    """``simple_preprocess`` of every line of ``datapath('lee_background.cor')``."""
    with open(datapath("lee_background.cor"), encoding="utf-8") as f:
        return [simple_preprocess(line) for line in f]


def __getattr__(name: str):
    if name == "lee_corpus_list":  # built on first use: it reads (or generates) a file
        value = lee_corpus()
        globals()["lee_corpus_list"] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
