"""A local stand-in for gensim-data's release server, for the download tests (127.0.0.1 only).

It serves ``/{name}/{name}.gz`` files made like gensim-data's: word2vec text with a header
line (the GloVe models, fastText's ``.vec``, ConceptNet Numberbatch) or word2vec binary (Google
News, RusCorpora), gzip-compressed. It honours ``Range: bytes=N-`` (206 + Content-Range) unless
told to ignore it, can drop the connection at a given byte offset (once or every time), can
slow down, and logs every request.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np

import wordspace as ws
from wordspace.io import pretrained

#: words in the style of each model
WORDS = {
    "glove-twitter-25": [
        "<user>",
        "the",
        "lol",
        "#love",
        "rt",
        ":)",
        "king",
        "queen",
        "man",
        "woman",
    ],
    "word2vec-google-news-300": [
        "</s>",
        "in",
        "New_York",
        "king",
        "queen",
        "man",
        "woman",
        "Barack_Obama",
        "##",
        "the",
    ],
    "fasttext-wiki-news-subwords-300": [
        ",",
        "the",
        ".",
        "and",
        "of",
        "king",
        "queen",
        "man",
        "woman",
        "don't",
    ],
    "conceptnet-numberbatch-17-06-300": [
        "/c/de/koenig",
        "/c/en/king",
        "/c/en/queen",
        "/c/en/man",
        "/c/en/woman",
        "/c/fr/roi",
        "/c/en/new_york",
        "/c/ja/王",
        "/c/en/cat",
        "/c/en/dog",
    ],
    "word2vec-ruscorpora-300": [
        "король_NOUN",
        "королева_NOUN",
        "мужчина_NOUN",
        "женщина_NOUN",
        "быть_VERB",
        "год_NOUN",
        "кот_NOUN",
        "собака_NOUN",
        "новый_ADJ",
        "москва_PROPN",
    ],
    "glove-wiki-gigaword-50": ["the", ",", ".", "of", "to", "king", "queen", "man", "woman", "and"],
}
BINARY = {"word2vec-google-news-300", "word2vec-ruscorpora-300"}


def is_mapped(a) -> bool:
    """Whether the array ``a`` is a view of a memory-mapped file."""
    import mmap

    while a is not None:
        if isinstance(a, np.memmap | mmap.mmap):
            return True
        a = getattr(a, "base", None)
    return False


@dataclasses.dataclass
class Fixture:
    name: str
    path: Path
    data: bytes
    wv: ws.WordVectors

    @property
    def md5(self) -> str:
        return hashlib.md5(self.data).hexdigest()

    @property
    def url_path(self) -> str:
        return f"/{self.name}/{self.name}.gz"


def make_fixture(name: str, folder: Path, n_words: int = 200, seed: int = 0) -> Fixture:
    """A small model (``n_words`` words, the first in the style of the model) in the format
    and compression of gensim-data's file for ``name``."""
    words = (list(WORDS[name]) + [f"w{i}" for i in range(n_words)])[: max(n_words, 1)]
    dim = pretrained.CATALOGUE[name].dimension
    rng = np.random.default_rng(seed)
    vecs = rng.standard_normal((len(words), dim)).astype(np.float32)
    wv = ws.WordVectors(words, vecs)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.gz"
    wv.save_word2vec_format(path, binary=name in BINARY)
    return Fixture(name, path, path.read_bytes(), wv)


def use_fixture(monkeypatch, fx: Fixture, *, md5: str | None = None) -> None:
    """Make the catalogue entry of ``fx.name`` describe the fixture (its MD5 and size)."""
    m = pretrained.CATALOGUE[fx.name]
    monkeypatch.setitem(
        pretrained.CATALOGUE,
        fx.name,
        dataclasses.replace(m, md5=md5 or fx.md5, file_size=len(fx.data)),
    )


class FixtureServer:
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.drop_at: dict[str, int] = {}  # drop every response at this byte offset
        self.drop_once: dict[str, int] = {}  # drop the next response at this offset
        self.ignore_range = False
        self.redirects: dict[str, str] = {}  # path -> path (302), as GitHub's release URLs
        self.delay = 0.0  # seconds per 4 kB chunk
        self.requests: list[tuple[str, str | None]] = []
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.fixture = self  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def serve(self, fx: Fixture, data: bytes | None = None) -> None:
        self.files[fx.url_path] = fx.data if data is None else data

    def gets(self, path: str) -> list[str | None]:
        """The Range headers of the requests for ``path`` (None: no Range)."""
        with self.lock:
            return [r for p, r in self.requests if p == path]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802
        srv: FixtureServer = self.server.fixture  # type: ignore[attr-defined]
        rng = self.headers.get("Range")
        with srv.lock:
            srv.requests.append((self.path, rng))
        if self.path in srv.redirects:
            self.send_response(302)
            self.send_header("Location", srv.base_url + srv.redirects[self.path])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = srv.files.get(self.path)
        if data is None:
            self.send_error(404, "Not Found")
            return
        start = 0
        m = re.fullmatch(r"bytes=(\d+)-", rng or "")
        if m and not srv.ignore_range:
            start = int(m.group(1))
            if start >= len(data):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(data)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(data) - start))
        self.end_headers()
        stop = len(data)
        with srv.lock:
            drop = srv.drop_once.pop(self.path, None)
            if drop is None:
                drop = srv.drop_at.get(self.path)
        if drop is not None:
            stop = max(start, min(drop, len(data)))
        pos = start
        while pos < stop:
            chunk = data[pos : min(pos + 4096, stop)]
            self.wfile.write(chunk)
            pos += len(chunk)
            if srv.delay:
                self.wfile.flush()
                time.sleep(srv.delay)
        self.wfile.flush()
        self.close_connection = True
