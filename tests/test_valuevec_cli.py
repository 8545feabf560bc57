import json

import pandas as pd
import pytest

from valuevec_article import ARTICLE_COLORS
from wordspace.cli import main


def run(capsys, *argv):
    main(list(argv))
    return capsys.readouterr().out


def test_datasets_train_similar(tmp_path, capsys):
    csv = tmp_path / "colors.csv"
    run(capsys, "datasets", "color-spectrum", "--n", "30", "-o", str(csv))
    df = pd.read_csv(csv)
    assert df["keyword"].tolist() == [w for w, _ in ARTICLE_COLORS]
    model = tmp_path / "colors.wsv"
    pairs = tmp_path / "pairs.csv"
    out = run(
        capsys,
        "train",
        "valuevec",
        str(csv),
        "--word",
        "keyword",
        "--value",
        "estimated_value",
        "-o",
        str(model),
        "--dim",
        "8",
        "--epochs",
        "200",
        "--pairs-out",
        str(pairs),
        "--article",
        "--json",
    )
    res = json.loads(out)
    assert res["words"] == 30 and res["pairs"] == 204 and res["epochs_trained"] == 200
    assert res["alignment"]["spearman"] > 0.5
    assert res["highest"][0]["word"] == "deep-crimson"
    assert res["lowest"][0]["word"] == "light-violet"
    assert len(pd.read_csv(pairs)) == 204
    near = json.loads(run(capsys, "similar", str(model), "crimson", "-n", "3", "--json"))
    assert near["crimson"][0]["word"] in {"light-crimson", "deep-crimson", "bright-crimson"}
    # the defaults (no tuning) align far better than the article's settings
    res = json.loads(
        run(
            capsys,
            "train",
            "valuevec",
            str(csv),
            "--word",
            "keyword",
            "--value",
            "estimated_value",
            "-o",
            str(tmp_path / "d.wsv"),
            "--json",
        )
    )
    assert res["alignment"]["spearman"] >= 0.95


def test_records_with_where_and_errors(tmp_path, capsys):
    rows = [
        ("cheap bunk room", 20),
        ("cheap shared room", 25),
        ("luxury villa pool", 400),
        ("luxury penthouse", 350),
        ("room near beach", 0),
        ("villa pool beach", 300),
    ] * 3
    f = tmp_path / "listings.csv"
    pd.DataFrame(rows, columns=["title", "price"]).to_csv(f, index=False)
    main(
        [
            "train",
            "valuevec",
            str(f),
            "--text",
            "title",
            "--value",
            "price",
            "--value-transform",
            "log",
            "--min-count",
            "3",
            "--epochs",
            "50",
            "-o",
            str(tmp_path / "p0.wsv"),
        ]
    )
    assert "warning: value_transform='log': dropped 3 of 18 records" in capsys.readouterr().err
    res = json.loads(
        run(
            capsys,
            "train",
            "valuevec",
            str(f),
            "--text",
            "title",
            "--value",
            "price",
            "--where",
            "price > 0",
            "--value-transform",
            "log",
            "--min-count",
            "3",
            "--epochs",
            "50",
            "-o",
            str(tmp_path / "p.wsv"),
            "--json",
        )
    )
    assert res["highest"][0]["word"] in {"villa", "luxury", "pool", "penthouse"}
    with pytest.raises(SystemExit):
        main(["train", "valuevec", str(f), "--value", "price", "-o", str(tmp_path / "x.wsv")])


def test_records_min_count_says_what_it_kept(tmp_path, capsys):
    """--min-count on a small table drops most words: the summary says how many it kept."""
    import wordspace as ws

    rec = ws.datasets.topic_records(n_topics=5, words_per_topic=12, n_records=50, seed=1)
    rec.to_csv(tmp_path / "r.csv", index=False)
    base = [str(tmp_path / "r.csv"), "--text", "text", "--value", "value", "--epochs", "20"]
    out = run(
        capsys, "train", "valuevec", *base, "--min-count", "10", "-o", str(tmp_path / "a.wsv")
    )
    kept = len(ws.load(tmp_path / "a.wsv"))
    seen = len({w for t in rec["text"] for w in t.split()})
    assert f"{kept} of {seen} (in ≥ 10 of 50 records; --min-count)" in out
    assert kept < seen
    res = json.loads(
        run(
            capsys,
            "train",
            "valuevec",
            *base,
            "--min-count",
            "2",
            "-o",
            str(tmp_path / "b.wsv"),
            "--json",
        )
    )
    assert res["words_seen"] == seen and res["records"] == 50 and res["words"] > kept
