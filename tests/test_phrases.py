"""ws.Phrases against a slow pure-Python reference written from gensim 4.4's algorithm
(counting into one dict of strings, prune_vocab, export_phrases, analyze_sentence)."""

from __future__ import annotations

import itertools
import json
import math
import random

import numpy as np
import pytest

import wordspace as ws
from wordspace.errors import CorpusError, FormatError, ParameterError
from wordspace.text.phrases import ENGLISH_CONNECTOR_WORDS, Phrases, learn_phrases


# ------------------------------------------------------------------------- the reference
def ref_default(worda_count, wordb_count, bigram_count, len_vocab, min_count, corpus_word_count):
    return (bigram_count - min_count) / float(worda_count * wordb_count) * len_vocab


def ref_npmi(worda_count, wordb_count, bigram_count, len_vocab, min_count, corpus_word_count):
    if bigram_count < min_count:
        return -math.inf
    cw = float(corpus_word_count)
    pa, pb, pab = worda_count / cw, wordb_count / cw, bigram_count / cw
    return math.log(pab / (pa * pb)) / -math.log(pab)


def ref_learn(
    sentences,
    *,
    min_count=5,
    threshold=10.0,
    scoring="default",
    connector_words=(),
    max_vocab_size=40_000_000,
    delimiter="_",
):
    """gensim's Phrases._learn_vocab + export_phrases, from the formulas."""
    score = {"default": ref_default, "npmi": ref_npmi}[scoring]
    conn = frozenset(connector_words)
    vocab: dict[str, int] = {}
    total = 0
    min_reduce = 1
    for sentence in sentences:
        start, between = None, []
        for w in sentence:
            if w not in conn:
                vocab[w] = vocab.get(w, 0) + 1
                if start is not None:
                    key = delimiter.join([start, *between, w])
                    vocab[key] = vocab.get(key, 0) + 1
                start, between = w, []
            elif start is not None:
                between.append(w)
            total += 1
        if max_vocab_size is not None and len(vocab) > max_vocab_size:
            for k in [k for k, c in vocab.items() if c < min_reduce]:
                del vocab[k]
            min_reduce += 1
    out = {}
    for key, cab in vocab.items():
        parts = key.split(delimiter)
        if len(parts) < 2:
            continue
        ca, cb = vocab.get(parts[0], 0), vocab.get(parts[-1], 0)
        if ca <= 0 or cb <= 0 or cab <= 0:
            continue
        s = score(ca, cb, cab, len(vocab), min_count, total)
        if s > threshold:
            out[key] = s
    return out


def ref_apply(sentence, table, connector_words=(), delimiter="_"):
    """gensim's analyze_sentence over a frozen table."""
    conn = frozenset(connector_words)
    out, start, between = [], None, []
    for w in sentence:
        if w not in conn:
            if start:
                p = delimiter.join([start, *between, w])
                if p in table:
                    out.append(p)
                    start, between = None, []
                    continue
                out += [start, *between]
            start, between = w, []
        elif start:
            between.append(w)
        else:
            out.append(w)
    if start:
        out += [start, *between]
    return out


def synthetic(seed=0, n=400, vocab=30, conn=("of", "the", "a"), extra=()):
    """Sentences with planted collocations among random words and connectors."""
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(vocab)] + list(extra)
    planted = [
        ["new", "york"],
        ["bank", "of", "america"],
        ["eye", "of", "the", "beholder"],
        ["los", "angeles"],
        ["new", "york", "city"],
        ["new"],
        ["city"],
    ]
    out = []
    for _ in range(n):
        s = []
        for _ in range(rng.randint(0, 14)):
            r = rng.random()
            if r < 0.2:
                s += rng.choice(planted)
            elif r < 0.45:
                s.append(rng.choice(conn))
            else:
                s.append(rng.choice(words))
        out.append(s)
    return out


# ------------------------------------------------------------------------------- fitting
@pytest.mark.parametrize(
    "settings",
    [
        dict(min_count=2, threshold=1.0),
        dict(min_count=3, threshold=5.0, connector_words=("of", "the", "a")),
        dict(min_count=1, threshold=0.2, scoring="npmi", connector_words=("of", "the", "a")),
        dict(min_count=5, threshold=-0.5, scoring="npmi"),
        dict(min_count=1, threshold=0.5, connector_words=("of", "the", "a"), max_vocab_size=400),
        dict(min_count=2, threshold=2.0, delimiter="--", connector_words=("of",)),
    ],
)
def test_phrase_set_and_scores_equal_gensims_reference(settings):
    sents = synthetic(seed=3)
    ph = Phrases(**settings).fit(sents)
    ref = ref_learn(sents, **settings)
    assert ref, "the settings should find phrases"
    assert ph.phrasegrams_ == ref  # same phrases, bit-identical scores
    df = ph.phrases_
    assert list(df.columns) == ["phrase", "count", "score"]
    assert df["score"].is_monotonic_decreasing
    assert set(df["phrase"]) == set(ref)


def test_pruning_matches_gensims_rule():
    sents = synthetic(seed=5, n=300)
    kw = dict(min_count=1, threshold=0.1, connector_words=("of", "the", "a"))
    full = Phrases(**kw, max_vocab_size=None).fit(sents)
    pruned = Phrases(**kw, max_vocab_size=300).fit(sents)
    assert pruned.phrasegrams_ == ref_learn(sents, **kw, max_vocab_size=300)
    assert pruned.phrasegrams_
    assert pruned.min_reduce_ > 1
    assert pruned.phrasegrams_ != full.phrasegrams_  # pruning did change something
    assert full.phrasegrams_ == ref_learn(sents, **kw, max_vocab_size=None)


def test_tokens_holding_the_delimiter_are_merged_by_string_as_gensim_does():
    # a literal token "new_york" adds to the candidate "new york"; "a_b c" is scored as a..c
    sents = synthetic(seed=7, extra=("new_york", "w1_w2", "of_x"))
    kw = dict(min_count=1, threshold=0.5, connector_words=("of", "the", "a"))
    ph = Phrases(**kw).fit(sents)
    assert ph.phrasegrams_ == ref_learn(sents, **kw)


def test_second_pass_finds_trigrams_like_gensim():
    sents = synthetic(seed=11, n=600)
    kw = dict(min_count=3, threshold=1.0, connector_words=("of", "the", "a"))
    ph1, ph2 = learn_phrases(sents, passes=2, **kw)
    ref1 = ref_learn(sents, **kw)
    assert ph1.phrasegrams_ == ref1
    joined = [ref_apply(s, ref1, kw["connector_words"]) for s in sents]
    assert ph2.phrasegrams_ == ref_learn(joined, **kw)
    # gensim scores the learned "new_york city" with the counts of "new" and "city"
    assert "new_york_city" in ph2.phrasegrams_
    # a Corpus with both passes gives the reference's stream, on both paths
    c = ws.Corpus(sents, phrases=[ph1, ph2])
    ref2 = ph2.phrasegrams_
    expected = [ref_apply(s, ref2, kw["connector_words"]) for s in joined]
    expected = [s for s in expected if s]
    assert list(c) == expected
    sc = c.scan()
    got = [
        [sc.types[i] for i in sc.raw_ids[a:b]]
        for a, b in itertools.pairwise(sc.sentence_starts.tolist())
    ]
    assert got == expected
    assert sc.counts.sum() == len(sc.raw_ids)


def test_hand_checked_scores():
    # a b occurs 3 times; a 4 times, b 3 times; keys: a, b, c, a_b, b_a, b_c, c_a, a_c
    sents = [["a", "b"], ["a", "b", "a"], ["c", "a", "b", "c"], ["a", "c"]]
    ph = Phrases(min_count=1, threshold=0.0001).fit(sents)
    n_keys = 3 + len({"a_b", "b_a", "b_c", "c_a", "a_c"})
    assert ph.len_vocab_ == n_keys == 8
    assert ph.phrasegrams_["a_b"] == (3 - 1) / float(5 * 3) * 8
    assert "b_a" not in ph.phrasegrams_  # count 1 - min_count 1 = 0: score 0, not > threshold
    assert ph.corpus_word_count_ == 11
    npmi = Phrases(min_count=1, threshold=-1.0, scoring="npmi").fit(sents)
    pab, pa, pb = 3 / 11, 5 / 11, 3 / 11
    assert npmi.phrasegrams_["a_b"] == pytest.approx(math.log(pab / (pa * pb)) / -math.log(pab))


def test_threshold_is_strict():
    sents = [["x", "y"]] * 4 + [["z"]]
    ph = Phrases(min_count=1, threshold=0.5).fit(sents)
    s = ph.len_vocab_ * (4 - 1) / 16
    assert ph.phrasegrams_ == {"x_y": s}
    assert Phrases(min_count=1, threshold=s).fit(sents).phrasegrams_ == {}


def test_connector_words_join_inside_never_at_the_ends():
    sents = [["the", "bank", "of", "america", "of"]] * 5 + [["bank"], ["america"], ["q", "r"]]
    ph = Phrases(min_count=1, threshold=0.01, connector_words=ENGLISH_CONNECTOR_WORDS).fit(sents)
    assert set(ph.phrasegrams_) == {"bank_of_america"}
    assert ph.transform(["the", "bank", "of", "america", "of", "the"]) == [
        "the",
        "bank_of_america",
        "of",
        "the",
    ]
    assert ph.transform(["of", "bank", "of", "the", "america"]) == [
        "of",
        "bank",
        "of",
        "the",
        "america",
    ]


def test_custom_scorer_equals_builtin():
    sents = synthetic(seed=2)
    kw = dict(min_count=2, threshold=1.5, connector_words=("of",))
    custom = Phrases(**kw, scoring=ref_default).fit(sents)
    assert custom.phrasegrams_ == Phrases(**kw).fit(sents).phrasegrams_
    assert custom.phrasegrams_


def test_transform_matches_reference_and_gensim_style_indexing():
    sents = synthetic(seed=4)
    kw = dict(min_count=2, threshold=1.0, connector_words=("of", "the", "a"))
    ph = Phrases(**kw).fit(sents)
    for s in sents[:50]:
        assert ph.transform(s) == ref_apply(s, ph.phrasegrams_, kw["connector_words"])
    assert ph[["new", "york"]] == ["new_york"]
    assert ph.transform([["new", "york"], ["los", "angeles", "x"]]) == [
        ["new_york"],
        ["los_angeles", "x"],
    ]
    with pytest.raises(ParameterError, match="list of tokens"):
        ph.transform("new york")


def test_file_corpus_and_list_corpus_agree(tmp_path):
    sents = synthetic(seed=9)
    p = tmp_path / "c.txt"
    p.write_text("\n".join(" ".join(s) for s in sents) + "\n", encoding="utf-8")
    kw = dict(min_count=2, threshold=1.0, connector_words=("of", "the", "a"))
    assert Phrases(**kw).fit(p).phrasegrams_ == Phrases(**kw).fit(sents).phrasegrams_


# ---------------------------------------------------------------------------- estimator
def test_estimator_contract():
    ph = Phrases(min_count=3, threshold=2.0)
    assert ph.get_params()["min_count"] == 3
    ph.set_params(threshold=4.0)
    assert ph.threshold == 4.0
    assert "threshold=4.0" in repr(ph)
    assert not ph.is_fitted
    with pytest.raises(ParameterError, match="not fitted"):
        ph.transform(["a"])


@pytest.mark.parametrize(
    "kw, match",
    [
        (dict(min_count=0), "min_count"),
        (dict(threshold=0.0), "threshold"),
        (dict(threshold=-3.0), "threshold"),
        (dict(threshold=float("nan")), "threshold"),
        (dict(scoring="npmi", threshold=1.5), "threshold"),
        (dict(scoring="pmi"), "scoring"),
        (dict(scoring=lambda a, b: 1.0), "scoring"),
        (dict(connector_words="the"), "connector_words"),
        (dict(max_vocab_size=0), "max_vocab_size"),
        (dict(delimiter=""), "delimiter"),
    ],
)
def test_bad_parameters(kw, match):
    with pytest.raises(ParameterError, match=match):
        Phrases(**kw).fit([["a", "b"]])


def test_empty_corpus_is_a_corpus_error(tmp_path):
    with pytest.raises(CorpusError, match="no tokens"):
        Phrases().fit([[], []])
    p = tmp_path / "empty.txt"
    p.write_text("\n\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="no tokens"):
        Phrases().fit(p)


def test_only_connectors_find_nothing():
    ph = Phrases(min_count=1, threshold=0.1, connector_words=("of",)).fit([["of", "of"]] * 3)
    assert len(ph) == 0
    assert ph.transform(["of", "x"]) == ["of", "x"]


# -------------------------------------------------------------------------------- files
def test_export_load_round_trip(tmp_path):
    sents = synthetic(seed=1)
    ph = Phrases(
        min_count=2, threshold=1.0, scoring="default", connector_words=ENGLISH_CONNECTOR_WORDS
    ).fit(sents)
    path = tmp_path / "phrases.json"
    ph.export(path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == "wordspace-phrases"
    back = Phrases.load(path)
    assert back.phrasegrams_ == ph.phrasegrams_
    assert back.get_params() == {**ph.get_params(), "connector_words": ENGLISH_CONNECTOR_WORDS}
    assert back.transform(["new", "york", "x"]) == ph.transform(["new", "york", "x"])
    c = ws.Corpus(sents, phrases=str(path))
    assert list(c)[:20] == list(ws.Corpus(sents, phrases=ph))[:20]


def test_custom_scorer_export_loads_frozen(tmp_path):
    ph = Phrases(min_count=1, threshold=0.5, scoring=ref_default).fit(synthetic(seed=1))
    ph.export(tmp_path / "p.json")
    back = Phrases.load(tmp_path / "p.json")
    assert back.phrasegrams_ == ph.phrasegrams_
    with pytest.raises(ParameterError, match="scoring"):
        back.fit([["a", "b"]])


@pytest.mark.parametrize(
    "content",
    [
        b"not json at all",
        b"\xff\xfe",
        b"[1, 2]",
        b'{"format": "something-else"}',
        b'{"format": "wordspace-phrases", "version": 99}',
        b'{"format": "wordspace-phrases", "version": 1, "params": {}, "connector_words": [], '
        b'"phrases": [["a_b", "x", 1.0]]}',
        b'{"format": "wordspace-phrases", "version": 1, "params": {"threshold": -5}, '
        b'"connector_words": [], "phrases": []}',
    ],
)
def test_a_file_that_is_not_a_phrases_file(tmp_path, content):
    p = tmp_path / "bad.json"
    p.write_bytes(content)
    with pytest.raises(FormatError):
        Phrases.load(p)


def test_load_missing_or_directory(tmp_path):
    with pytest.raises(FileNotFoundError):
        Phrases.load(tmp_path / "nope.json")
    with pytest.raises(FormatError, match="directory"):
        Phrases.load(tmp_path)


# ------------------------------------------------------------------------------ corpus
def test_corpus_refuses_unfitted_or_foreign_phrases():
    with pytest.raises(ParameterError, match="not fitted"):
        ws.Corpus([["a"]], phrases=Phrases())
    with pytest.raises(ParameterError, match="Phrases"):
        ws.Corpus([["a"]], phrases=[42])


def test_word2vec_trains_on_joined_tokens_and_answers_queries_with_spaces():
    rng = random.Random(0)
    words = [f"w{i}" for i in range(40)]
    sents = []
    for _ in range(1500):
        s = [rng.choice(words) for _ in range(8)]
        i = rng.randrange(8)
        s[i:i] = ["new", "york"]
        sents.append(s)
    ph = Phrases(min_count=5, threshold=1.0).fit(sents)
    assert set(ph.phrasegrams_) == {"new_york"}
    m = ws.Word2Vec(vector_size=16, min_count=1, epochs=1, workers=1, seed=1).fit(
        ws.Corpus(sents, phrases=ph)
    )
    wv = m.wv
    assert "new_york" in wv.key_to_index and "new" not in wv.key_to_index
    assert "new york" in wv
    np.testing.assert_array_equal(wv["new york"], wv["new_york"])
    assert wv.most_similar("new york", topn=3) == wv.most_similar("new_york", topn=3)
    assert "los angeles" not in wv


def test_kernel_counts_against_a_counter():
    from collections import Counter

    from wordspace.kernels.phrases import count_phrases

    rng = np.random.default_rng(0)
    n_types = 12
    raw = rng.integers(0, n_types, 3000).astype(np.int32)
    starts = np.array([0, 7, 7, 500, 1999, 3000], dtype=np.int64)
    is_conn = np.zeros(n_types, dtype=np.bool_)
    is_conn[[0, 1]] = True
    uni, a, sq, b, c, par, last, _ = count_phrases(raw, starts, is_conn, n_types, -1, 16)
    seqs = [()]
    for s in range(1, len(par)):
        seqs.append(seqs[par[s]] + (int(last[s]),))
    want_uni = Counter(int(t) for t in raw if not is_conn[t])
    assert uni.tolist() == [want_uni.get(t, 0) for t in range(n_types)]
    want = Counter()
    for lo, hi in itertools.pairwise(starts.tolist()):
        prev, between = None, []
        for t in raw[lo:hi].tolist():
            if not is_conn[t]:
                if prev is not None:
                    want[(prev, tuple(between), t)] += 1
                prev, between = t, []
            elif prev is not None:
                between.append(t)
    got = {(int(x), seqs[int(s)], int(y)): int(n) for x, s, y, n in zip(a, sq, b, c, strict=True)}
    assert got == dict(want)


def test_counting_by_sorting_equals_the_hash_table():
    from wordspace.kernels.phrases import candidate_keys, count_phrases, count_sorted

    rng = np.random.default_rng(1)
    n_types = 50
    raw = rng.integers(0, n_types, 5000).astype(np.int32)
    starts = np.array([0, 1, 1000, 4000, 5000], dtype=np.int64)
    is_conn = np.zeros(n_types, dtype=np.bool_)
    is_conn[[3, 4, 5]] = True
    uni, a, sq, b, c, par, last, _ = count_phrases(raw, starts, is_conn, n_types, -1, 16)
    bits = (n_types - 1).bit_length()
    uni2, keys, par2, last2, ok = candidate_keys(raw, starts, is_conn, n_types, bits)
    assert ok
    keys.sort()
    a2, sq2, b2, c2 = count_sorted(keys, bits)
    np.testing.assert_array_equal(uni, uni2)

    def table(a, sq, b, c, par, last):
        seqs = [()]
        for s in range(1, len(par)):
            seqs.append(seqs[par[s]] + (int(last[s]),))
        return {
            (int(x), seqs[int(s)], int(y)): int(n) for x, s, y, n in zip(a, sq, b, c, strict=True)
        }

    assert table(a, sq, b, c, par, last) == table(a2, sq2, b2, c2, par2, last2)
    # too many connector sequences for the bits left: the caller falls back to the table
    assert not candidate_keys(raw, starts, is_conn, n_types, 31)[4]


@pytest.mark.parametrize("trainer", ["GloVe", "FastText"])
def test_other_trainers_read_the_joined_stream(trainer):
    sents = [["w1", "new", "york", "w2"], ["new", "york", "w3", "w1"], ["w2", "w3"]] * 30
    ph = Phrases(min_count=1, threshold=0.1).fit(sents)
    assert "new_york" in ph.phrasegrams_
    est = getattr(ws, trainer)(vector_size=8, min_count=1, epochs=1, workers=1, seed=1)
    wv = est.fit(ws.Corpus(sents, phrases=ph)).wv
    assert "new_york" in wv.key_to_index and "new" not in wv.key_to_index


def test_phrase_tokenizer_phrases_valuevec_records():
    """Records are phrased as a Corpus with phrases= would be: 'New York' lofts get their own
    word (and value), apart from 'new' and 'york' used alone."""
    import pandas as pd

    from wordspace.text.tokenizer import Tokenizer

    rng = random.Random(1)
    fill = [
        a + b
        for a in "bcdfgh"
        for b in ("ax", "ex", "ox", "ux", "ix", "ab", "eb", "ob", "ub", "ib")
    ]  # letters only: normalize keeps them
    texts, prices = [], []
    for _ in range(600):
        kind = rng.random()
        words = rng.sample(fill, 4)
        if kind < 0.3:
            words.insert(rng.randrange(5), "New York")
            price = 300.0 + rng.random()
        elif kind < 0.45:
            words.insert(rng.randrange(5), rng.choice(["new", "york"]))
            price = 50.0 + rng.random()
        else:
            price = 100.0 + rng.random()
        texts.append(" ".join(words))
        prices.append(price)
    tok = Tokenizer(normalize=True)
    ph = Phrases(min_count=5, threshold=1.0).fit([tok(t) for t in texts])
    assert "new_york" in ph.phrasegrams_
    pt = ws.PhraseTokenizer(ph)
    assert pt("Loft in NEW YORK") == ["loft", "in", "new_york"]
    assert pt("") == []
    df = pd.DataFrame({"name": texts, "price": prices})
    vv = ws.ValueVec(tokenizer=pt, min_count=5, seed=0).fit(df, text="name", value="price")
    keys = vv.wv.key_to_index
    assert "new_york" in keys and "new" in keys and "york" in keys
    values = vv.word_values_.set_index("word")["value"]
    assert values["new_york"] > values["new"] and values["new_york"] > values["york"]
    # a path written by Phrases.export and a list of passes are accepted; bad input is typed
    with pytest.raises(ParameterError):
        ws.PhraseTokenizer([])
    with pytest.raises(ParameterError):
        ws.PhraseTokenizer(ph, base="not a tokenizer")
