"""``wordspace convert``: any readable format to any writable one."""

from __future__ import annotations

from typing import Annotated

import typer

from wordspace.cli._app import app
from wordspace.cli._common import (
    VECTOR_FORMATS,
    JsonOpt,
    check_output,
    emit_json,
    epilog,
    io,
    load,
    output_layout,
    vector_output,
    write_vectors,
)
from wordspace.errors import ParameterError

FORMAT_HELP = (
    f"{' | '.join(VECTOR_FORMATS)} (glove: text without header; fasttext: .vec "
    "text). Default: by the output's extension (.wsv native, .bin binary, .vec "
    "fasttext, .txt word2vec)."
)


@app.command(
    epilog=epilog(
        "wordspace convert vectors.txt vectors.wsv", "wordspace convert model.wsv --format fasttext"
    )
)
def convert(
    src: Annotated[str, typer.Argument(help="Input vectors (any format) or model name.")],
    dst: Annotated[
        str | None,
        typer.Argument(
            help="Output path (same as -o; default: next to the input, named by --format)."
        ),
    ] = None,
    output: Annotated[str | None, typer.Option("-o", "--output", help="Output path.")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help=FORMAT_HELP)] = None,
    to: Annotated[str | None, typer.Option("--to", hidden=True)] = None,
    limit: Annotated[int | None, typer.Option(help="Only the first N words.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Convert between formats (word2vec text/binary, GloVe text, fastText .vec, native)."""
    if dst is not None and output is not None and dst != output:
        raise ParameterError("give the output once: as DST or as -o/--output")
    if fmt is not None and to is not None and fmt != to:
        raise ParameterError("give the format once: --format (--to is its old name)")
    option = "--to" if to is not None else "--format"
    out, f = vector_output(src, dst if dst is not None else output, fmt or to, src, option)
    if limit is not None and limit < 1:
        raise ParameterError(f"--limit must be an integer >= 1, got {limit}")
    check_output(
        out, layout=output_layout(out, f), inputs={"SRC": src}, option="DST" if dst else "-o"
    )
    wv = load(src, mmap=False, cache=False) if limit is None else _load_limited(src, limit)
    write_vectors(wv, out, f)
    if as_json:
        emit_json(
            {"src": src, "dst": out, "format": f, "words": len(wv), "dimension": wv.vector_size}
        )
    else:
        io.out.print(f"wrote {len(wv):,} × {wv.vector_size} vectors to {out} ({f})", markup=False)


def _load_limited(src: str, limit: int):
    from wordspace.io.pretrained import load as _load

    return _load(src, limit=limit)
