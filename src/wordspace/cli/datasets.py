"""``wordspace datasets ...``: small generated example data."""

from __future__ import annotations

from typing import Annotated

import typer

from wordspace.cli._app import datasets_app
from wordspace.cli._common import JsonOpt, check_output, emit_json, epilog, io
from wordspace.errors import ParameterError

TABLE_FORMATS = ("csv", "tsv", "json")


@datasets_app.command(
    "color-spectrum", epilog=epilog("wordspace datasets color-spectrum -n 30 -o spectrum.csv")
)
def datasets_color_spectrum(
    n: Annotated[int, typer.Option("--n", "-n", help="Number of colours (1 to 84).")] = 30,
    seed: Annotated[int, typer.Option(help="Seed of both random streams.")] = 42,
    output: Annotated[
        str | None, typer.Option("-o", "--output", help="Write the table here (else print).")
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="csv | tsv | json (records); default: by the output's extension, else csv.",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """The ValueVec article's colour table: colour names and wavelengths (nm)."""
    from rich.markup import escape
    from rich.table import Table

    from wordspace.datasets import color_spectrum

    if fmt is not None and fmt not in TABLE_FORMATS:
        raise ParameterError(f"--format must be one of {', '.join(TABLE_FORMATS)}; got {fmt!r}")
    if output is not None:
        if fmt is None:
            ext = output.lower().rsplit(".", 1)[-1]
            fmt = ext if ext in TABLE_FORMATS else "csv"
        check_output(output, layout="file")
    df = color_spectrum(n, seed)
    if output:
        if fmt == "json":
            df.to_json(output, orient="records", indent=1)
        else:
            df.to_csv(output, index=False, float_format="%.6f", sep="\t" if fmt == "tsv" else ",")
    if as_json:
        emit_json({"output": output, "rows": df.to_dict(orient="records")})
        return
    if output:
        io.out.print(f"wrote {len(df)} colours to {output}", markup=False)
        return
    t = Table(title=f"colour spectrum (n={n}, seed={seed})")
    t.add_column("keyword", style="bold")
    t.add_column("estimated_value", justify="right")
    for w, v in zip(df["keyword"], df["estimated_value"], strict=True):
        t.add_row(escape(w), f"{v:.6f}")
    io.out.print(t)
