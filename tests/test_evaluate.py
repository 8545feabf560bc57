"""Analogy and word-pair evaluation: gensim's semantics on tiny handmade vectors."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats

from wordspace import WordVectors
from wordspace.analysis.evaluate import datapath, evaluate_word_analogies, evaluate_word_pairs
from wordspace.errors import FormatError, ParameterError

# person, female, royal, young
E = np.eye(4, dtype=np.float32)
BASE = {
    "man": E[0],
    "woman": E[0] + E[1],
    "king": E[0] + E[2],
    "queen": E[0] + E[1] + E[2],
    "boy": E[0] + E[3],
    "girl": E[0] + E[1] + E[3],
    "prince": E[0] + E[2] + E[3],
    "princess": E[0] + E[1] + E[2] + E[3],
    "table": np.array([0.1, -1, 0.2, -1], dtype=np.float32),
}


def make_wv(extra: dict | None = None, order: list[str] | None = None) -> WordVectors:
    d = dict(BASE)
    d.update(extra or {})
    keys = order or list(d)
    return WordVectors(keys, np.array([d[k] for k in keys], dtype=np.float32))


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf8")
    return p


ANALOGIES = """: royals
man woman king queen
man woman prince princess
boy girl king queen
king queen man table
man woman king unicorn
: youth
man boy woman girl
man boy king prince

this line is not valid
"""


def test_known_answers_sections_and_total(tmp_path):
    p = write(tmp_path, "q.txt", ANALOGIES)
    wv = make_wv()
    r = evaluate_word_analogies(wv, p)
    score, sections = r  # unpacks like gensim
    names = [s["section"] for s in sections]
    assert names == ["royals", "youth", "Total accuracy"]
    royals, youth, total = sections
    assert len(royals["correct"]) == 3 and len(royals["incorrect"]) == 1  # table is wrong
    assert ("KING", "QUEEN", "MAN", "TABLE") in royals["incorrect"]
    assert len(youth["correct"]) == 2 and not youth["incorrect"]
    assert len(total["correct"]) == 5 and len(total["incorrect"]) == 1
    assert score == pytest.approx(5 / 6)
    assert r.n_questions == 7 and r.n_oov == 1  # 'unicorn' skipped; blank/invalid not counted
    assert r.oov_ratio == pytest.approx(100 / 7)
    df = r.summary()
    assert list(df.columns) == ["section", "correct", "incorrect", "total", "accuracy"]
    assert list(df["section"]) == ["royals", "youth", "Total accuracy"]
    rows = df.set_index("section")
    assert rows.loc["youth", "accuracy"] == 1.0
    assert rows.loc["royals", "total"] == 4 and rows.loc["royals", "correct"] == 3
    assert rows.loc["Total accuracy", "accuracy"] == pytest.approx(5 / 6)
    json.dumps(r.to_dict())


def test_dummy4unknown_counts_oov_as_wrong(tmp_path):
    p = write(tmp_path, "q.txt", ANALOGIES)
    r = evaluate_word_analogies(make_wv(), p, dummy4unknown=True)
    assert r.score == pytest.approx(5 / 7)
    assert ("MAN", "WOMAN", "KING", "UNICORN") in r.sections[0]["incorrect"]


def test_case_insensitive_and_sensitive(tmp_path):
    p = write(tmp_path, "q.txt", ": s\nMan Woman King Queen\nman woman king queen\n")
    wv = make_wv()
    r = evaluate_word_analogies(wv, p)
    assert r.score == 1.0 and r.n_oov == 0
    r = evaluate_word_analogies(wv, p, case_insensitive=False)
    assert r.n_oov == 1 and r.score == 1.0 and len(r.sections[-1]["correct"]) == 1


def test_case_variant_of_question_word_is_skipped_as_answer(tmp_path):
    # 'KING' points exactly at the 3CosAdd target, so it is the best candidate; it is not
    # excluded by index (KING maps to 'king' in the case-folded vocabulary) but gensim skips
    # any candidate whose uppercased form is a question word, so 'queen' is predicted.
    wv = make_wv()
    target = (
        wv.get_vector("woman", norm=True)
        + wv.get_vector("king", norm=True)
        - wv.get_vector("man", norm=True)
    )
    wv2 = make_wv({"KING": target})
    p = write(tmp_path, "q.txt", ": s\nman woman king queen\n")
    assert evaluate_word_analogies(wv2, p).score == 1.0
    # case sensitive: 'KING' is a different word, and wins
    assert evaluate_word_analogies(wv2, p, case_insensitive=False).score == 0.0


def test_restrict_vocab(tmp_path):
    wv = make_wv()
    target = (
        wv.get_vector("woman", norm=True)
        + wv.get_vector("king", norm=True)
        - wv.get_vector("man", norm=True)
    )
    # a word beyond the first 9 that beats 'queen' when the whole vocabulary is searched
    wv2 = make_wv({"queenly": target})
    p = write(tmp_path, "q.txt", ": s\nman woman king queen\nman woman king queenly\n")
    r_all = evaluate_word_analogies(wv2, p, restrict_vocab=None)
    assert r_all.sections[0]["correct"] == [("MAN", "WOMAN", "KING", "QUEENLY")]
    r9 = evaluate_word_analogies(wv2, p, restrict_vocab=9)
    assert r9.sections[0]["correct"] == [("MAN", "WOMAN", "KING", "QUEEN")]
    assert r9.n_oov == 1 and r9.score == 1.0  # 'queenly' is outside the first 9 words
    with pytest.raises(ParameterError):
        evaluate_word_analogies(wv2, p, restrict_vocab=0)


def _reference_analogies(wv, questions, restrict_vocab, method):
    """Slow transcription of gensim 4.4's loop (most_similar / most_similar_cosmul, topn=5)."""
    ok = {k.upper(): wv.get_index(k) for k in reversed(wv.index_to_key[:restrict_vocab])}
    unit = wv.get_normed_vectors()[:restrict_vocab]
    out = []
    for a, b, c, exp in questions:
        a, b, c, exp = (w.upper() for w in (a, b, c, exp))
        if not all(w in ok for w in (a, b, c, exp)):
            out.append(None)
            continue
        ia, ib, ic = ok[a], ok[b], ok[c]
        ua, ub, uc = (
            wv.get_vector(wv.index_to_key[i], norm=True).astype(np.float64) for i in (ia, ib, ic)
        )
        if method == "3cosadd":
            m = ub + uc - ua
            d = unit @ (m / np.linalg.norm(m))
        else:
            d = ((1 + unit @ ub) / 2) * ((1 + unit @ uc) / 2) / ((1 + unit @ ua) / 2 + 1e-6)
        order = [i for i in np.argsort(-d, kind="stable") if i not in (ia, ib, ic)][:5]
        pred = None
        for i in order:
            pred = wv.index_to_key[i].upper()
            if pred not in {a, b, c}:
                break
        out.append(pred == exp)
    return out


@pytest.mark.parametrize("method", ["3cosadd", "3cosmul"])
def test_batched_equals_reference_on_random_vectors(tmp_path, method):
    rng = np.random.default_rng(0)
    n, d = 300, 8
    keys = [f"w{i}" for i in range(n)]
    wv = WordVectors(keys, rng.standard_normal((n, d)).astype(np.float32))
    qs = [tuple(f"w{i}" for i in rng.integers(0, 320, size=4)) for _ in range(150)]
    # make some answers reachable: expected = the reference's own best guess for a few
    text = (
        ": a\n"
        + "\n".join(" ".join(q) for q in qs[:80])
        + "\n: b\n"
        + "\n".join(" ".join(q) for q in qs[80:])
        + "\n"
    )
    p = write(tmp_path, "q.txt", text)
    for rv in (None, 200):
        lim = n if rv is None else rv
        ref = _reference_analogies(wv, qs, lim, method)
        # replace expected words by the reference's predictions for half the questions, so
        # that 'correct' is exercised
        r = evaluate_word_analogies(wv, p, restrict_vocab=rv, method=method, block=64)
        got_correct = len(r.sections[-1]["correct"])
        got_total = got_correct + len(r.sections[-1]["incorrect"])
        assert got_total == sum(x is not None for x in ref)
        assert got_correct == sum(bool(x) for x in ref)


def test_batched_equals_reference_with_reachable_answers(tmp_path):
    rng = np.random.default_rng(1)
    n, d = 200, 6
    keys = [f"w{i}" for i in range(n)]
    wv = WordVectors(keys, rng.standard_normal((n, d)).astype(np.float32))
    unit = wv.get_normed_vectors()
    lines, qs = [], []
    for _ in range(60):
        a, b, c = rng.choice(n, 3, replace=False)
        sc = unit @ (unit[b] + unit[c] - unit[a])
        sc[[a, b, c]] = -np.inf
        best = int(np.argmax(sc))
        exp = best if rng.random() < 0.7 else int(rng.integers(0, n))
        q = (keys[a], keys[b], keys[c], keys[exp])
        qs.append(q)
        lines.append(" ".join(q))
    p = write(tmp_path, "q.txt", ": s\n" + "\n".join(lines) + "\n")
    ref = _reference_analogies(wv, qs, n, "3cosadd")
    r = evaluate_word_analogies(wv, p, block=50)
    assert len(r.sections[0]["correct"]) == sum(bool(x) for x in ref) > 30


def test_kernel_against_numpy():
    from wordspace.kernels.analogy import analogy_block_topk

    rng = np.random.default_rng(2)
    sims = rng.random((5, 40)).astype(np.float32)
    qa, qb, qc = (np.array(x, dtype=np.int64) for x in ([0, 1, 2], [3, 4, 0], [1, 2, 3]))
    for mul in (False, True):
        bs = np.full((3, 4), -np.inf, dtype=np.float32)
        bi = np.full((3, 4), -1, dtype=np.int64)
        analogy_block_topk(sims, 100, qa, qb, qc, mul, bs, bi)
        for r in range(3):
            if mul:
                s = sims[qb[r]] * sims[qc[r]] / (sims[qa[r]] + 1e-6)
            else:
                s = sims[qb[r]] + sims[qc[r]] - sims[qa[r]]
            assert list(bi[r]) == list(np.argsort(-s)[:4] + 100)


def test_bad_files(tmp_path):
    wv = make_wv()
    with pytest.raises(FormatError, match="section header"):
        evaluate_word_analogies(wv, write(tmp_path, "a.txt", "man woman king queen\n"))
    with pytest.raises(FormatError, match="no analogy questions"):
        evaluate_word_analogies(wv, write(tmp_path, "b.txt", ": empty\n"))
    with pytest.raises(ParameterError, match="method"):
        evaluate_word_analogies(wv, write(tmp_path, "c.txt", ANALOGIES), method="3cosfoo")


def test_bundled_analogies_parse():
    p = datapath("questions-words.txt")
    assert p.exists() and (p.parent / "questions-words.LICENSE").exists()
    wv = WordVectors(
        ["athens", "greece", "baghdad", "iraq", "zzz"],
        np.array([E[1], E[2], E[3] + E[1], E[3] + E[2], E[0]]),
    )
    r = wv.evaluate_word_analogies()  # bundled file
    assert r.n_questions == 19544
    assert len(r.sections) == 15 and r.sections[-1]["section"] == "Total accuracy"
    # 'Athens Greece Baghdad Iraq' (twice: two sections) and 'Baghdad Iraq Athens Greece'
    assert ("ATHENS", "GREECE", "BAGHDAD", "IRAQ") in r.sections[0]["correct"]
    assert len(r.sections[0]["correct"]) == 2 and len(r.sections[1]["correct"]) == 1
    assert r.n_oov == 19544 - 3
    assert r.score == 1.0


# ---------------------------------------------------------------------------- word pairs
PAIRS = """# a comment line
man\twoman\t8.0
king\tqueen\t9.0
man\ttable\t1.0
Boy\tGIRL\t7.5
prince\tunicorn\t5.0
this line is not valid
girl\ttable\tnot-a-number
queen\ttable\t2.0
"""


def test_word_pairs_semantics(tmp_path):
    wv = make_wv()
    p = write(tmp_path, "pairs.tsv", PAIRS)
    res = wv.evaluate_word_pairs(p)
    pearson, spearman, oov = res  # unpacks like gensim
    pairs = [
        ("man", "woman", 8.0),
        ("king", "queen", 9.0),
        ("man", "table", 1.0),
        ("boy", "girl", 7.5),
        ("queen", "table", 2.0),
    ]
    model = [wv.similarity(a, b) for a, b, _ in pairs]
    gold = [g for *_, g in pairs]
    assert pearson[0] == pytest.approx(stats.pearsonr(gold, model)[0], abs=1e-6)
    assert spearman[0] == pytest.approx(stats.spearmanr(gold, model)[0], abs=1e-9)
    assert oov == pytest.approx(100 / 6)
    assert res.n_oov == 1
    # dummy4unknown: OOV pair scored 0.0, ratio over the pairs used
    res = evaluate_word_pairs(wv, p, dummy4unknown=True)
    assert res.oov_ratio == pytest.approx(100 / 6)
    assert res.model[-2] == 0.0 and len(res.gold) == 6
    assert res.spearman[0] == pytest.approx(
        stats.spearmanr(gold[:4] + [5.0] + gold[4:], model[:4] + [0.0] + model[4:])[0]
    )
    # case sensitive: 'Boy'/'GIRL' become OOV
    res = evaluate_word_pairs(wv, p, case_insensitive=False)
    assert res.n_oov == 2
    # restrict_vocab=4 keeps man, woman, king, queen only
    res = evaluate_word_pairs(wv, p, restrict_vocab=4)
    assert res.n_oov == 4 and len(res.gold) == 2
    json.dumps(res.to_dict())


def test_word_pairs_nothing_valid(tmp_path):
    wv = make_wv()
    with pytest.raises(FormatError, match="no valid similarity"):
        evaluate_word_pairs(wv, write(tmp_path, "p.tsv", "x\ty\t1.0\nfoo bar 2\n"))


def test_bundled_wordsim():
    wv = WordVectors(
        ["tiger", "cat", "love", "sex", "zzz"],
        np.array([E[3] + E[2], E[3] + 0.5 * E[2], E[1], -E[1], E[0]]),
    )
    res = wv.evaluate_word_pairs()
    assert res.n_pairs == 353
    assert res.n_oov == 353 - 3  # love-sex, tiger-cat, tiger-tiger


def test_cli_eval(tmp_path, capsys):
    from wordspace.cli import main

    wv = make_wv()
    model = tmp_path / "m.wsv"
    wv.save(model)
    q = write(tmp_path, "q.txt", ANALOGIES)
    pr = write(tmp_path, "p.tsv", PAIRS)
    main(["eval", str(model), "--analogies", str(q), "--pairs", str(pr), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert out["analogies"]["accuracy"] == pytest.approx(5 / 6)
    assert out["pairs"]["oov"] == 1
    main(["eval", str(model), "--analogies", str(q), "--pairs", str(pr)])
    text = capsys.readouterr().out
    assert "royals" in text and "Total accuracy" in text and "Spearman" in text


def test_cli_eval_bad_method_exits_2(tmp_path, capsys):
    from wordspace.cli import main

    model = tmp_path / "m.wsv"
    make_wv().save(model)
    with pytest.raises(SystemExit) as e:
        main(["eval", str(model), "--method", "3cosfoo", "--no-pairs"])
    assert e.value.code == 2
    assert "method must be one of" in capsys.readouterr().err


def test_gensim_keyword_names(tmp_path):
    wv = make_wv()
    q = write(tmp_path, "q.txt", ANALOGIES)
    pr = write(tmp_path, "p.tsv", PAIRS)
    assert wv.evaluate_word_analogies(analogies=q).score == pytest.approx(5 / 6)
    assert wv.evaluate_word_pairs(pairs=pr).n_oov == 1
    with pytest.raises(ParameterError, match="not both"):
        evaluate_word_pairs(wv, pr, pairs=pr)


def test_word_pairs_messages_name_the_problem(tmp_path):
    """The bundled benchmark is named, not its install path; OOV and format are told apart."""
    colours = WordVectors(["crimson", "scarlet"], np.eye(2, dtype=np.float32))
    with pytest.raises(FormatError) as e:
        evaluate_word_pairs(colours)
    msg = str(e.value)
    assert (
        "the bundled WordSim353" in msg
        and "site-packages" not in msg
        and "wordspace/data" not in msg
    )
    assert "all 353 pairs read have a word outside the vocabulary of 2 words" in msg
    assert "'\\t'" not in msg
    with pytest.raises(FormatError, match="no line has the form word1<TAB>word2<TAB>score"):
        evaluate_word_pairs(make_wv(), write(tmp_path, "p.tsv", "foo bar 2\n"))
