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
words = ["naïve", "café", "über", "straße", "日本", "cat", "cats", "dog", "dogs", "run",
         "running", "ran", "the", "a", "of"]
corpus = here / "tiny_corpus.txt"
corpus.write_text("\n".join(" ".join(rng.choice(words) for _ in range(8))
                            for _ in range(60)) + "\n", encoding="utf-8")
m = fasttext.train_unsupervised(str(corpus), model="skipgram", dim=4, minn=2, maxn=4,
                                bucket=31, epoch=3, minCount=1, thread=1, verbose=0)
m.save_model(str(here / "tiny.bin"))
queries = list(m.words) + ["naïf", "cafés", "日本語", "catdog", "zzz", "é"]
expected = {
    "words": list(m.words),
    "vectors": {q: [float(x) for x in m.get_word_vector(q)] for q in queries},
    "subword_ids": {q: [int(i) for i in m.get_subwords(q)[1]] for q in queries},
}
(here / "tiny_expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=0),
                                         encoding="utf-8")
corpus.unlink()
print(len(m.words), "words;", (here / "tiny.bin").stat().st_size, "bytes")
