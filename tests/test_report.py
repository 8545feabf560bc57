"""The HTML report: every section present (or skipped with its reason), self-contained,
correct figures in its tables; the ``wordspace report`` command; rich display."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pytest

import wordspace as ws
from wordspace.cli import main
from wordspace.errors import MissingDependencyError, OutputPathError, ParameterError
from wordspace.viz.report import SECTIONS, Report

GROUPS = ("red", "dog", "car")
TEXTS = [("the red car", "a red car"), ("king and queen", "man and unicorn")]


def make_wv(values: bool = False, n_per: int = 12, dim: int = 12, seed: int = 0):
    """Three separated groups, an exact analogy king − man + woman = queen; values (when
    asked) grow along one direction."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(len(GROUPS), dim)) * 4.0
    words, vecs = [], []
    for g, name in enumerate(GROUPS):
        for i in range(n_per):
            words.append(f"{name}{i}")
            vecs.append(centers[g] + rng.normal(size=dim))
    man, king, gender = (rng.normal(size=dim) * s for s in (3, 3, 2))
    for w, v in (
        ("king", king),
        ("man", man),
        ("woman", man + gender),
        ("queen", king + gender),
        ("red", centers[0]),
        ("car", centers[2]),
        ("a", rng.normal(size=dim)),
        ("the", rng.normal(size=dim)),
        ("and", rng.normal(size=dim)),
    ):
        words.append(w)
        vecs.append(v)
    vecs = np.array(vecs, dtype=np.float32)
    extras = {}
    meta = {"source": "synthetic.txt"}
    if values:
        extras["values"] = (vecs @ rng.normal(size=dim)).astype(np.float64)
        meta.update(value_name="price", value_transform="log")
    return ws.WordVectors(words, vecs, extras=extras, meta=meta)


def sections_of(html: str) -> list[str]:
    return re.findall(r'<section id="([a-z]+)">\s*<h2>', html)


def resource_urls(html: str) -> list[str]:
    """Every reference the browser would fetch: src=, href=, url(), @import, srcset."""
    pats = [
        r'\b(?:src|href|srcset|poster|data|action)\s*=\s*["\']?([^"\'\s>]+)',
        r'url\(\s*["\']?([^"\')]+)',
        r'@import\s+["\']?([^"\';\s]+)',
    ]
    return [m for p in pats for m in re.findall(p, html, flags=re.I)]


@pytest.fixture(scope="module")
def wv():
    return make_wv()


@pytest.fixture(scope="module")
def rep(wv):
    calls = []
    r = ws.report(
        wv,
        words=["king", "queen", "man", "woman", "red0", "kign", "zzz"],
        texts=TEXTS,
        analogies=True,
        progress=lambda *a: calls.append(a),
    )
    r.calls = calls
    return r


def test_every_section_is_present_in_order(rep):
    html = rep.to_html()
    assert sections_of(html) == [sid for sid, _ in SECTIONS]
    for _, title in SECTIONS:
        assert f"<h2>{title}</h2>" in html


def test_progress_reports_each_section_then_done(rep):
    assert [c[0] for c in rep.calls] == list(range(len(SECTIONS) + 1))
    assert {c[1] for c in rep.calls} == {len(SECTIONS)}
    assert rep.calls[0][2] == "Model" and rep.calls[-1][2] == "done"


def test_sections_that_do_not_apply_say_why(rep):
    assert set(rep.skipped) == {"values", "training", "wordsim", "bias"}  # no WEAT word
    assert rep.skipped["wordsim"] == (
        "WordSim353: only 2 of 353 pairs have both words in the vocabulary"
    )
    assert "ValueVec" in rep.skipped["values"]
    assert "not trained by wordspace" in rep.skipped["training"]
    assert "Skipped: these vectors carry no per-word values" in rep.to_html()


def test_no_network_resources(rep):
    html = rep.to_html()
    urls = resource_urls(html)
    assert urls, "the pattern finds the inline images and anchors"
    for u in urls:
        assert u.startswith(("data:", "#")), u
    assert "http://" not in html and "https://" not in html
    assert "<script" not in html.lower()
    assert "<link" not in html.lower()


def test_images_are_inline_pngs(rep):
    imgs = re.findall(r'src="data:image/png;base64,([^"]+)"', rep.to_html())
    # analogy, heatmap, PCA map (the t-SNE map needs 50 words; these are fewer)
    assert len(imgs) >= 3
    for b in imgs:
        assert base64.b64decode(b)[:8] == b"\x89PNG\r\n\x1a\n"


def test_coverage_lists_oov_words_with_close_matches(rep):
    body = rep.section("coverage").body
    assert "<b>5 of 7</b> given words" in body
    assert '<span class="oov">kign</span>' in body and "king" in body.split("kign")[1][:200]
    assert '<span class="oov">zzz</span>' in body
    assert "<b>11 of 12</b> tokens in 4 texts are in the vocabulary (91.7%)" in body
    assert '<span class="oov">unicorn</span></td><td class="n">1</td>' in body


def test_neighbours_of_the_given_words(rep, wv):
    body = rep.section("neighbours").body
    rows = re.findall(r"<tr><td><b>([^<]+)</b></td><td>(.*?)</td></tr>", body)
    assert [w for w, _ in rows] == ["king", "queen", "man", "woman", "red0"]
    first = re.sub(r"<[^>]+>", "", rows[4][1]).split(",")[0].split()[0]
    assert first == wv.most_similar("red0", topn=1)[0][0]


def test_analogies_examples_and_benchmark(rep):
    body = rep.section("analogies").body
    assert "king − man + woman" in body and '<span class="ok">✓</span>' in body
    # the benchmark ran: two Google questions (family: king queen man woman ...) are
    # answerable in this vocabulary, and the exact analogy gets both right
    assert "Google analogy test set" in body
    assert (
        '<td>Total accuracy</td><td class="n">2</td><td class="n">2</td><td class="n">100.0%</td>'
    ) in body
    r = ws.report(make_wv(), analogies=False)
    assert "Benchmark not run" in r.section("analogies").body


def test_text_pairs_ranked_by_cosine_with_wmd(rep, wv):
    body = rep.section("texts").body
    rows = re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>")[1].split("</tbody>")[0])
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", r) for r in rows]
    assert [c[1] for c in cells] == ["the red car", "king and queen"]  # higher cosine first
    # columns: rank, A, B, then "score (rank)" for TF-IDF, mean, SIF, WMD
    cells = [[c[0], c[1], c[2], c[4].split(" (")[0], c[6].split(" (")[0]] for c in cells]
    cos = [float(c[3]) for c in cells]
    assert cos[0] == pytest.approx(ws.text_similarity(wv, *TEXTS[0]), abs=1e-3)
    assert cos[0] > cos[1]
    wmd = float(cells[0][4])
    assert wmd == pytest.approx(ws.wmdistance(wv, *TEXTS[0]), abs=1e-3)


def test_wmd_skipped_with_the_reason_when_pot_is_missing(wv, monkeypatch):
    import wordspace.analysis.textsim as ts

    def missing():
        raise MissingDependencyError("pot", "wmd", "Word Mover's Distance")

    monkeypatch.setattr(ts, "_emd2", missing)
    r = ws.report(wv, texts=TEXTS)
    body = r.section("texts").body
    assert "WMD skipped" in body and "wordspace[wmd]" in body
    assert "0." in body  # the cosines are still there


def test_without_words_or_texts_uses_examples_from_the_model(wv):
    r = ws.report(wv)
    assert "coverage" in r.skipped and "no words or texts" in r.skipped["coverage"]
    assert "texts" in r.skipped
    assert "example words from the model" in r.section("neighbours").body
    assert r.section("map").skipped is None


def test_value_model_gets_the_value_section():
    wv = make_wv(values=True)
    r = ws.report(wv, name="prices")
    assert r.title == "prices"
    assert "values" not in r.skipped
    body = r.section("values").body
    assert "Spearman" in body and "Highest and lowest price (log)" in body
    vals = wv.extras["values"]
    top = wv.index_to_key[int(np.argmax(vals))]
    low = wv.index_to_key[int(np.argmin(vals))]
    hi_table = body.split("highest")[1]
    assert f"<td>{top}</td>" in hi_table.split("</table>")[0]
    assert f"<td>{low}</td>" in body.split("lowest")[-1]
    # the Map section already colours these words by value: the same map is not drawn twice
    assert "data:image/png;base64" not in body and "href='#map'" in body
    assert r.section("map").body.count("data:image/png;base64") >= 1
    # with words given, the map shows them and their neighbours: the value map is another one
    given = ws.report(wv, words=["king", "queen"], name="prices").section("values").body
    assert "data:image/png;base64" in given
    # values with sensible precision: 3 significant digits of the largest
    cell = hi_table.split('<td class="n">')[1].split("<")[0]
    d = ws._html.decimals(vals)
    assert cell == f"{vals[int(np.argmax(vals))]:,.{d}f}"
    # neighbours of a value model show each neighbour's value, examples spread over values
    assert "cosine · value" in r.section("neighbours").body


def test_trained_model_gets_parameters_and_curve(tmp_path):
    sents = [[f"w{(i * 7 + j) % 30}" for j in range(12)] for i in range(60)]
    m = ws.Word2Vec(
        vector_size=10, min_count=1, epochs=3, compute_loss=True, workers=1, seed=1
    ).fit(sents)
    r = ws.report(m)
    body = r.section("training").body
    assert "Word2Vec" in body and "compute_loss" in body and "Training curve" in body
    assert "data:image/png" in body
    # the same from the saved file: the loss history travels in the model
    m.save(tmp_path / "m.wsv")
    r2 = ws.report(ws.load(tmp_path / "m.wsv"))
    assert "Training curve</h3><img" in r2.section("training").body
    # without compute_loss: parameters, and the reason there is no curve
    m2 = ws.Word2Vec(vector_size=10, min_count=1, epochs=2, workers=1).fit(sents)
    body2 = ws.report(m2).section("training").body
    assert "Training curve skipped" in body2 and "compute_loss=True" in body2


def test_save_writes_one_file_atomically(rep, tmp_path):
    out = rep.save(tmp_path / "r.html")
    text = open(out, encoding="utf-8").read()
    assert text == rep.to_html()
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]
    # a missing folder is created, as train and convert create theirs (issue 31)
    assert open(rep.save(tmp_path / "nope" / "r.html"), encoding="utf-8").read() == text
    (tmp_path / "d").mkdir()
    with pytest.raises(OutputPathError):
        rep.save(tmp_path / "d")


def test_bad_arguments(wv):
    with pytest.raises(ParameterError, match="list of words"):
        ws.report(wv, words="king")
    with pytest.raises(ParameterError, match=r"texts\[0\] must be a pair"):
        ws.report(wv, texts=[("only one",)])
    with pytest.raises(ParameterError, match="WordVectors or a fitted trainer"):
        ws.report("glove")
    with pytest.raises(ParameterError, match="not fitted"):
        ws.report(ws.Word2Vec())
    with pytest.raises(ParameterError, match="topn"):
        ws.report(wv, topn=0)


def test_repr_html_of_vectors_and_trainers(wv):
    h = wv._repr_html_()
    assert "WordVectors" in h and f"{len(wv):,}" in h and "vector norms" in h
    assert "synthetic.txt" in h
    est = ws.Word2Vec(vector_size=7)
    h2 = est._repr_html_()
    assert "not fitted" in h2 and "vector_size" in h2 and "<code>7</code>" in h2
    assert isinstance(Report("x")._repr_html_(), str)


# ---------------------------------------------------------------------------- the CLI
def run(capsys, *args):
    try:
        main([str(a) for a in args])
        code = 0
    except SystemExit as e:
        code = e.code
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture()
def model_file(tmp_path):
    p = tmp_path / "m.wsv"
    make_wv(values=True).save(p)
    return p


def test_cli_report(capsys, tmp_path, model_file):
    words = tmp_path / "words.txt"
    words.write_text("king queen\nman # a comment\nwoman kign\n", encoding="utf-8")
    texts = tmp_path / "pairs.tsv"
    texts.write_text(
        "# pairs\nthe red car\ta red car\nking and queen\tman and unicorn\n", encoding="utf-8"
    )
    out = tmp_path / "r.html"
    code, stdout, err = run(
        capsys, "report", model_file, "-o", out, "--words", words, "--texts", texts, "--json"
    )
    assert code == 0, err
    d = json.loads(stdout)
    assert d["output"] == str(out) and d["pdf"] is None
    assert "values" in d["sections"] and "texts" in d["sections"]
    assert set(d["skipped"]) == {"training", "wordsim", "bias"}
    html = out.read_text(encoding="utf-8")
    assert sections_of(html) == [sid for sid, _ in SECTIONS]
    assert "<b>4 of 5</b> given words" in html and "kign" in html
    # the default output name sits next to the model
    code, stdout, _ = run(capsys, "report", model_file)
    assert code == 0 and (tmp_path / "m.report.html").is_file()
    assert "skipped training" in stdout


def test_cli_report_user_errors(capsys, tmp_path, model_file, monkeypatch):
    bad = tmp_path / "bad.tsv"
    bad.write_text("only one field\n", encoding="utf-8")
    code, _, err = run(capsys, "report", model_file, "-o", tmp_path / "r.html", "--texts", bad)
    assert code == 2 and "line 1: expected two texts separated by one tab" in err
    code, _, err = run(capsys, "report", model_file, "-o", tmp_path / "r.txt")
    assert code == 2 and ".html" in err
    import importlib

    cr = importlib.import_module("wordspace.cli.report")  # the package's `report` is main's
    monkeypatch.setattr(cr, "find_chromium", lambda: None)
    code, _, err = run(capsys, "report", model_file, "-o", tmp_path / "r.html", "--pdf")
    assert code == 2 and "--pdf needs Chromium" in err
    assert not (tmp_path / "r.html").exists()  # refused before any work


def test_provenance_does_not_repeat_the_model_table():
    wv = make_wv()
    wv.meta.update(trainer="word2vec", epochs_trained=5, source="m.wsv", corpus="brown")
    body = ws.report(wv).section("model").body
    assert body.count("epochs trained") + body.count("epochs_trained") == 1
    assert body.count("<b>trainer</b>") == 1
    assert "corpus" in body.split("Provenance")[1]  # what the table above does not show


def test_decimals_follow_the_magnitude():
    from wordspace._html import decimals

    assert decimals([380.5, 749.9]) == 0  # wavelengths in nm
    assert decimals([1.5, 9.2]) == 2  # ratings
    assert decimals([0.01, 0.52]) == 3
    assert decimals([np.nan]) == 0


def test_example_analogies_shown_are_those_the_model_gets_right():
    """A model that answers one candidate right and another wrong shows the right one and
    says how many of the candidates it got right."""
    from wordspace.viz.report import EXAMPLE_ANALOGIES

    wv = make_wv()  # king − man + woman = queen exactly
    words = list(wv.index_to_key)
    rng = np.random.default_rng(5)
    extra = ["his", "he", "she", "her"]  # random vectors: his − he + she is not her
    vecs = np.vstack([wv.vectors, rng.normal(size=(4, wv.vector_size))]).astype(np.float32)
    wv2 = ws.WordVectors(words + extra, vecs)
    assert wv2.most_similar(positive=["his", "she"], negative=["he"], topn=1)[0][0] != "her"
    body = ws.report(wv2).section("analogies").body
    in_vocab = [q for q in EXAMPLE_ANALOGIES if all(w in wv2 for w in q)]
    assert len(in_vocab) >= 2
    assert f"1 of the {len(in_vocab)} example analogies" in body
    assert "shown: those it gets right" in body
    assert "king − man + woman" in body and "his − he + she" not in body
    assert '<span class="oov">✗</span>' not in body
