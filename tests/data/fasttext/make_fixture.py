"""Writes tiny.bin and tiny_expected.json with the official fastText tool (not run by the
tests: the files are committed). Run with an interpreter that has the `fasttext` (or
`fasttext-wheel`) package:  python tests/data/fasttext/make_fixture.py
"""

import json
import random
from pathlib import Path

import fasttext

here = Path(__file__).parent
rng = random.Random(0)
words = [
    "naïve",
    "café",
    "über",
    "straße",
    "日本",
    "cat",
    "cats",
    "dog",
    "dogs",
    "run",
    "running",
    "ran",
    "the",
    "a",
    "of",
]
corpus = here / "tiny_corpus.txt"
corpus.write_text(
    "\n".join(" ".join(rng.choice(words) for _ in range(8)) for _ in range(60)) + "\n",
    encoding="utf-8",
)
m = fasttext.train_unsupervised(
    str(corpus),
    model="skipgram",
    dim=4,
    minn=2,
    maxn=4,
    bucket=31,
    epoch=3,
    minCount=1,
    thread=1,
    verbose=0,
)
m.save_model(str(here / "tiny.bin"))
queries = list(m.words) + ["naïf", "cafés", "日本語", "catdog", "zzz", "é"]
expected = {
    "words": list(m.words),
    "vectors": {q: [float(x) for x in m.get_word_vector(q)] for q in queries},
    "subword_ids": {q: [int(i) for i in m.get_subwords(q)[1]] for q in queries},
}
(here / "tiny_expected.json").write_text(
    json.dumps(expected, ensure_ascii=False, indent=0), encoding="utf-8"
)
corpus.unlink()
print(len(m.words), "words;", (here / "tiny.bin").stat().st_size, "bytes")

# a supervised (classification) model: labels in the dictionary, output rows per label
sup = here / "tiny_sup_corpus.txt"
sup.write_text(
    "\n".join(
        f"__label__{'a' if i % 2 else 'b'} " + " ".join(rng.choice(words) for _ in range(6))
        for i in range(40)
    )
    + "\n",
    encoding="utf-8",
)
s = fasttext.train_supervised(
    str(sup), dim=4, minn=2, maxn=3, bucket=23, epoch=2, thread=1, verbose=0
)
s.save_model(str(here / "tiny_sup.bin"))
sq = list(s.words) + ["naïf", "zebra"]
(here / "tiny_sup_expected.json").write_text(
    json.dumps(
        {
            "words": list(s.words),
            "labels": list(s.labels),
            "vectors": {q: [float(x) for x in s.get_word_vector(q)] for q in sq},
        },
        ensure_ascii=False,
        indent=0,
    ),
    encoding="utf-8",
)
sup.unlink()
print(
    len(s.words),
    "words,",
    len(s.labels),
    "labels;",
    (here / "tiny_sup.bin").stat().st_size,
    "bytes",
)
