"""Progress bars fit an 80-column terminal, with every field readable."""

import io

import pytest
from rich.console import Console

from wordspace.cli._common import io as consoles
from wordspace.cli._common import make_progress, progress_info

# the fields each trainer reports (its progress callback, as the train commands pass them)
FIELDS = {
    "word2vec cbow": {
        "epoch": "12/15",
        "words_per_sec": 1_234_567,
        "alpha": 0.0241234,
        "loss": 12.345678,
    },
    "glove": {"epoch": "15/15", "loss": 0.012345678},
    "valuevec": {"loss": 0.0123456, "alpha": 0.05},
    "analogies": {},
}


def _render(console, description, fields, done=40.0):
    prog = make_progress(console)
    task = prog.add_task(description, total=100, info=progress_info(fields))
    prog.update(task, completed=done)
    with console.capture() as cap:
        console.print(prog.make_tasks_table(prog.tasks))
    return cap.get().splitlines()


@pytest.mark.parametrize("description", sorted(FIELDS))
def test_one_line_of_at_most_80_columns_with_every_field(monkeypatch, description):
    monkeypatch.setenv("COLUMNS", "80")
    consoles.reset()
    console = consoles.err
    assert console.width == 80
    lines = _render(console, description, FIELDS[description])
    assert len(lines) == 1 and len(lines[0].rstrip()) <= 80, lines
    line = lines[0]
    assert line.startswith(description) and "40%" in line and "ETA" in line
    assert "…" not in line
    for value in progress_info(FIELDS[description]).split():
        assert value in line


def test_fields_are_short():
    assert progress_info(FIELDS["word2vec cbow"]) == "epoch 12/15 1.23M w/s lr 0.0241 loss 12.3"


def test_a_narrow_terminal_cuts_the_fields_not_the_line():
    console = Console(width=60, file=io.StringIO(), color_system=None)
    lines = _render(console, "word2vec cbow", FIELDS["word2vec cbow"])
    assert len(lines) == 1 and len(lines[0].rstrip()) <= 60


def test_a_real_run_at_80_columns(tmp_path):
    """The installed entry point, a real terminal width, stderr as the user sees it."""
    import os
    import subprocess
    import sys

    corpus = tmp_path / "c.txt"
    lines = [" ".join(f"a{(i * 7 + j) % 9}" for j in range(10)) for i in range(300)]
    corpus.write_text("\n".join(lines) + "\n")
    env = {**os.environ, "COLUMNS": "80", "PYTHONPATH": os.pathsep.join(sys.path)}
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "wordspace.cli",
            "train",
            "word2vec",
            str(corpus),
            "--min-count",
            "1",
            "--epochs",
            "2",
            "--workers",
            "1",
            "--loss",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    err = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(err) == 1 and err[0].startswith("word2vec cbow") and len(err[0]) <= 80, err
    assert "100%" in err[0] and "epoch 2/2" in err[0] and "loss" in err[0]
    assert max(len(ln) for ln in r.stdout.splitlines()) <= 80
    assert (tmp_path / "c.wsv").exists()


def test_the_bar_appears_at_the_first_update_and_an_error_erases_it():
    from wordspace.cli._common import progress_bar

    out = io.StringIO()
    console = Console(width=80, file=out, color_system=None)
    with pytest.raises(ValueError), progress_bar("glove", console=console):
        raise ValueError("before any progress")
    assert out.getvalue() == ""
    with pytest.raises(ValueError), progress_bar("glove", console=console) as update:
        update(1, 10, epoch="1/10")
        raise ValueError("diverged")
    assert out.getvalue() == ""
    with progress_bar("glove", console=console) as update:
        update(10, 10, epoch="10/10")
    assert "100%" in out.getvalue() and "epoch 10/10" in out.getvalue()
