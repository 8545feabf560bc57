import json

import pytest

from wordspace import Word2Vec, WordVectors
from wordspace.cli import main
from wordspace.text.corpus import Corpus, embedded_corpus


def _corpus(tmp_path):
    p = tmp_path / "c.txt"
    lines = [" ".join(f"a{(i * 7 + j) % 9}" for j in range(10)) for i in range(150)]
    lines += [" ".join(f"b{(i * 5 + j) % 9}" for j in range(10)) for i in range(150)]
    p.write_text("\n".join(lines) + "\n")
    return p


def test_cli_trains_and_saves(tmp_path, capsys):
    out = tmp_path / "m.wsv"
    main(
        [
            "train",
            "word2vec",
            str(_corpus(tmp_path)),
            "-o",
            str(out),
            "--sg",
            "--dim",
            "8",
            "--min-count",
            "1",
            "--epochs",
            "2",
            "--workers",
            "1",
            "--loss",
            "--json",
        ]
    )
    data = json.loads(capsys.readouterr().out)
    assert data["vocabulary"] == 18 and data["dimension"] == 8 and data["epochs"] == 2
    assert data["architecture"] == "skip-gram" and len(data["loss_per_epoch"]) == 2
    assert data["final_alpha"] == pytest.approx(0.0001, rel=1e-4)
    m = Word2Vec.load(out)
    assert m.sg == 1 and m.alpha == 0.025 and len(m.wv) == 18
    txt = tmp_path / "v.txt"
    main(
        [
            "train",
            "word2vec",
            str(_corpus(tmp_path)),
            "-o",
            str(txt),
            "--dim",
            "4",
            "--min-count",
            "1",
            "--epochs",
            "1",
            "--json",
        ]
    )
    assert len(WordVectors.load_word2vec_format(txt)) == 18


def test_cli_bad_parameter_is_one_line_exit_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        main(
            [
                "train",
                "word2vec",
                str(_corpus(tmp_path)),
                "-o",
                str(tmp_path / "m.wsv"),
                "--negative",
                "0",
            ]
        )
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "--negative=0 with --hs=0" in err and "Traceback" not in err
    assert not (tmp_path / "m.wsv").exists()


def test_embedded_brown_corpus():
    p = embedded_corpus("brown")
    first = next(iter(Corpus(p)))
    assert first[:4] == ["The", "Fulton", "County", "Grand"]


def test_cli_table_output_with_progress(tmp_path, capsys):
    out = tmp_path / "m.bin"
    main(
        [
            "train",
            "word2vec",
            str(_corpus(tmp_path)),
            "-o",
            str(out),
            "--dim",
            "4",
            "--min-count",
            "1",
            "--epochs",
            "1",
            "--workers",
            "2",
        ]
    )
    cap = capsys.readouterr()
    assert "word2vec training" in cap.out and "words/s" in cap.out
    assert len(WordVectors.load_word2vec_format(out, binary=True)) == 18
