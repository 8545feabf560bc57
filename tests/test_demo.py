"""``wordspace demo`` end to end (one word2vec epoch under WORDSPACE_DEMO_FAST) and its steps."""

import os

import numpy as np
import pytest

from wordspace import demo as d
from wordspace.cli import main
from wordspace.errors import OutputPathError
from wordspace.text.corpus import Corpus, embedded_corpus


@pytest.fixture(scope="module")
def colours():
    return d.train_colours()


def test_embedded_corpus_is_lowercased_by_default():
    c = embedded_corpus("brown")
    assert isinstance(c, Corpus) and c.lowercase
    assert next(iter(c))[:4] == ["the", "fulton", "county", "grand"]
    assert next(iter(embedded_corpus("brown", lowercase=False)))[:2] == ["The", "Fulton"]
    assert Corpus(c).lowercase is False  # a Corpus of it reads the same file, as asked


def test_colour_neighbours_of_crimson_are_reds_with_their_wavelengths(colours):
    nb = d.colour_neighbours(colours, "crimson", topn=5)
    assert list(nb.columns) == ["word", "cosine", "wavelength_nm"]
    assert len(nb) == 5 and "crimson" not in set(nb["word"])
    assert np.all(np.diff(nb["cosine"]) <= 0)
    # the 30 colours span 370-745 nm: the nearest ones are within 60 nm of crimson's 730
    assert np.all(np.abs(nb["wavelength_nm"] - 730) < 60)
    for w, nm in zip(nb["word"], nb["wavelength_nm"], strict=True):
        assert nm == pytest.approx(colours.wv.values[w])


def test_compare_texts_without_the_wmd_extra(colours, monkeypatch):
    wv = colours.wv
    r = d.compare_texts(wv, "red crimson", "crimson red")
    assert r["mean_cosine"] == pytest.approx(1.0, abs=1e-5)
    assert r["wmd"] == pytest.approx(0.0, abs=1e-5)
    monkeypatch.setattr(d, "wmd_available", lambda: False)
    assert d.compare_texts(wv, "red", "violet")["wmd"] is None


def _small_wv():
    import wordspace as ws

    words = [*d.NEIGHBOUR_WORDS, *(f"w{i}" for i in range(60))]
    return ws.WordVectors(words, np.random.default_rng(0).standard_normal((len(words), 8)))


def test_write_report_writes_only_its_own_files(tmp_path, colours):
    out = tmp_path / "report"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    wv = _small_wv()
    written = d._write_report(out, wv, colours)
    assert [p.name for p in written] == list(d.REPORT_FILES[:2])  # no pretrained model given
    assert sorted(p.name for p in out.iterdir()) == sorted([*d.REPORT_FILES[:2], "notes.txt"])
    html = [p.read_text(encoding="utf-8") for p in written]
    assert all(h.lstrip().lower().startswith("<!doctype html") for h in html)
    assert "money" in html[0] and "crimson" in html[1]
    assert (out / "notes.txt").read_text() == "mine"
    (out / "word2vec_report.html").unlink()
    (out / "word2vec_report.html").mkdir()  # a folder of that name is never replaced
    with pytest.raises(OutputPathError, match="is a folder"):
        d._write_report(out, wv, colours)
    assert (out / "word2vec_report.html").is_dir()


def test_demo_end_to_end(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("WORDSPACE_DEMO_FAST", "1")
    monkeypatch.setenv("COLUMNS", "100")
    out = tmp_path / "demo-out"
    out.mkdir()
    (out / "mine.txt").write_text("keep me")
    main(["demo", "--out", str(out)])
    text = capsys.readouterr().out
    for step in ("1. word2vec", "2. GloVe 6B 50d", "3. queries", "4. ValueVec", "5. report"):
        assert step in text
    assert "nearest neighbours" in text and "money" in text
    assert "his − he + she ≈" in text
    # the pretrained model next to Brown: neighbours and the analogy a reader expects
    assert "GloVe 6B 50d" in text and "cash" in text
    assert "king − man + woman ≈ queen" in text
    # every step's header fits an 80-column terminal
    heads = [line.rstrip(" ─") for line in text.splitlines() if line.endswith("───")]
    assert len(heads) >= 6 and all(len(h) <= 80 for h in heads), heads
    assert "Word Mover's Distance" in text and "WMD skipped" not in text
    assert "nearest to crimson (730 nm)" in text and "nm" in text
    assert "wordspace explore" in text and str(out) in text
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["mine.txt", "brown.wsv", "colours.wsv", *d.REPORT_FILES]  # glove_report.html too
    )
    assert (out / "mine.txt").read_text() == "keep me"
    import wordspace as ws

    wv = ws.load(out / "brown.wsv")
    assert "money" in wv and "Money" not in wv  # the lowercased corpus
    assert ws.load(out / "colours.wsv").values["crimson"] == 730.0


def test_demo_out_is_a_file_fails_before_training(tmp_path, monkeypatch, capsys):
    f = tmp_path / "taken"
    f.write_text("x")
    with pytest.raises(SystemExit) as e:
        main(["demo", "--out", str(f)])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "is a file" in err and "Traceback" not in err
    assert f.read_text() == "x"


def test_demo_without_the_extras_says_so_in_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("WORDSPACE_DEMO_FAST", "1")
    monkeypatch.setattr(d, "wmd_available", lambda: False)
    monkeypatch.setattr(d, "plot_available", lambda: False)
    monkeypatch.setattr(d, "pretrained_available", lambda: False)
    main(["demo", "--out", str(tmp_path / "o")])
    text = capsys.readouterr().out
    assert "WMD skipped: it needs the [wmd] extra" in text
    assert "the reports have no pictures: maps need the [plot] extra" in text
    assert "skipped: GloVe 6B 50d needs the [glove50] extra" in text
    assert not (tmp_path / "o" / "glove_report.html").exists()


def test_readme_runs_the_demo():
    readme = open(os.path.join(os.path.dirname(__file__), "..", "README.md")).read()
    assert "wordspace demo" in readme.split("## Quick tour")[0]


def test_similar_on_a_cased_model_names_the_casing(tmp_path, capsys):
    import wordspace as ws

    ws.WordVectors(["King", "Queen", "the"], np.eye(3, dtype=np.float32)).save(tmp_path / "m.wsv")
    with pytest.raises(SystemExit) as e:
        main(["similar", str(tmp_path / "m.wsv"), "king"])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "'king' is not in the vocabulary (3 words), but 'King' is" in err
