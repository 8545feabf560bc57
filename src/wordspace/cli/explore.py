"""``wordspace explore`` (a local web page) and ``wordspace export projector``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wordspace.cli._app import app, export_app
from wordspace.cli._common import (
    JsonOpt,
    check_output,
    default_output,
    emit_json,
    epilog,
    io,
    load,
)
from wordspace.cli._errors import report
from wordspace.cli.index import ExactOpt, IndexOpt, load_indexed
from wordspace.cli.query import ModelArg, RestrictOpt
from wordspace.errors import ParameterError


@export_app.command(
    "projector", epilog=epilog("wordspace export projector model.wsv -o out --limit 10000")
)
def export_projector_cmd(
    path: ModelArg,
    directory: Annotated[
        str | None,
        typer.Argument(
            help="Output folder (same as -o; default: next to the input, <name>-projector)."
        ),
    ] = None,
    output: Annotated[str | None, typer.Option("-o", "--output", help="Output folder.")] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="tsv (the only format the projector reads).")
    ] = "tsv",
    limit: Annotated[
        int,
        typer.Option(
            help="Export N words: the most frequent (by count), or for value models without counts "
            "N spread over the values. Give a number above the vocabulary size for all."
        ),
    ] = 10_000,
    as_json: JsonOpt = False,
) -> None:
    """vectors.tsv + metadata.tsv for the TensorFlow Embedding Projector."""
    from wordspace.viz.projector import export_projector

    if fmt != "tsv":
        raise ParameterError(f"--format must be tsv, got {fmt!r}")
    if directory is not None and output is not None and directory != output:
        raise ParameterError("give the output folder once: as DIRECTORY or as -o/--output")
    out_dir = directory if directory is not None else output
    if out_dir is None:
        out_dir = default_output(path, "-projector", Path(path).name + "-projector")
    if limit is not None and limit < 1:
        raise ParameterError(f"--limit must be an integer >= 1, got {limit}")
    d = Path(out_dir)
    if d.is_dir():
        check_output(d / "vectors.tsv", layout="file", inputs={"MODEL": path})
        check_output(d / "metadata.tsv", layout="file", inputs={"MODEL": path})
    elif d.exists():
        raise ParameterError(f"{out_dir!r} exists and is not a folder; give a folder")
    else:
        check_output(d, layout="dir", inputs={"MODEL": path})
    wv = load(path)
    written = export_projector(wv, out_dir, limit=limit)
    n = min(limit, len(wv))
    if as_json:
        emit_json(
            {
                "vectors": str(written["vectors"]),
                "metadata": str(written["metadata"]),
                "words": n,
                "dimension": wv.vector_size,
            }
        )
    else:
        of = f" of {len(wv):,} (--limit {limit:,})" if n < len(wv) else ""
        io.out.print(
            f"wrote {n:,}{of} vectors to {written['vectors']} and "
            f"{written['metadata']}; load both at https://projector.tensorflow.org",
            markup=False,
        )


@app.command(epilog=epilog("wordspace explore model.wsv --port 8765"))
def explore(
    path: ModelArg,
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8765,
    host: Annotated[
        str, typer.Option(help="Address to bind (default: this machine only).")
    ] = "127.0.0.1",
    restrict_vocab: RestrictOpt = None,
    exact: ExactOpt = False,
    index: IndexOpt = None,
) -> None:
    """A local web page to explore a model: neighbours, analogies, similarity, map."""
    from wordspace.viz.explore.app import serve

    if not 0 <= port <= 65535:
        raise ParameterError(f"--port must be in 0..65535, got {port}")
    wv = load_indexed(path, exact=exact, index=index)
    if host not in ("127.0.0.1", "localhost", "::1"):
        report(
            io.err, f"listening on {host}: other machines can reach this explorer", prefix="warning"
        )
    shown = f"[{host}]" if ":" in host else host
    io.out.print(
        f"exploring {path} ({len(wv):,} words) at http://{shown}:{port}/  (Ctrl-C stops)",
        markup=False,
    )
    serve(
        wv,
        host=host,
        port=port,
        restrict_vocab=restrict_vocab,
        log_level="warning",
        title=Path(path).name,
    )
