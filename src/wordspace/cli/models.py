"""Pretrained models by name: ``wordspace models [list|info|download|cache|remove]``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from wordspace.cli._app import models_app
from wordspace.cli._common import JsonOpt, emit_json, epilog, io, progress_bar
from wordspace.errors import ParameterError

NameArg = Annotated[str, typer.Argument(help="A model of the catalogue (see: wordspace models).")]
BaseUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--base-url",
        help="Download from this mirror of gensim-data's files "
        "({base-url}/{name}/{name}.gz); default $WORDSPACE_BASE_URL, else gensim-data on GitHub.",
    ),
]


def _mb(n: int) -> str:
    return f"{n / 1e6:,.0f} MB" if n >= 1e6 else f"{n / 1e3:,.1f} kB"


def _where(rec: dict, short: bool = False) -> str:
    if rec["installed"]:
        return "package" if short else f"package {rec['package']}"
    if rec["cached"]:
        return "cache"
    return "web" if short else "download"


def _list(as_json: bool) -> None:
    from wordspace.io import pretrained

    recs = list(pretrained.info().values())
    if as_json:
        emit_json(recs)
        return
    t = Table(
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=(0, 1),
        collapse_padding=True,
        caption=escape(
            f"from: an installed package, the cache ({pretrained.cache_dir()}) or "
            "the web; more: wordspace models info NAME"
        ),
    )
    t.add_column("name", style="bold", no_wrap=True, min_width=32)
    t.add_column("dim", justify="right", no_wrap=True, min_width=3)
    t.add_column("words", justify="right", no_wrap=True, min_width=9)
    t.add_column("MB", justify="right", no_wrap=True, min_width=5)
    t.add_column("licence", no_wrap=True, min_width=12)
    t.add_column("from", no_wrap=True)
    for r in recs:
        lic = r["license"] if not r["license"].startswith("http") else "see info"
        t.add_row(
            r["name"],
            str(r["dimension"]),
            f"{r['num_records']:,}",
            f"{r['file_size'] / 1e6:,.0f}",
            escape(lic),
            _where(r, short=True),
        )
    io.out.print(t)


@models_app.callback()
def _models(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Pretrained models by name (gensim-data's catalogue): list, info, download, cache,
    clear, remove.

    Without a command: the catalogue (name, dimension, words, download size, licence, and
    whether it comes from an installed package, the cache, or would be downloaded).
    """
    if ctx.invoked_subcommand is None:
        _list(as_json)


@models_app.command("list", epilog=epilog("wordspace models list --json"))
def list_(as_json: JsonOpt = False) -> None:
    """The catalogue: name, dimension, words, download size, licence, where it comes from."""
    _list(as_json)


@models_app.command("info", epilog=epilog("wordspace models info word2vec-google-news-300"))
def info_(name: NameArg, as_json: JsonOpt = False) -> None:
    """Everything the catalogue says about a model: description, licence, URL, MD5 ..."""
    from wordspace.io import pretrained

    rec = pretrained.info(name)
    if as_json:
        emit_json(rec)
        return
    t = Table(title=escape(name), show_header=False)
    t.add_column("", style="bold")
    t.add_column("")
    for key in (
        "description",
        "base_dataset",
        "license",
        "license_url",
        "dimension",
        "num_records",
        "file_size",
        "format",
        "url",
        "md5",
        "preprocessing",
    ):
        value = rec[key]
        if key in ("num_records",):
            value = f"{value:,}"
        elif key == "file_size":
            value = f"{value:,} bytes ({_mb(value)})"
        elif value in (None, ""):
            value = "-"
        t.add_row(key.replace("_", " "), escape(str(value)))
    t.add_row("read more", escape("\n".join(rec["read_more"])) or "-")
    t.add_row("from", escape(_where(rec)))
    t.add_row("cache path", escape(rec["cache_path"]))
    io.out.print(t)


@models_app.command(
    "download",
    epilog=epilog(
        "wordspace models download glove-twitter-25",
        "WORDSPACE_BASE_URL=https://mirror.example/gd "
        "wordspace models download word2vec-google-news-300",
    ),
)
def download(
    names: Annotated[list[str], typer.Argument(help="One or more models of the catalogue.")],
    base_url: BaseUrlOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Download models into the cache (resumable, MD5-checked) and convert them once to the
    native format, so that loading them later takes milliseconds."""
    from wordspace.io import pretrained

    for name in names:  # refuse unknown names before downloading anything
        if name not in pretrained.CATALOGUE:
            pretrained.info(name)
    done = {}
    for name in names:
        with progress_bar(f"{name[:13]}", enabled=not as_json) as update:
            done[name] = str(pretrained.download(name, base_url=base_url, progress=update))
        if not as_json:
            io.out.print(f"{name}: {done[name]}", markup=False)
    if as_json:
        emit_json(done)


@models_app.command("cache", epilog=epilog("wordspace models cache --json"))
def cache(as_json: JsonOpt = False) -> None:
    """What wordspace keeps in its cache ($WORDSPACE_HOME): converted models, partial
    downloads, native copies of vector files."""
    from wordspace.io import pretrained

    home = pretrained.cache_dir()
    entries = pretrained.cache_entries()
    if as_json:
        emit_json(
            {
                "cache_dir": str(home),
                "entries": [
                    {"kind": e.kind, "name": e.name, "path": str(e.path), "size": e.size}
                    for e in entries
                ],
            }
        )
        return
    t = Table(title=escape(f"wordspace cache: {home}"))
    t.add_column("kind")
    t.add_column("model or source file", overflow="fold")
    t.add_column("size", justify="right")
    for e in entries:
        t.add_row(e.kind, escape(e.name), _mb(e.size))
    t.caption = f"{len(entries)} files, {_mb(sum(e.size for e in entries))}"
    io.out.print(t)


@models_app.command("clear", epilog=epilog("wordspace models clear"))
def clear(as_json: JsonOpt = False) -> None:
    """Delete every file wordspace keeps in its cache (converted models, partial downloads,
    native copies of vector files); nothing else in the folder is touched."""
    from wordspace.io import pretrained

    home = pretrained.cache_dir()
    removed = [str(p) for p in pretrained.clear_cache()]
    if as_json:
        emit_json({"cache_dir": str(home), "removed": removed})
    else:
        io.out.print(f"removed {len(removed)} files from {home}", markup=False)


@models_app.command("remove", epilog=epilog("wordspace models remove glove-twitter-200"))
def remove(
    names: Annotated[list[str], typer.Argument(help="Models whose cached files to delete.")],
    as_json: JsonOpt = False,
) -> None:
    """Delete models' converted files and partial downloads from the cache."""
    from wordspace.io import pretrained

    for name in names:
        if name not in pretrained.CATALOGUE:
            raise ParameterError(
                f"{name!r} is not a model of the catalogue (see: wordspace models)"
            )
    removed = [str(p) for name in names for p in pretrained.clear_cache(name)]
    if as_json:
        emit_json({"removed": removed})
    else:
        io.out.print(f"removed {len(removed)} files", markup=False)
