"""CLI: predict-value from a saved joint ValueVec model, and value-holdout."""

import json

import numpy as np
import pytest

from wordspace import datasets
from wordspace.cli import main


def run(capsys, *argv):
    main(list(argv))
    return capsys.readouterr().out


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    df = datasets.topic_records(n_topics=6, words_per_topic=20, n_records=2500, seed=3)
    path = tmp_path_factory.mktemp("rec") / "records.csv"
    # topic 0 has value 0: shift so a log transform applies to every record
    df.assign(value=np.exp((df["value"] + 5) / 20)).to_csv(path, index=False)
    return path


def test_predict_value_from_a_saved_joint_model(records, tmp_path, capsys):
    model = tmp_path / "joint.wsv"
    run(
        capsys,
        "train",
        "valuevec",
        str(records),
        "--text",
        "text",
        "--value",
        "value",
        "--value-transform",
        "log",
        "--semantic-weight",
        "0.8",
        "--epochs",
        "20",
        "-o",
        str(model),
        "--json",
    )
    out = json.loads(run(capsys, "predict-value", str(model), "tawa", "tfwa", "--json"))
    assert out["value_transform"] == "log"
    low, high = out["predictions"]
    # topic 0 words are worth exp(5/20) = 1.28, topic 5 words exp(55/20) = 15.6
    assert low["predicted_original"] == pytest.approx(np.exp(low["predicted"]))
    assert low["predicted_original"] < 3 < 8 < high["predicted_original"] < 30
    assert low["given"] is not None and high["given"] is not None
    # the table shows the same words
    table = run(capsys, "predict-value", str(model), "tawa", "--predictor", "ridge")
    assert "tawa" in table and "original scale" in table


def test_value_holdout_beats_predicting_the_mean(records, capsys):
    res = json.loads(
        run(
            capsys,
            "value-holdout",
            str(records),
            "--text",
            "text",
            "--value",
            "value",
            "--value-transform",
            "log",
            "--epochs",
            "20",
            "--seed",
            "1",
            "--json",
        )
    )
    assert res["n_test"] + res["n_train"] == 130
    assert res["spearman"] > 0.9
    assert res["mae"] < 0.2 * res["mean"]["mae"]
    assert {"spearman", "mae", "n_test"} <= set(res["word2vec"])


@pytest.mark.parametrize(
    "argv, message",
    [
        (["predict-value", "missing.wsv", "x"], "missing.wsv"),
        (
            ["value-holdout", "REC", "--text", "text", "--value", "value", "--test-size", "1.5"],
            "--test-size",
        ),
        (
            ["value-holdout", "REC", "--text", "text", "--value", "value", "--predictor", "svm"],
            "--predictor",
        ),
    ],
)
def test_errors_are_one_line_exit_2(records, capsys, argv, message):
    argv = [str(records) if a == "REC" else a for a in argv]
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
