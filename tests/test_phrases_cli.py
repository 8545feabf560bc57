"""``wordspace phrases`` and ``wordspace train word2vec --phrases N``."""

from __future__ import annotations

import json
import random

import pytest

import wordspace as ws
from wordspace.cli import main


def _corpus(tmp_path, n=1500):
    rng = random.Random(0)
    words = [f"w{i}" for i in range(400)]  # many distinct pairs: a large N in the score
    lines = []
    for _ in range(n):
        s = [rng.choice(words) for _ in range(8)]
        i = rng.randrange(8)
        s[i:i] = rng.choice(
            [["new", "york", "city"], ["bank", "of", "america"], ["new", "york"], ["new"], ["city"]]
        )
        lines.append(" ".join(s))
    p = tmp_path / "c.txt"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def test_phrases_writes_the_joined_corpus_and_tables(tmp_path, capsys):
    src = _corpus(tmp_path)
    out = tmp_path / "joined.txt"
    main(
        [
            "phrases",
            str(src),
            "-o",
            str(out),
            "--passes",
            "2",
            "--threshold",
            "1",
            "--export",
            str(tmp_path / "p.json"),
            "--json",
        ]
    )
    data = json.loads(capsys.readouterr().out)
    assert [p["phrases"] for p in data["passes"]][0] >= 2
    text = out.read_text(encoding="utf-8")
    assert "bank_of_america" in text and "new_york_city" in text
    assert " new york " not in f" {text} "
    # the exported passes applied by a Corpus give the same text
    c = ws.Corpus(src, phrases=[tmp_path / "p-1.json", tmp_path / "p-2.json"])
    assert [" ".join(s) for s in c] == text.splitlines()
    ph = ws.Phrases.load(tmp_path / "p-1.json")
    assert "new_york" in ph.phrasegrams_


def test_phrases_bad_input_is_one_line(tmp_path, capsys):
    src = _corpus(tmp_path, n=20)
    for args, needle in [
        (["--threshold", "0"], "--threshold"),
        (["--scoring", "npmi", "--threshold", "2"], "--threshold"),
        (["--min-count", "0"], "--min-count"),
        (["--passes", "0"], "--passes"),
    ]:
        with pytest.raises(SystemExit) as e:
            main(["phrases", str(src), "-o", str(tmp_path / "o.txt"), *args])
        assert e.value.code == 2
        err = capsys.readouterr().err
        assert needle in err and "Traceback" not in err
    empty = tmp_path / "empty.txt"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(SystemExit) as e:
        main(["phrases", str(empty), "-o", str(tmp_path / "o.txt")])
    assert e.value.code == 2 and "no tokens" in capsys.readouterr().err


def test_train_word2vec_with_phrases(tmp_path, capsys):
    src = _corpus(tmp_path)
    out = tmp_path / "m.wsv"
    main(
        [
            "train",
            "word2vec",
            str(src),
            "-o",
            str(out),
            "--phrases",
            "2",
            "--dim",
            "8",
            "--min-count",
            "1",
            "--epochs",
            "1",
            "--workers",
            "1",
            "--json",
        ]
    )
    json.loads(capsys.readouterr().out)
    wv = ws.load(out)
    assert "new_york_city" in wv.key_to_index and "bank_of_america" in wv.key_to_index
    assert "new york city" in wv
    assert wv.most_similar("bank of america", topn=1)
    with pytest.raises(SystemExit) as e:
        main(["train", "word2vec", str(src), "-o", str(out), "--phrases", "-1"])
    assert e.value.code == 2 and "--phrases" in capsys.readouterr().err


@pytest.mark.parametrize(
    "command,extra",
    [
        ("glove", ["--epochs", "2", "--window", "3"]),
        ("fasttext", ["--epochs", "1", "--minn", "3", "--maxn", "4", "--bucket", "1000"]),
    ],
)
def test_train_glove_and_fasttext_with_phrases(tmp_path, capsys, command, extra):
    src = _corpus(tmp_path)
    out = tmp_path / "m.wsv"
    main(
        [
            "train",
            command,
            str(src),
            "-o",
            str(out),
            "--phrases",
            "2",
            "--dim",
            "8",
            "--min-count",
            "1",
            "--workers",
            "1",
            *extra,
            "--json",
        ]
    )
    json.loads(capsys.readouterr().out)
    wv = ws.load(out)
    assert "new_york_city" in wv.key_to_index and "bank_of_america" in wv.key_to_index
    assert "new york city" in wv
    with pytest.raises(SystemExit) as e:
        main(["train", command, str(src), "-o", str(tmp_path / "x.wsv"), "--phrases", "-1"])
    assert e.value.code == 2 and "--phrases" in capsys.readouterr().err


def test_train_glove_phrases_refuses_a_cooccurrence_file(tmp_path, capsys):
    src = _corpus(tmp_path, n=50)
    co = tmp_path / "co.npz"
    main(
        [
            "train",
            "glove",
            str(src),
            "-o",
            str(tmp_path / "g.wsv"),
            "--dim",
            "4",
            "--min-count",
            "1",
            "--epochs",
            "1",
            "--save-cooccurrence",
            str(co),
            "--json",
        ]
    )
    capsys.readouterr()
    with pytest.raises(SystemExit) as e:
        main(
            [
                "train",
                "glove",
                "--cooccurrence",
                str(co),
                "-o",
                str(tmp_path / "h.wsv"),
                "--phrases",
                "1",
            ]
        )
    err = capsys.readouterr().err
    assert e.value.code == 2 and "--phrases" in err and "--cooccurrence" in err
    assert not (tmp_path / "h.wsv").exists()


@pytest.mark.parametrize("trainer", ["word2vec", "fasttext", "glove"])
def test_models_record_the_phrase_delimiter(tmp_path, trainer):
    """A model trained through phrases keeps their delimiter, so "new york" finds new+york
    in a model whose phrases were joined with "+" (and survives save/load)."""
    from wordspace.text.tokenizer import Tokenizer

    src = _corpus(tmp_path)
    sents = [Tokenizer()(line) for line in src.read_text(encoding="utf-8").splitlines()]
    ph = ws.Phrases(min_count=5, threshold=1.0, delimiter="+").fit(sents)
    corpus = ws.Corpus(src, phrases=[ph])
    kw = dict(vector_size=8, min_count=1, epochs=1, workers=1, seed=1)
    est = {
        "word2vec": lambda: ws.Word2Vec(**kw),
        "fasttext": lambda: ws.FastText(**kw, minn=3, maxn=4, bucket=1000),
        "glove": lambda: ws.GloVe(**kw, window=3),
    }[trainer]()
    wv = est.fit(corpus).wv
    assert wv.meta["phrases"] == {"delimiter": "+", "passes": 1}
    assert "new+york" in wv.key_to_index and "new york" in wv
    assert wv.most_similar("new york", topn=1)
    out = tmp_path / "m.wsv"
    wv.save(out)
    assert "new york" in ws.load(out)
    plain = {"word2vec": ws.Word2Vec, "fasttext": ws.FastText, "glove": ws.GloVe}[trainer]
    assert "phrases" not in plain(**kw).fit(sents).wv.meta
