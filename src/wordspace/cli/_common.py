"""What every command shares: consoles, JSON output, progress bars, loading, output paths.

Commands print results on stdout (rich tables, or one JSON document with ``--json``) and
everything else (progress, warnings, errors) on stderr.
"""

from __future__ import annotations

import inspect
import json
import math
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn
from rich.table import Column, Table

from ..errors import ParameterError


class _Consoles:
    """The two consoles, made afresh for every run of :func:`wordspace.cli.main` so that the
    terminal width (``COLUMNS``) and redirections in effect at that moment are used."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.out = Console(highlight=False)
        self.err = Console(stderr=True, highlight=False)


io = _Consoles()

JsonOpt = Annotated[bool, typer.Option("--json/--no-json", help="Print JSON instead of a table.")]
CacheOpt = Annotated[bool, typer.Option(
    "--cache/--no-cache",
    help="Keep a native copy of a text/binary vector file in wordspace's cache and use it "
    "while the file is unchanged (--no-cache: parse the file every time).")]


def epilog(*examples: str) -> str:
    """The ``--help`` epilog: runnable example command lines (``\\b``: click keeps the lines
    as they are instead of re-wrapping them)."""
    return "\b\nExample" + ("s" if len(examples) > 1 else "") + ":\n" + "\n".join(
        f"  $ {e}" for e in examples)


# ------------------------------------------------------------------------------- output
def jsonable(obj: Any) -> Any:
    """``obj`` with numpy scalars/arrays as Python values and NaN/inf as None (valid JSON)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, bool | int | str) or obj is None:
        return obj
    if isinstance(obj, Mapping):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [jsonable(v) for v in obj]
    if isinstance(obj, Path):
        return str(obj)
    tolist = getattr(obj, "tolist", None)  # numpy scalars and arrays
    if tolist is not None:
        return jsonable(tolist())
    return str(obj)


def emit_json(obj: Any) -> None:
    """Print one JSON document on stdout: no rich markup, non-finite numbers as null."""
    sys.stdout.write(json.dumps(jsonable(obj), ensure_ascii=False, allow_nan=False) + "\n")


def fmt_num(x: float | None, spec: str = ".4f") -> str:
    """A number for a table; non-finite as 'nan'/'inf' rather than an exception."""
    if x is None:
        return "-"
    return format(x, spec) if math.isfinite(x) else str(x)


def neighbours_table(title: str, rows: list[tuple[str, float]], value_name: str = "cosine") -> Table:
    t = Table(title=title)
    t.add_column("#", justify="right", style="dim")
    t.add_column("word", style="bold")
    t.add_column(value_name, justify="right")
    for i, (w, s) in enumerate(rows, 1):
        t.add_row(str(i), escape(w), fmt_num(s))
    return t


# ------------------------------------------------------------------------------ progress
_SHORT = {"words_per_sec": "w/s", "records_per_sec": "rec/s", "alpha": "lr"}


def _compact(v: Any) -> str:
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int):
        for div, suffix in ((1_000_000_000, "G"), (1_000_000, "M"), (1_000, "k")):
            if abs(v) >= div:
                return f"{v / div:.3g}{suffix}"
        return str(v)
    if isinstance(v, float):
        return f"{v:.3g}"
    return str(v)


def progress_info(fields: Mapping[str, Any]) -> str:
    """``epoch 2/5 812k w/s lr 0.0241 loss 2.35``: short names, three significant digits."""
    parts = []
    for k, v in fields.items():
        name = _SHORT.get(k, k)
        parts.append(f"{_compact(v)} {name}" if name.endswith("/s") else f"{name} {_compact(v)}")
    return " ".join(parts)


#: columns taken by everything but the fields: name (13) bar (12) percent (4) ETA (9), spaces
FIXED_WIDTH = 13 + 1 + 12 + 1 + 4 + 1 + 3 + 1 + 5 + 1


def make_progress(console: Console) -> Progress:
    """Progress columns that fit on one 80-column line: the fixed part (name, bar, percent,
    ETA) takes 42 columns and the trainers' fields (:func:`progress_info`) under 38."""
    return Progress(
        TextColumn("[bold]{task.description}", table_column=Column(no_wrap=True)),
        BarColumn(bar_width=12),
        TaskProgressColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(compact=True),
        TextColumn("{task.fields[info]}", markup=False,
                   table_column=Column(no_wrap=True, overflow="ellipsis")),
        console=console, transient=False, expand=False,
    )


@contextmanager
def progress_bar(description: str, total: float | None = None, *, enabled: bool = True,
                 console: Console | None = None) -> Iterator[Callable[..., None]]:
    """Yield ``update(done, total=None, **fields)`` for the trainers' progress callbacks.

    The bar appears at the first update, so work that fails before reporting progress (a
    corpus with no word left after ``min_count`` ...) prints only its error; a bar cut short
    by an error is erased. With ``enabled=False`` (``--json``) nothing is drawn.
    """
    if not enabled:
        yield lambda *a, **k: None
        return
    state: dict[str, Any] = {}

    def update(done: float, total_now: float | None = None, **fields: Any) -> None:
        if "prog" not in state:
            prog = make_progress(console or io.err)
            prog.start()
            state["prog"] = prog
            state["task"] = prog.add_task(description, total=total, info="")
        kw: dict[str, Any] = {"completed": done, "info": progress_info(fields)}
        if total_now is not None:
            kw["total"] = total_now
        state["prog"].update(state["task"], **kw)

    try:
        yield update
    except BaseException:
        prog = state.get("prog")
        if prog is not None:  # erase it: the error line says what happened
            prog.live.transient = True
            if prog.console.is_terminal:
                prog.stop()
            else:  # a file or pipe has seen nothing yet: keep it that way
                with prog.console.capture():
                    prog.stop()
        raise
    if "prog" in state:
        state["prog"].stop()


# ------------------------------------------------------------------------------- inputs
def load(path: str, mmap: bool = True, cache: bool = True):
    """Word vectors from a file (any format) or a model's name (downloaded with a progress
    bar when it is neither installed nor cached). ``cache``: for a vector file given by
    path, use and keep a native copy in wordspace's cache (keyed by the file's real path,
    size and modification time), so the next query on the unchanged file skips parsing."""
    from .. import pretrained

    with progress_bar("download") as update:
        return pretrained.load(path, mmap=mmap, cache=cache, progress=update)


def need_file(path: str | None, what: str) -> None:
    """Refuse before any work when an input file is missing."""
    if path is not None and not Path(path).exists():
        raise ParameterError(f"{what} {path!r} does not exist")
    if path is not None and Path(path).is_dir():
        raise ParameterError(f"{what} {path!r} is a folder; give a file")


def signature_default(cls: type, name: str) -> Any:
    """The default of an estimator's parameter (so the CLI's defaults cannot drift)."""
    return inspect.signature(cls.__init__).parameters[name].default


# ------------------------------------------------------------------------------ outputs
COMPRESSION = (".gz", ".bz2", ".xz")
VECTOR_FORMATS = ("native", "word2vec", "word2vec-binary", "glove", "fasttext")
_EXT = {"native": ".wsv", "word2vec": ".txt", "word2vec-binary": ".bin", "glove": ".txt",
        "fasttext": ".vec"}


def _bare_name(path: str) -> str:
    low = path.lower()
    for comp in COMPRESSION:
        low = low.removesuffix(comp)
    return low


def vector_format(fmt: str | None, output: str, option: str = "--format") -> str:
    """The vector format to write: ``--format``, else judged by the output's extension."""
    if fmt is not None:
        if fmt not in VECTOR_FORMATS:
            raise ParameterError(f"{option} must be one of {', '.join(VECTOR_FORMATS)}; "
                                 f"got {fmt!r}")
        return fmt
    name = _bare_name(output)
    if name.endswith((".wsv", ".zip")) or Path(output).is_dir():
        return "native"
    if name.endswith(".bin"):
        return "word2vec-binary"
    if name.endswith(".vec"):
        return "fasttext"
    if name.endswith(".txt"):
        return "word2vec"
    return "native"


def default_output(source: str | None, suffix: str, fallback: str) -> str:
    """A name next to the input: ``corpus.txt`` -> ``corpus.wsv`` (``fallback`` without one)."""
    if source is None or not Path(source).exists():
        return fallback
    p = Path(source)
    name = p.name
    for comp in COMPRESSION:
        name = name.removesuffix(comp)
    stem = Path(name).stem if not p.is_dir() else name
    return str(p.with_name(stem + suffix))


def vector_output(source: str | None, output: str | None, fmt: str | None, fallback_stem: str,
                  option: str = "--format") -> tuple[str, str]:
    """(output path, format) for a command that writes word vectors."""
    if output is None:
        f = vector_format(fmt, "", option) if fmt is not None else "native"
        output = default_output(source, _EXT[f], fallback_stem + _EXT[f])
        if source is not None and Path(output).resolve() == Path(source).resolve():
            raise ParameterError(f"the default output {output!r} is the input itself; "
                                 "give -o/--output")
        return output, f
    return output, vector_format(fmt, output, option)


def output_layout(output: str, fmt: str) -> str:
    if fmt == "native":
        return "dir" if Path(output).is_dir() else "zip"
    return "file"


def check_output(path: str | Path, layout: str = "file") -> None:
    """Refuse an output path before any work (see :func:`wordspace._files.check_output`)."""
    from .._files import check_output as _check

    _check(path, layout=layout)


def write_vectors(obj: Any, output: str, fmt: str) -> None:
    """Save a model (``save``) or its vectors (``save_word2vec_format``) in ``fmt``."""
    if fmt == "native":
        obj.save(output)
        return
    wv = getattr(obj, "wv", obj)  # a trainer's vectors, or WordVectors themselves
    wv.save_word2vec_format(output, binary=fmt == "word2vec-binary",
                                write_header=fmt != "glove")
