"""TF-IDF next to mean vectors, SIF and WMD: compare() against each method computed on its own
(scikit-learn's TfidfVectorizer by hand), one tokenizer for all, the CLI's table."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from wordspace import WordVectors
from wordspace.analysis.docfeatures import DocEmbedder, compare
from wordspace.analysis.textsim import (
    SIF,
    doc_tokens,
    query_tokenizer,
    text_similarity,
    wmdistance,
)
from wordspace.errors import ParameterError

WORDS = "the a cat dog sat lay on mat rug piano played she concert cheap flat inexpensive apartment".split()
PAIRS = [
    ("The cat sat on the mat.", "the dog lay on the rug"),
    ("a cheap flat", "an inexpensive apartment"),
    ("the cat sat on the mat", "she played the piano at the concert"),
    ("The cat sat on the mat", "the cat sat on the mat!"),
]


def model(seed: int = 0) -> WordVectors:
    rng = np.random.default_rng(seed)
    return WordVectors(WORDS, rng.normal(size=(len(WORDS), 8)).astype(np.float32))


def cos(u, v):
    u, v = np.asarray(u, np.float64).ravel(), np.asarray(v, np.float64).ravel()
    return float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))


def test_tfidf_equals_scikit_learn_on_the_same_tokens():
    wv = model()
    res = compare(PAIRS, wv, methods=("tfidf",))
    tok = query_tokenizer(wv)
    texts = list(dict.fromkeys(tuple(doc_tokens(t, tok)) for p in PAIRS for t in p))
    vec = TfidfVectorizer(analyzer=lambda d: list(d)).fit(texts)
    for i, (a, b) in enumerate(PAIRS):
        x = vec.transform([tuple(doc_tokens(a, tok))]).toarray()
        y = vec.transform([tuple(doc_tokens(b, tok))]).toarray()
        assert res.scores["tfidf"][i] == pytest.approx(cos(x, y), abs=1e-12)
    assert res.scores["tfidf"][3] == pytest.approx(1.0)  # the same tokens after tokenising
    assert res.scores["tfidf"][1] == 0.0  # no word in common
    assert len(texts) == 5  # the three spellings of "the cat sat on the mat" are one text
    assert res.fitted_on == "the texts of the pairs (5 distinct texts)"


def test_all_methods_side_by_side_equal_each_method_alone():
    wv = model(1)
    res = compare(PAIRS, wv)
    assert list(res.scores) == ["tfidf", "mean", "sif", "wmd"]
    tok = query_tokenizer(wv)
    texts = list(dict.fromkeys(tuple(doc_tokens(t, tok)) for p in PAIRS for t in p))
    sif = SIF(wv, tokenizer=tok).fit([list(t) for t in texts])
    for i, (a, b) in enumerate(PAIRS):
        assert res.scores["mean"][i] == pytest.approx(text_similarity(wv, a, b), abs=1e-6)
        assert res.scores["wmd"][i] == pytest.approx(wmdistance(wv, a, b), abs=1e-12)
        assert res.scores["sif"][i] == pytest.approx(
            text_similarity(wv, a, b, "sif", sif=sif), abs=1e-6
        )
    # WMD: lower is closer; the identical pair is the most similar by every method
    for m in res.scores:
        assert res.most_similar(m) == 3
    assert res.ranking("wmd")[0] == 3 and res.scores["wmd"][3] == pytest.approx(0.0, abs=1e-9)
    rows = res.rows()
    assert rows[1]["a"] == "a cheap flat" and set(rows[1]) == {
        "a",
        "b",
        "tfidf",
        "mean",
        "sif",
        "wmd",
    }


def test_background_corpus_sets_the_idf():
    wv = model(2)
    background = ["the cat", "the dog", "the mat", "the rug", "the piano", "a cat sat"]
    res = compare(PAIRS[:1], wv, methods=("tfidf",), background=background)
    assert res.fitted_on == "background corpus (6 documents)"
    tok = query_tokenizer(wv)
    vec = TfidfVectorizer(analyzer=lambda d: doc_tokens(d, tok)).fit(background)
    a, b = PAIRS[0]
    expected = cos(vec.transform([a]).toarray(), vec.transform([b]).toarray())
    assert res.scores["tfidf"][0] == pytest.approx(expected, abs=1e-12)
    alone = compare(PAIRS[:1], wv, methods=("tfidf",)).scores["tfidf"][0]
    assert alone != pytest.approx(expected)  # the IDF table did change


def test_least_similar_skips_texts_without_a_known_word():
    wv = model(3)
    pairs = [("cat sat", "dog lay"), ("zzz qqq", "cat"), ("cat", "cat")]
    with pytest.warns(UserWarning):
        text_similarity(wv, "zzz", "cat")
    res = compare(pairs, wv, methods=("mean", "tfidf"))
    assert np.isnan(res.scores["mean"][1])
    assert res.least_similar("mean") == 0 and res.ranking("mean")[-1] == 1
    assert res.scores["tfidf"][1] == 0.0  # TF-IDF knows zzz and qqq: its own vocabulary


def test_tfidf_alone_needs_no_vectors_and_uses_the_default_tokenizer():
    res = compare([("Crème brûlée!", "creme brulee")], methods=("tfidf",))
    assert res.scores["tfidf"][0] == pytest.approx(1.0)
    emb = DocEmbedder("tfidf").fit(["Crème brûlée!", "the cat"])
    assert sorted(emb.model_.vocabulary_) == ["brulee", "cat", "creme", "the"]


def test_bad_input_is_a_typed_error():
    wv = model()
    with pytest.raises(ParameterError, match="methods must be some of"):
        compare(PAIRS, wv, methods=("bm25",))
    with pytest.raises(ParameterError, match="need word vectors"):
        compare(PAIRS, methods=("mean",))
    with pytest.raises(ParameterError, match="at least one pair"):
        compare([], wv)
    with pytest.raises(ParameterError, match=r"pairs\[0\] must be a pair"):
        compare(["just one text"], wv)
    with pytest.raises(ParameterError, match="not bytes"):
        compare([(b"x", "y")], wv)


def test_cli_compare_table(tmp_path, capsys):
    from wordspace.cli import main

    wv = model(1)
    path = tmp_path / "m.wsv"
    wv.save(path)
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("".join(f"{a}\t{b}\n" for a, b in PAIRS), encoding="utf-8")
    main(["compare", str(path), "--texts", str(pairs), "--json"])
    out = json.loads(capsys.readouterr().out)
    ref = compare(PAIRS, wv)
    assert out["methods"] == ["tfidf", "mean", "sif", "wmd"]
    for i, row in enumerate(out["pairs"]):
        for m in out["methods"]:
            assert row[m] == pytest.approx(float(ref.scores[m][i]), abs=1e-9)
    assert out["extremes"]["wmd"]["most_similar"] == 3
    main(
        [
            "compare",
            str(path),
            "a cheap flat",
            "an inexpensive apartment",
            "--methods",
            "tfidf,mean",
        ]
    )
    text = capsys.readouterr().out
    assert "TF-IDF cosine" in text and "mean cosine" in text and "most similar #1" in text
    main(["compare", str(path), "the cat", "the cat sat", "--method", "tfidf", "--json"])
    assert 0 < json.loads(capsys.readouterr().out)["cosine"] < 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["--methods", "tfidf,bm25"], "--methods must be"),
        (["--method", "mean", "--methods", "all"], "not both"),
        (["only-one-text"], "give two texts"),
    ],
)
def test_cli_compare_errors(tmp_path, capsys, args, message):
    from wordspace.cli import main

    path = tmp_path / "m.wsv"
    model().save(path)
    extra = ["a", "b"] if args[0].startswith("--") else []
    with pytest.raises(SystemExit) as e:
        main(["compare", str(path), *extra, *args])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
