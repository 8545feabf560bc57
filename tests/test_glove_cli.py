import json

import numpy as np
import pytest

from wordspace import GloVe, WordVectors
from wordspace.cli import main


def _corpus(tmp_path):
    p = tmp_path / "c.txt"
    rng = np.random.default_rng(0)
    lines = []
    for i in range(200):
        t = "ab"[i % 2]
        lines.append(
            " ".join(
                f"{t if rng.random() > 0.15 else 'ba'[i % 2]}{rng.integers(9)}" for _ in range(10)
            )
        )
    p.write_text("\n".join(lines) + "\n")
    return p


def test_cli_trains_saves_and_reuses_the_matrix(tmp_path, capsys):
    out = tmp_path / "g.wsv"
    cooc = tmp_path / "x.npz"
    main(
        [
            "train",
            "glove",
            str(_corpus(tmp_path)),
            "-o",
            str(out),
            "--dim",
            "8",
            "--window",
            "3",
            "--min-count",
            "1",
            "--epochs",
            "3",
            "--x-max",
            "10",
            "--workers",
            "1",
            "--save-cooccurrence",
            str(cooc),
            "--json",
        ]
    )
    data = json.loads(capsys.readouterr().out)
    assert data["vocabulary"] == 18 and data["dimension"] == 8 and data["epochs"] == 3
    assert len(data["loss_per_epoch"]) == 3 and data["nonzeros"] > 18
    g = GloVe.load(out)
    assert g.x_max == 10 and g.window == 3 and len(g.wv) == 18
    # train again from the saved matrix, exported as GloVe text (no header)
    txt = tmp_path / "g.txt"
    main(
        [
            "train",
            "glove",
            "--cooccurrence",
            str(cooc),
            "-o",
            str(txt),
            "--format",
            "glove",
            "--dim",
            "4",
            "--epochs",
            "1",
            "--vectors",
            "concat",
            "--json",
        ]
    )
    data = json.loads(capsys.readouterr().out)
    assert data["nonzeros"] > 18 and data["cooccurrence_seconds"] == 0
    assert not txt.read_text().split("\n")[0].split()[0].isdigit()
    wv = WordVectors.load_word2vec_format(txt)
    assert len(wv) == 18 and wv.vector_size == 8


def test_cli_table_output(tmp_path, capsys):
    main(
        [
            "train",
            "glove",
            str(_corpus(tmp_path)),
            "-o",
            str(tmp_path / "g.bin"),
            "--dim",
            "4",
            "--min-count",
            "1",
            "--epochs",
            "2",
        ]
    )
    out = capsys.readouterr().out
    assert "GloVe training" in out and "non-zeros" in out and "word2vec-binary" in out
    assert len(WordVectors.load_word2vec_format(tmp_path / "g.bin")) == 18


@pytest.mark.parametrize(
    "args, msg",
    [
        (["--x-max", "0"], "--x-max must be"),
        (["--weight-exponent", "2"], "--weight-exponent must be in (0, 1]"),
        (["--eta", "-1"], "--eta must be"),
        (["--lr", "0"], "--lr must be"),
        (["--vectors", "both"], "--vectors must be one of"),
        (["--format", "xml"], "--format"),
    ],
)
def test_cli_bad_parameter_is_one_line_exit_2(tmp_path, capsys, args, msg):
    out = tmp_path / "g.wsv"
    with pytest.raises(SystemExit) as e:
        main(["train", "glove", str(_corpus(tmp_path)), "-o", str(out), *args])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert msg in err and "Traceback" not in err
    assert not out.exists()


def test_cli_needs_a_corpus(capsys):
    with pytest.raises(SystemExit) as e:
        main(["train", "glove"])
    assert e.value.code == 2
    assert "CORPUS" in capsys.readouterr().err
