"""The explorer's FastAPI app: one page (static files of this package) and a JSON API.

``GET /api/info``, ``/api/neighbors?word=&n=``, ``/api/analogy?a=&b=&c=&n=``,
``/api/similarity?w1=&w2=``, ``/api/map?word=&n=``. Errors are JSON ``{"error": message}``:
404 for an unknown word (with spelling suggestions), 400 for a bad parameter (and for a word
whose vector holds NaN or inf); never a stack trace. Every response is valid JSON: a number
that is not finite is sent as ``null``.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from wordspace._optional import require
from wordspace.errors import (
    OutOfVocabularyError,
    ParameterError,
    WordspaceError,
)

if TYPE_CHECKING:  # pragma: no cover
    from wordspace.vectors.keyed import WordVectors

__all__ = ["create_app", "serve", "STATIC_DIR", "MAX_N"]

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
MAX_N = 200
# The page loads nothing from elsewhere; the policy makes sure of it.
_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


_EXAMPLES = (
    "king",
    "paris",
    "music",
    "river",
    "doctor",
    "computer",
    "red",
    "happy",
    "wine",
    "football",
    "cheap",
    "luxury",
)


def _num(x: Any, digits: int | None = None) -> float | None:
    v = float(x)
    if not math.isfinite(v):
        return None
    return v if digits is None else round(v, digits)


def _finite(obj: Any) -> Any:
    """``obj`` with every non-finite float replaced by None (JSON has no NaN or Infinity)."""
    if isinstance(obj, float | np.floating):
        return float(obj) if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    return obj


class _Model:
    """The queries the page needs, on one WordVectors (thread-safe: read-only arrays)."""

    def __init__(self, wv: WordVectors, restrict_vocab: int | None, title: str | None):
        self.wv = wv
        self.restrict_vocab = restrict_vocab
        self.values = (
            np.asarray(wv.extras["values"], dtype=np.float64) if "values" in wv.extras else None
        )
        wv.fill_norms()  # once, before requests arrive from several threads
        from wordspace.vectors._display import model_name as _model_name

        self.title = _model_name(wv, title)

    def word(self, raw: str, what: str = "word") -> str:
        w = (raw or "").strip()
        if not w:
            raise ParameterError(f"{what} is empty: type a word")
        if w in self.wv.key_to_index:
            return w
        if w.lower() in self.wv.key_to_index:
            return w.lower()
        if w in self.wv:  # subword models (fastText) have a vector for unseen words
            return w
        raise self.wv._oov(w)

    def value(self, w: str) -> float | None:
        if self.values is None:
            return None
        return _num(self.values[self.wv.key_to_index[w]])

    def value_range(self) -> list[float | None] | None:
        """Smallest and largest finite value (NaN and inf values are shown as no value)."""
        if self.values is None:
            return None
        finite = self.values[np.isfinite(self.values)]
        if not len(finite):
            return [None, None]
        return [float(finite.min()), float(finite.max())]

    def row(self, w: str, score: float, key: str = "cosine") -> dict[str, Any]:
        d: dict[str, Any] = {"word": w, key: _num(score, 6)}
        if self.values is not None:
            d["value"] = self.value(w)
        return d

    def info(self) -> dict[str, Any]:
        wv = self.wv
        from wordspace.viz.plot import value_label
        from wordspace.viz.report import example_words

        # words the model knows well: the curated ones where a general-purpose model has
        # them; a value model's words spread over its values (not "king" for prices)
        examples = [] if self.values is not None else [w for w in _EXAMPLES if w in wv.key_to_index]
        if len(examples) < 4:
            examples = example_words(wv, 12)
        value_name = None
        if self.values is not None:
            value_name = value_label(wv)
        return {
            "title": self.title,
            "words": len(wv),
            "dimension": wv.vector_size,
            "has_counts": wv.counts is not None,
            "has_values": self.values is not None,
            "value_name": value_name,
            "value_range": self.value_range(),
            "examples": examples,
            "max_n": MAX_N,
            # the neighbour index queries use (wordspace index MODEL), or None: exact scans
            "index": getattr(wv.index, "method", None),
        }

    def neighbors(self, word: str, n: int) -> dict[str, Any]:
        w = self.word(word)
        res = self.wv.most_similar(w, topn=n, restrict_vocab=self.restrict_vocab)
        out: dict[str, Any] = {"word": w, "neighbors": [self.row(k, s) for k, s in res]}
        if self.values is not None:
            out["value"] = self.value(w)
        return out

    def analogy(self, a: str, b: str, c: str, n: int) -> dict[str, Any]:
        a, b, c = self.word(a, "a"), self.word(b, "b"), self.word(c, "c")
        res = self.wv.most_similar(
            positive=[a, c], negative=[b], topn=n, restrict_vocab=self.restrict_vocab
        )
        return {"a": a, "b": b, "c": c, "results": [self.row(k, s, "score") for k, s in res]}

    def similarity(self, w1: str, w2: str) -> dict[str, Any]:
        w1, w2 = self.word(w1, "w1"), self.word(w2, "w2")
        return {"w1": w1, "w2": w2, "cosine": _num(self.wv.similarity(w1, w2), 6)}

    def map(self, word: str, n: int) -> dict[str, Any]:
        from wordspace.viz.plot import project  # numpy only for PCA

        w = self.word(word)
        res = self.wv.most_similar(w, topn=n, restrict_vocab=self.restrict_vocab)
        words = [w] + [k for k, _ in res]
        cos = [1.0] + [s for _, s in res]
        unit = np.vstack([self.wv.get_vector(k, norm=True) for k in words])
        if len(words) >= 3:
            xy = project(unit, "pca")
        else:  # a two-word vocabulary: a line
            xy = np.array([[0.0, 0.0], [1.0, 0.0]])[: len(words)]
        span = float(np.abs(xy).max()) or 1.0
        xy = xy / span  # within [-1, 1] for the page
        points = []
        for k, (x, y), s in zip(words, xy, cos, strict=True):
            p = self.row(k, s)
            p["x"], p["y"] = _num(x, 5), _num(y, 5)
            points.append(p)
        return {"word": w, "has_values": self.values is not None, "points": points}


def create_app(wv: WordVectors, *, restrict_vocab: int | None = None, title: str | None = None):
    """A FastAPI app exploring ``wv``: the page at ``/`` and the JSON API under ``/api``.

    ``restrict_vocab`` limits neighbour searches to the N most frequent words.
    """
    require("fastapi", extra="explore", purpose="the explorer")
    from fastapi import FastAPI, Query, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import FileResponse
    from fastapi.responses import JSONResponse as _JSONResponse
    from fastapi.staticfiles import StaticFiles

    class JSONResponse(_JSONResponse):
        """JSON with null for non-finite numbers (the default would fail on NaN: a 500)."""

        def render(self, content: Any) -> bytes:
            return super().render(_finite(content))

    if restrict_vocab is not None and int(restrict_vocab) <= 0:
        raise ParameterError(f"restrict_vocab must be positive, got {restrict_vocab}")
    model = _Model(wv, restrict_vocab, title)
    app = FastAPI(
        title="wordspace explorer",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        default_response_class=JSONResponse,
    )
    app.state.model = model

    @app.exception_handler(OutOfVocabularyError)
    async def _oov(request: Request, exc: OutOfVocabularyError):
        return JSONResponse({"error": str(exc), "suggestions": exc.suggestions}, status_code=404)

    @app.exception_handler(WordspaceError)
    async def _bad(request: Request, exc: WordspaceError):
        return JSONResponse({"error": str(exc)}, status_code=400)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        parts = []
        for e in exc.errors():
            loc = ".".join(str(x) for x in e.get("loc", ()) if x != "query")
            parts.append(f"{loc}: {e.get('msg', 'invalid')}")
        return JSONResponse({"error": "; ".join(parts) or "invalid request"}, status_code=400)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception):  # pragma: no cover - safety net
        logger.exception("explorer request failed: %s", request.url.path)
        return JSONResponse({"error": f"internal error ({type(exc).__name__})"}, status_code=500)

    @app.middleware("http")
    async def _headers(request: Request, call_next):
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = _CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        if request.url.path.startswith("/api/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    N = Query(10, ge=1, le=MAX_N, description="how many results")

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    def index():
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html")

    @app.get("/api/info")
    def info():
        return model.info()

    @app.get("/api/neighbors")
    def neighbors(word: str = Query(..., max_length=200), n: int = N):
        return model.neighbors(word, n)

    @app.get("/api/analogy")
    def analogy(
        a: str = Query(..., max_length=200),
        b: str = Query(..., max_length=200),
        c: str = Query(..., max_length=200),
        n: int = N,
    ):
        return model.analogy(a, b, c, n)

    @app.get("/api/similarity")
    def similarity(w1: str = Query(..., max_length=200), w2: str = Query(..., max_length=200)):
        return model.similarity(w1, w2)

    @app.get("/api/map")
    def neighbourhood_map(
        word: str = Query(..., max_length=200), n: int = Query(40, ge=2, le=MAX_N)
    ):
        return model.map(word, n)

    @app.get("/api/{rest:path}", include_in_schema=False)
    def unknown(rest: str):
        return JSONResponse({"error": f"no such API endpoint: /api/{rest}"}, status_code=404)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def serve(
    wv: WordVectors,
    host: str = "127.0.0.1",
    port: int = 8765,
    *,
    restrict_vocab: int | None = None,
    title: str | None = None,
    log_level: str = "warning",
) -> None:
    """Run the explorer with uvicorn (blocks until Ctrl-C)."""
    uvicorn = require("uvicorn", extra="explore", purpose="the explorer")
    if not 0 <= int(port) <= 65535:
        raise ParameterError(f"port must be between 0 and 65535, got {port}")
    app = create_app(wv, restrict_vocab=restrict_vocab, title=title)
    uvicorn.run(app, host=host, port=int(port), log_level=log_level)
