"""Run gensim 4.4.0's own tests against ``wordspace.compat.gensim`` (issue 30).

gensim's test suite is the specification of the compatibility layer. This script

1. downloads the gensim 4.4.0 wheel from the package registry with
   ``pip download gensim==4.4.0 --no-deps --only-binary=:all:`` into a cache folder (it is
   never installed; the wheel ships ``gensim/test/`` and ``gensim/test/test_data/``; if a wheel
   without them is found, the sdist is downloaded instead with ``--no-binary=:all:``);
2. extracts ``test_keyedvectors.py``, ``test_word2vec.py``, ``test_fasttext.py``,
   ``test_phrases.py`` and ``test_data/`` into a work folder, as the package ``gensim_tests``;
3. rewrites **only the imports**: ``gensim`` becomes ``wordspace.compat.gensim``
   (``import gensim.models.x`` also binds the name ``gensim`` to the compat package, so the
   tests' dotted references resolve), except the suite's own sibling modules
   (``gensim.test.test_word2vec`` becomes ``gensim_tests.test_word2vec``); gensim's
   ``test_data/`` is found by ``wordspace.compat.gensim.test.utils.datapath`` through
   ``WORDSPACE_GENSIM_TEST_DATA``;
4. runs them with pytest and prints a per-file table (collected / passed / failed / skipped,
   and the failures that load a gensim pickle, which wordspace refuses by design), and writes a
   JSON summary (``--json``).

``--target gensim --python /tmp/venv/bin/python`` runs the same extracted files unmodified
against a real gensim installed in that (throwaway) interpreter: the reference table.

Exit status: 0 when the run completed (whatever the pass rate: the caller judges it), 1 on an
error, 3 when the package registry cannot be reached and no cached download exists (a
documented skip), which becomes an error (1) when ``CI=true``.

    python tools/gensim_suite.py --json /tmp/gensim-suite.json
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

VERSION = "4.4.0"
FILES = ("test_keyedvectors.py", "test_word2vec.py", "test_fasttext.py", "test_phrases.py")
EXIT_UNREACHABLE = 3
#: what wordspace says when it refuses a gensim pickle (compat's refuse_pickle)
PICKLE_MARKER = "is a Python pickle"
_NETWORK_MARKERS = (
    "NewConnectionError",
    "Max retries exceeded",
    "Temporary failure in name resolution",
    "Name or service not known",
    "Network is unreachable",
    "Connection refused",
    "ConnectTimeoutError",
    "ReadTimeoutError",
    "ProxyError",
    "No route to host",
)


class RegistryUnreachable(RuntimeError):
    """pip could not reach the package registry (and nothing is cached)."""


def default_cache() -> Path:
    env = os.environ.get("WORDSPACE_GENSIM_SUITE_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "wordspace" / f"gensim-{VERSION}"


def _pip_download(cache: Path, binary: bool) -> Path:
    cmd = [sys.executable, "-m", "pip", "download", f"gensim=={VERSION}", "--no-deps"]
    cmd += ["--only-binary=:all:"] if binary else ["--no-binary=:all:"]
    cmd += ["-d", str(cache), "--disable-pip-version-check"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    out = proc.stdout + proc.stderr
    if proc.returncode != 0:
        if any(m in out for m in _NETWORK_MARKERS):
            raise RegistryUnreachable(
                "the package registry cannot be reached (pip download gensim=={} failed: {})".format(
                    VERSION, out.strip().splitlines()[-1] if out.strip() else "no output"
                )
            )
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{out}")
    return _cached(cache, binary) or _fail(f"pip download left no gensim {VERSION} in {cache}")


def _fail(msg: str) -> Path:
    raise RuntimeError(msg)


def _cached(cache: Path, binary: bool) -> Path | None:
    pattern = f"gensim-{VERSION}-*.whl" if binary else f"gensim-{VERSION}.tar.gz"
    found = sorted(cache.glob(pattern))
    return found[0] if found else None


class _Archive:
    """The members under ``gensim/test/`` of a wheel (zip) or sdist (tar.gz)."""

    def __init__(self, path: Path):
        self.path = path
        if path.suffix == ".whl":
            self._zip = zipfile.ZipFile(path)
            self.names = {n: n for n in self._zip.namelist() if not n.endswith("/")}
            self._tar = None
        else:
            self._zip = None
            self._tar = tarfile.open(path, "r:gz")
            self.names = {}
            for m in self._tar.getmembers():
                if m.isfile():  # sdist: gensim-4.4.0/gensim/test/...
                    self.names[m.name.split("/", 1)[1]] = m.name

    def has_tests(self) -> bool:
        return all(f"gensim/test/{f}" in self.names for f in FILES) and any(
            n.startswith("gensim/test/test_data/") for n in self.names
        )

    def read(self, name: str) -> bytes:
        real = self.names[name]
        if self._zip is not None:
            return self._zip.read(real)
        fh = self._tar.extractfile(real)  # type: ignore[union-attr]
        assert fh is not None
        return fh.read()


def fetch(cache: Path) -> _Archive:
    """The gensim archive with its tests: cached, else downloaded (wheel first, then sdist)."""
    cache.mkdir(parents=True, exist_ok=True)
    for binary in (True, False):
        path = _cached(cache, binary) or _pip_download(cache, binary)
        archive = _Archive(path)
        if archive.has_tests():
            return archive
        print(f"{path.name} does not ship gensim/test/; trying the sdist", file=sys.stderr)
    raise RuntimeError(f"neither the gensim {VERSION} wheel nor its sdist ships gensim/test/")


_SIBLING = re.compile(r"\bgensim\.test\.(test_\w+)")
_FROM = re.compile(r"^(\s*)from gensim(\.[\w.]+)? import ", re.M)
_IMPORT = re.compile(r"^(\s*)import gensim(\.[\w.]+)?\s*$", re.M)


def rewrite_imports(source: str) -> str:
    """gensim's imports to ``wordspace.compat.gensim``'s (only import statements change)."""
    source = re.sub(
        r"^(\s*)from gensim\.test\.(test_\w+) import ",
        r"\1from gensim_tests.\2 import ",
        source,
        flags=re.M,
    )
    source = _FROM.sub(
        lambda m: f"{m.group(1)}from wordspace.compat.gensim{m.group(2) or ''} import ", source
    )

    def plain(m: re.Match) -> str:
        mod = "wordspace.compat.gensim" + (m.group(2) or "")
        # one line, so line numbers stay gensim's
        return f"{m.group(1)}import {mod}; import wordspace.compat.gensim as gensim"

    return _IMPORT.sub(plain, source)


def extract(archive: _Archive, work: Path, rewrite: bool) -> Path:
    pkg = work / "gensim_tests"
    if pkg.exists():
        shutil.rmtree(pkg)
    (pkg / "test_data").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    for name in archive.names:
        if name.startswith("gensim/test/test_data/"):
            dest = pkg / "test_data" / name[len("gensim/test/test_data/") :]
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(archive.read(name))
    for f in FILES:
        text = archive.read(f"gensim/test/{f}").decode("utf-8")
        if rewrite:
            text = rewrite_imports(text)
        else:  # the real gensim: only the sibling test modules are the local copies
            text = re.sub(
                r"^(\s*)from gensim\.test\.(test_\w+) import ",
                r"\1from gensim_tests.\2 import ",
                text,
                flags=re.M,
            )
        (pkg / f).write_text(text, encoding="utf-8")
    return pkg


def _file_of(classname: str) -> str:
    # gensim_tests.test_word2vec.TestWord2VecModel -> test_word2vec.py
    parts = classname.split(".")
    for p in parts:
        if p.startswith("test_"):
            return p + ".py"
    return parts[-1]


def run_pytest(
    work: Path,
    python: str,
    target: str,
    timeout: float,
    extra: list[str],
    files: tuple[str, ...] = FILES,
) -> dict:
    pkg = work / "gensim_tests"
    junit = work / "junit.xml"
    env = dict(os.environ)
    # absolute: pytest runs in the work folder
    env["PYTHONPATH"] = os.pathsep.join(
        [str(work)] + [os.path.abspath(p) for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    )
    env["WORDSPACE_GENSIM_TEST_DATA"] = str(pkg / "test_data")
    env.setdefault("PYTHONHASHSEED", "0")
    cmd = [
        python,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "--rootdir",
        str(work),
        f"--junitxml={junit}",
        "-o",
        "junit_family=xunit1",
    ]
    cmd += extra + [str(pkg / f) for f in files]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, timeout=timeout)
    wall = time.perf_counter() - t0
    if not junit.exists():
        raise RuntimeError(f"pytest wrote no report:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    per_file: dict[str, dict] = {
        f: {"collected": 0, "passed": 0, "failed": 0, "skipped": 0, "pickle": 0, "time_s": 0.0}
        for f in files
    }
    tests: list[dict] = []
    for case in ET.parse(junit).getroot().iter("testcase"):
        # a collection error has no classname: the module is the test's name
        f = _file_of(case.get("classname") or case.get("name", ""))
        row = per_file.setdefault(
            f, {"collected": 0, "passed": 0, "failed": 0, "skipped": 0, "pickle": 0, "time_s": 0.0}
        )
        row["collected"] += 1
        row["time_s"] += float(case.get("time", 0) or 0)
        status, message = "passed", ""
        for child in case:
            if child.tag in ("failure", "error"):
                status = "failed"
                message = (child.get("message") or "") + "\n" + (child.text or "")
            elif child.tag == "skipped":
                status = "skipped"
                message = child.get("message") or ""
        pickle = status == "failed" and PICKLE_MARKER in message
        row[status] += 1
        row["pickle"] += pickle
        tests.append(
            {
                "file": f,
                "id": f"{case.get('classname')}::{case.get('name')}",
                "status": status,
                "pickle": pickle,
                "time_s": float(case.get("time", 0) or 0),
                "message": message.strip().splitlines()[0][:300] if message.strip() else "",
            }
        )
    totals = {
        k: sum(r[k] for r in per_file.values())
        for k in ("collected", "passed", "failed", "skipped", "pickle")
    }
    considered = totals["collected"] - totals["skipped"] - totals["pickle"]
    totals["pass_rate_without_pickle"] = totals["passed"] / considered if considered else 0.0
    return {
        "gensim_version": VERSION,
        "target": target,
        "python": python,
        "wall_s": wall,
        "pytest_exit": proc.returncode,
        "files": per_file,
        "totals": totals,
        "tests": tests,
        "pytest_tail": proc.stdout[-3000:],
    }


def table(summary: dict) -> str:
    head = f"{'file':<22}{'collected':>10}{'passed':>8}{'failed':>8}{'skipped':>9}{'pickle':>8}{'time s':>9}"
    lines = [f"gensim {VERSION} suite against {summary['target']}", head, "-" * len(head)]
    for f, r in summary["files"].items():
        lines.append(
            f"{f:<22}{r['collected']:>10}{r['passed']:>8}{r['failed']:>8}{r['skipped']:>9}{r['pickle']:>8}{r['time_s']:>9.1f}"
        )
    t = summary["totals"]
    lines.append("-" * len(head))
    lines.append(
        f"{'total':<22}{t['collected']:>10}{t['passed']:>8}{t['failed']:>8}{t['skipped']:>9}{t['pickle']:>8}{summary['wall_s']:>9.1f}"
    )
    lines.append(
        f"pass rate of the tests that do not load a gensim pickle (skips excluded): {t['pass_rate_without_pickle']:.1%}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--cache", type=Path, default=default_cache(), help="where the gensim download is kept"
    )
    ap.add_argument("--work", type=Path, help="work folder (default: a new temporary folder)")
    ap.add_argument("--json", type=Path, help="write the JSON summary here")
    ap.add_argument("--target", choices=("compat", "gensim"), default="compat")
    ap.add_argument("--python", default=sys.executable, help="interpreter that runs pytest")
    ap.add_argument("--timeout", type=float, default=1800.0)
    ap.add_argument(
        "--files", nargs="+", choices=FILES, default=list(FILES), help="run only these files"
    )
    ap.add_argument("--failures", action="store_true", help="list every failing test")
    ap.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    args = ap.parse_args(argv)
    ci = os.environ.get("CI", "").lower() == "true"
    try:
        archive = fetch(args.cache)
    except RegistryUnreachable as exc:
        print(f"SKIP: {exc}", file=sys.stderr)
        if ci:
            print("CI=true: an unreachable registry is a failure here", file=sys.stderr)
            return 1
        return EXIT_UNREACHABLE
    work = args.work or Path(tempfile.mkdtemp(prefix="gensim-suite-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        extract(archive, work, rewrite=args.target == "compat")
        summary = run_pytest(
            work, args.python, args.target, args.timeout, args.pytest_args, tuple(args.files)
        )
    finally:
        if args.work is None:  # our own temporary folder; a given --work is kept to inspect
            shutil.rmtree(work, ignore_errors=True)
    print(table(summary))
    if args.failures:
        for t in summary["tests"]:
            if t["status"] == "failed":
                print(f"FAILED{' (pickle)' if t['pickle'] else ''} {t['id']}: {t['message']}")
    if args.json:
        tmp = args.json.with_name(args.json.name + ".tmp")
        tmp.write_text(json.dumps(summary, indent=1))
        os.replace(tmp, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
