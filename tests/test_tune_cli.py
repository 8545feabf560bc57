"""``wordspace tune``: a tiny study end to end, resume from SQLite, one-line errors."""

import json

import pytest

pytest.importorskip("optuna")  # the [tune] extra; in the dev extra, so CI has it

import wordspace as ws  # noqa: E402
from wordspace.cli import main  # noqa: E402
from wordspace.cli.tune import parse_space  # noqa: E402


def run(capsys, *args):
    try:
        main([str(a) for a in args])
        code = 0
    except SystemExit as e:
        code = e.code
    cap = capsys.readouterr()
    return code, cap.out, cap.err


@pytest.fixture()
def colours(tmp_path):
    p = tmp_path / "colors.csv"
    ws.datasets.color_spectrum().to_csv(p, index=False)
    return p


def test_valuevec_study_of_three_trials(tmp_path, colours, capsys):
    out = tmp_path / "best.wsv"
    code, stdout, err = run(
        capsys,
        "tune",
        "valuevec",
        colours,
        "--word",
        "keyword",
        "--value",
        "estimated_value",
        "--trials",
        3,
        "--space",
        "alpha=0.001:0.3:log",
        "--space",
        "vector_size=8,16",
        "--set",
        "epochs=60",
        "-o",
        out,
        "--plots",
        tmp_path / "plots",
        "--json",
    )
    assert code == 0, err
    res = json.loads(stdout)
    assert res["trials"] == 3 and res["metric"] == "value_alignment"
    assert set(res["best_params"]) == {"alpha", "vector_size"}
    assert len(res["top"]) == sum(res["states"].get(s, 0) for s in ("COMPLETE",))
    assert res["top"][0]["dev"] == res["best_dev"] and -1 <= res["best_test"] <= 1
    model = ws.ValueVec.load(out)
    assert model.vector_size == res["best_params"]["vector_size"] and model.epochs == 60
    assert (tmp_path / "plots" / "history.png").stat().st_size > 1000
    assert [p.endswith(("history.png", "importances.png")) for p in res["plots"]]


def test_word2vec_table_and_resume_from_sqlite(tmp_path, capsys):
    corpus = tmp_path / "c.txt"
    lines = [" ".join(f"a{(i * 7 + j) % 9}" for j in range(10)) for i in range(150)]
    lines += [" ".join(f"b{(i * 5 + j) % 9}" for j in range(10)) for i in range(150)]
    corpus.write_text("\n".join(lines) + "\n")
    sim = tmp_path / "sim.tsv"
    sim.write_text("".join(f"a{i}\ta{i + 1}\t9\na{i}\tb{i}\t1\n" for i in range(8)))
    db = f"sqlite:///{tmp_path / 'tune.db'}"
    args = [
        "tune",
        "word2vec",
        corpus,
        "--metric",
        "sim",
        "--eval",
        f"sim={sim}",
        "--space",
        "window=1:4",
        "--set",
        "min_count=1",
        "--vector-size",
        8,
        "--workers",
        1,
        "--storage",
        db,
        "--study-name",
        "w",
        "--pruner",
        "none",
    ]
    code, stdout, err = run(capsys, *args, "--trials", 2)
    assert code == 0, err
    assert "best trials by dev sim (2 trials: 2 complete)" in " ".join(stdout.split())
    assert (tmp_path / "c.tuned.wsv").exists()
    code, stdout, err = run(capsys, *args, "--trials", 1, "--json")
    assert code == 0, err
    res = json.loads(stdout)
    assert res["trials"] == 3 and res["study"] == "w"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--space", "alpha=a:b"], "bounds must be finite numbers"),
        (["--space", "alpha"], "NAME=VALUE"),
        (["--space", "alpha=1:2:ln"], "LOW:HIGH or LOW:HIGH:log"),
        (["--space", "nope=1:2"], "'nope' is not a parameter"),
        (["--sampler", "bayes"], "sampler must be one of"),
        (["--sampler", "grid"], "grid"),
        (["--set", "nope=1"], "no parameter 'nope'"),
        (["--metric", "ws353"], "value_alignment"),
    ],
)
def test_bad_options_are_one_line_exit_2(tmp_path, colours, capsys, args, message):
    code, _, err = run(
        capsys,
        "tune",
        "valuevec",
        colours,
        "--word",
        "keyword",
        "--value",
        "estimated_value",
        "--trials",
        1,
        *args,
    )
    assert code == 2, err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "colors.tuned.wsv").exists()


def test_parse_space():
    assert parse_space(["alpha=1e-3:0.5:log", "sg=0,1", "window=2:10", "method=adam"]) == {
        "alpha": (0.001, 0.5, "log"),
        "sg": [0, 1],
        "window": (2, 10),
        "method": ["adam"],
    }
