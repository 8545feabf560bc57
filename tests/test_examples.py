"""Every script in examples/ runs, in order, in a fresh folder, as a user would run it.

The one change: 01_train_word2vec.py trains 1 epoch instead of 10 (the test checks that this
is the only edit), so the suite stays fast.
"""

import runpy
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SCRIPTS = sorted(EXAMPLES.glob("*.py"))


def test_the_examples_are_numbered_steps():
    names = [p.name for p in SCRIPTS]
    assert names[:5] == [
        "01_train_word2vec.py",
        "02_queries.py",
        "03_compare_texts.py",
        "04_valuevec_colours.py",
        "05_maps.py",
    ]
    for p in SCRIPTS:  # a few lines each, with a docstring saying what it does
        src = p.read_text()
        assert src.startswith('"""') and len(src.splitlines()) <= 20, p.name


def test_every_example_runs_in_order(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    outputs = {}
    for script in SCRIPTS:
        src = script.read_text()
        if script.name == "01_train_word2vec.py":
            assert src.count("epochs=10") == 1
            src = src.replace("epochs=10", "epochs=1")
        run = tmp_path / script.name
        run.write_text(src)
        monkeypatch.setattr(sys, "argv", [str(run)])
        runpy.run_path(str(run), run_name="__main__")
        outputs[script.name] = capsys.readouterr().out
    assert "saved brown.wsv" in outputs["01_train_word2vec.py"]
    assert "money ->" in outputs["02_queries.py"]
    assert "Total accuracy" in outputs["02_queries.py"]  # the summary DataFrame
    assert "WordSim353 Spearman" in outputs["02_queries.py"]
    lines = outputs["03_compare_texts.py"].splitlines()
    assert len(lines) == 2 and all("WMD" in ln for ln in lines)
    crimson = outputs["04_valuevec_colours.py"].splitlines()[:5]
    assert len(crimson) == 5
    for ln in crimson:  # the nearest colours are reds (730 nm, the spectrum is 370-745)
        assert abs(float(ln.split()[-2]) - 730) < 60
    assert "wrote word2vec_map.png" in outputs["05_maps.py"]
    for name in ("brown.wsv", "colours.wsv", "word2vec_map.png", "colours_map.png"):
        assert (tmp_path / name).stat().st_size > 0


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_examples_use_only_the_public_api(script):
    src = script.read_text()
    assert "import wordspace as ws" in src
    assert "._" not in src and "wordspace.demo" not in src
