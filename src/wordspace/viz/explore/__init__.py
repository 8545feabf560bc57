"""A local web page to explore a model: neighbours, analogies, similarity and a map.

``wordspace explore model.wsv`` (extra ``wordspace[explore]``: FastAPI + uvicorn) serves it
on http://127.0.0.1:8765; :func:`create_app` builds the FastAPI app for embedding or tests.
Everything the page needs is served from this package: it works offline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from wordspace.vectors.keyed import WordVectors

__all__ = ["create_app", "serve"]


def create_app(wv: WordVectors, **kwargs: Any):
    """The FastAPI app for ``wv`` (see :func:`wordspace.viz.explore.app.create_app`)."""
    from wordspace.viz.explore.app import create_app as _create

    return _create(wv, **kwargs)


def serve(wv: WordVectors, host: str = "127.0.0.1", port: int = 8765, **kwargs: Any) -> None:
    """Serve the explorer with uvicorn until interrupted."""
    from wordspace.viz.explore.app import serve as _serve

    _serve(wv, host=host, port=port, **kwargs)
