"""``wordspace index``: build a neighbour index next to a model (``model.wsv.index``).

``similar``, ``analogy`` and ``explore`` use the index saved next to the model when there is
one (:func:`load_indexed`); ``--exact`` scans every vector instead.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from wordspace.cli._app import app
from wordspace.cli._common import (
    CacheOpt,
    JsonOpt,
    check_output,
    emit_json,
    epilog,
    io,
    load,
    progress_bar,
)
from wordspace.errors import ParameterError

ModelArg = Annotated[str, typer.Argument(help="Vector file (any format) or known model name.")]
ExactOpt = Annotated[
    bool,
    typer.Option(
        "--exact/--no-exact",
        help="Scan every vector (exact), even when the model has an index next to it.",
    ),
]
IndexOpt = Annotated[
    str | None,
    typer.Option(
        "--index",
        help="A saved index to use (default: MODEL.index next to the model, when present).",
    ),
]
METHOD_HELP = (
    "hnsw: approximate graph, milliseconds on millions of words (needs wordspace[index]); "
    "exact-f16 / exact-int8: exact results from a half / quarter precision scan."
)


def load_indexed(
    path: str,
    *,
    cache: bool = True,
    exact: bool = False,
    index: str | None = None,
) -> Any:
    """The model at ``path`` with its index attached: ``index``, else ``PATH.index`` when it
    exists (none with ``exact``). A stale index raises :class:`StaleIndexError`."""
    from wordspace.vectors._index_path import index_path  # not .index: it imports numba

    wv = load(path, cache=cache)
    if exact:
        return wv
    if index is None:
        side = index_path(path)
        if not (Path(path).exists() and side.is_file()):
            return wv
        index = str(side)
    elif not Path(index).is_file():
        raise ParameterError(f"--index {index!r} does not exist; build it with `wordspace index`")
    wv.attach_index(index)
    return wv


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


@app.command(
    "index",
    epilog=epilog(
        "wordspace index model.wsv -o model-int8.index --method exact-int8",
        "wordspace index model.wsv -o model-f16.index --method exact-f16",
    ),
)
def index_cmd(
    path: ModelArg,
    output: Annotated[
        str | None,
        typer.Option("-o", "--output", help="Index file (default: MODEL.index next to MODEL)."),
    ] = None,
    method: Annotated[str, typer.Option(help=METHOD_HELP)] = "hnsw",
    m: Annotated[
        int | None, typer.Option("-M", "--m", help="hnsw: links per node (default 16).")
    ] = None,
    ef_construction: Annotated[
        int | None, typer.Option(help="hnsw: search depth while building (default 200).")
    ] = None,
    ef: Annotated[
        int | None, typer.Option(help="hnsw: search depth per query (default 64).")
    ] = None,
    dtype: Annotated[
        str | None,
        typer.Option(
            help="hnsw: precision of the graph's stored vectors, f16 (default), i8 or f32 "
            "(results are re-scored in float32)."
        ),
    ] = None,
    as_json: JsonOpt = False,
    cache: CacheOpt = True,
) -> None:
    """Build a neighbour index so that queries skip the full scan (default: an hnsw index,
    MODEL.index next to MODEL, which similar/analogy/explore then use)."""
    import time

    from wordspace.vectors.index import METHODS, build_index, index_path

    if method not in METHODS:
        raise ParameterError(f"--method must be one of {', '.join(METHODS)}; got {method!r}")
    params = {
        k: v
        for k, v in (("M", m), ("ef_construction", ef_construction), ("ef", ef), ("dtype", dtype))
        if v is not None
    }
    if params and method != "hnsw":
        raise ParameterError(
            f"-M, --ef-construction, --ef and --dtype are for --method hnsw, not {method}"
        )
    if output is None:
        if not Path(path).exists():
            raise ParameterError(
                f"{path!r} is a model name, not a file: give the index file with -o/--output"
            )
        output = str(index_path(path))
    out = Path(output)
    if _same_file(out, Path(path)) or out.resolve() == Path(path).resolve():
        raise ParameterError(f"-o/--output {output!r} is the model itself; give another path")
    check_output(out, layout="file")
    wv = load(path, cache=cache)
    t0 = time.perf_counter()
    with progress_bar(f"index {method}", enabled=not as_json) as update:
        ix = build_index(wv, method, progress=lambda done, total: update(done, total), **params)
    seconds = time.perf_counter() - t0
    ix.save(out)
    size = out.stat().st_size
    if as_json:
        emit_json(
            {
                "model": path,
                "index": str(out),
                "method": method,
                "params": ix.params,
                "words": len(wv),
                "seconds": round(seconds, 3),
                "bytes": size,
            }
        )
        return
    io.out.print(
        f"wrote a {method} index of {len(wv):,} words to {out} ({size / 2**20:.1f} MiB, "
        f"{seconds:.1f} s); similar/analogy/explore use it (--exact to scan everything)",
        markup=False,
    )
