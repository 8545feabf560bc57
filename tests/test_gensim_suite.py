"""gensim 4.4.0's own tests are the specification of ``wordspace.compat.gensim`` (issue 30).

``test_gensim_suite_pass_rate`` runs ``tools/gensim_suite.py``: gensim's ``test_keyedvectors``,
``test_word2vec``, ``test_fasttext`` and ``test_phrases`` with only their imports rewritten,
against compat. It needs the package registry once (the wheel is cached); it is skipped only
when the registry cannot be reached, and under ``CI=true`` that is a failure. Every test that
does not pass must be listed in ``docs/porting_from_gensim.md`` with its reason.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("gensim_suite", ROOT / "tools" / "gensim_suite.py")
assert _spec is not None and _spec.loader is not None
suite = importlib.util.module_from_spec(_spec)
sys.modules["gensim_suite"] = suite
_spec.loader.exec_module(suite)

#: the share of gensim's tests that do not load a gensim pickle which must pass
REQUIRED_PASS_RATE = 0.95


def test_rewrite_changes_only_imports():
    src = (
        "import logging\n"
        "from gensim import utils\n"
        "from gensim.models.word2vec import LineSentence\n"
        "import gensim.models.fasttext\n"
        "    from gensim.models import word2vec_corpusfile\n"
        "from gensim.test.test_word2vec import TestWord2VecModel\n"
        "from gensim.test.utils import datapath\n"
        "x = gensim.models.fasttext.load_facebook_model('a')\n"
        "cmd = ['-m', 'gensim.scripts.word2vec_standalone']\n"
    )
    out = suite.rewrite_imports(src).splitlines()
    assert out == [
        "import logging",
        "from wordspace.compat.gensim import utils",
        "from wordspace.compat.gensim.models.word2vec import LineSentence",
        "import wordspace.compat.gensim.models.fasttext; import wordspace.compat.gensim as gensim",
        "    from wordspace.compat.gensim.models import word2vec_corpusfile",
        "from gensim_tests.test_word2vec import TestWord2VecModel",
        "from wordspace.compat.gensim.test.utils import datapath",
        # code and strings are untouched: the import binds the name gensim to compat
        "x = gensim.models.fasttext.load_facebook_model('a')",
        "cmd = ['-m', 'gensim.scripts.word2vec_standalone']",
    ]
    assert len(out) == len(src.splitlines())  # line numbers stay gensim's


def test_unreachable_registry_is_a_documented_skip_and_a_ci_failure(tmp_path, monkeypatch, capsys):
    def unreachable(cache, binary):
        raise suite.RegistryUnreachable("the package registry cannot be reached (test)")

    monkeypatch.setattr(suite, "_pip_download", unreachable)
    monkeypatch.delenv("CI", raising=False)
    assert suite.main(["--cache", str(tmp_path / "empty")]) == suite.EXIT_UNREACHABLE
    assert "SKIP" in capsys.readouterr().err
    monkeypatch.setenv("CI", "true")
    assert suite.main(["--cache", str(tmp_path / "empty")]) == 1
    assert "CI=true" in capsys.readouterr().err


def test_network_failures_are_told_apart_from_other_pip_errors(tmp_path, monkeypatch):
    class Done:
        def __init__(self, rc, err):
            self.returncode, self.stdout, self.stderr = rc, "", err

    monkeypatch.setattr(
        suite.subprocess,
        "run",
        lambda *a, **k: Done(
            1, "WARNING: Retrying ... NewConnectionError ... Max retries exceeded"
        ),
    )
    with pytest.raises(suite.RegistryUnreachable):
        suite._pip_download(tmp_path, True)
    monkeypatch.setattr(
        suite.subprocess, "run", lambda *a, **k: Done(1, "ERROR: Invalid requirement")
    )
    with pytest.raises(RuntimeError, match="Invalid requirement"):
        suite._pip_download(tmp_path, True)


def _documented_failures() -> set[str]:
    text = (ROOT / "docs" / "porting_from_gensim.md").read_text(encoding="utf-8")
    return set(re.findall(r"`(test_\w+\.py::\w+::\w+)`", text))


@pytest.mark.slow
def test_gensim_suite_pass_rate(tmp_path):
    out = tmp_path / "summary.json"
    # the tests keep out of the user's cache: a download per run (28 MB) unless
    # WORDSPACE_GENSIM_SUITE_CACHE names a folder to keep it in (CI caches it there)
    cache = os.environ.get("WORDSPACE_GENSIM_SUITE_CACHE") or str(tmp_path / "cache")
    rc = suite.main(["--cache", cache, "--work", str(tmp_path / "work"), "--json", str(out)])
    if rc == suite.EXIT_UNREACHABLE:
        # documented skip: no registry and nothing cached (CI=true turns this into rc 1)
        pytest.skip("the package registry cannot be reached to download gensim 4.4.0")
    assert rc == 0
    summary = json.loads(out.read_text())
    for name, row in summary["files"].items():
        assert row["collected"] > 20, f"{name}: only {row['collected']} tests collected"
    totals = summary["totals"]
    assert totals["pass_rate_without_pickle"] >= REQUIRED_PASS_RATE, totals
    failing = {
        f"{t['file']}::{t['id'].split('.')[-1]}"
        for t in summary["tests"]
        if t["status"] == "failed"
    }
    undocumented = failing - _documented_failures()
    assert not undocumented, f"failing gensim tests not listed in the porting page: {undocumented}"
    # no passing by skipping: real gensim 4.4.0 skips 10 of these (no fastText binary, ...)
    assert totals["skipped"] <= 10, totals
