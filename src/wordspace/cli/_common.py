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

from wordspace._files import check_not_input, is_same_or_inside
from wordspace.errors import OutputPathError, ParameterError
from wordspace.io.formats import EXTENSIONS, FORMATS, format_for_path, format_name


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
CacheOpt = Annotated[
    bool,
    typer.Option(
        "--cache/--no-cache",
        help="Keep a native copy of a text/binary vector file in wordspace's cache and use it "
        "while the file is unchanged (--no-cache: parse the file every time).",
    ),
]


def epilog(*examples: str) -> str:
    """The ``--help`` epilog: runnable example command lines (``\\b``: click keeps the lines
    as they are instead of re-wrapping them)."""
    return (
        "\b\nExample"
        + ("s" if len(examples) > 1 else "")
        + ":\n"
        + "\n".join(f"  $ {e}" for e in examples)
    )


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


def neighbours_table(
    title: str, rows: list[tuple[str, float]], value_name: str = "cosine"
) -> Table:
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
        TextColumn(
            "{task.fields[info]}",
            markup=False,
            table_column=Column(no_wrap=True, overflow="ellipsis"),
        ),
        console=console,
        transient=False,
        expand=False,
    )


@contextmanager
def progress_bar(
    description: str,
    total: float | None = None,
    *,
    enabled: bool = True,
    console: Console | None = None,
) -> Iterator[Callable[..., None]]:
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
    from wordspace.io import pretrained

    with progress_bar("download") as update:
        return pretrained.load(path, mmap=mmap, cache=cache, progress=update)


def need_file(path: str | None, what: str) -> None:
    """Refuse before any work when an input file is missing."""
    if path is not None and not Path(path).exists():
        raise ParameterError(f"{what} {path!r} does not exist")
    if path is not None and Path(path).is_dir():
        raise ParameterError(f"{what} {path!r} is a folder; give a file")
    if path is not None:
        from wordspace._files import check_regular

        check_regular(path, error=ParameterError)


def check_topn(n: int, option: str = "--topn") -> None:
    """Refuse a count of results below 1 (``-n 0`` would print an empty table)."""
    if n < 1:
        raise ParameterError(f"{option} must be at least 1, got {n}")


def signature_default(cls: type[Any], name: str) -> Any:
    """The default of an estimator's parameter (so the CLI's defaults cannot drift)."""
    return inspect.signature(cls.__init__).parameters[name].default


# ------------------------------------------------------------------------------ outputs
COMPRESSION = (".gz", ".bz2", ".xz")
# the one set of format names (wordspace.io.formats.FORMATS; the short names word2vec, glove,
# fasttext are aliases); fasttext-bin is written by `train fasttext` only
VECTOR_FORMATS = tuple(f for f in FORMATS if f != "fasttext-bin")
_EXT = EXTENSIONS


def vector_format(fmt: str | None, output: str, option: str = "--format") -> str:
    """The vector format to write: ``--format``, else judged by the output's extension."""
    if fmt is not None:
        f = format_name(fmt, option)
        if f not in VECTOR_FORMATS:
            raise ParameterError(
                f"{option} must be one of {', '.join(VECTOR_FORMATS)}; got {fmt!r}"
            )
        return f
    return format_for_path(output)


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


def vector_output(
    source: str | None,
    output: str | None,
    fmt: str | None,
    fallback_stem: str,
    option: str = "--format",
) -> tuple[str, str]:
    """(output path, format) for a command that writes word vectors."""
    if output is None:
        f = vector_format(fmt, "", option) if fmt is not None else "native"
        output = default_output(source, _EXT[f], fallback_stem + _EXT[f])
        if source is not None and is_same_or_inside(output, source):
            raise OutputPathError(
                f"the default output {output!r} is the input itself; give -o/--output"
            )
        return output, f
    return output, vector_format(fmt, output, option)


def output_layout(output: str, fmt: str) -> str:
    if fmt == "native":
        return "dir" if Path(output).is_dir() else "zip"
    return "file"


def check_output(
    path: str | Path,
    layout: str = "file",
    *,
    inputs: Mapping[str, str | None] | None = None,
    option: str = "-o/--output",
) -> None:
    """Refuse an output path before any work (see :func:`wordspace._files.check_output`),
    and one that is any of ``inputs`` (``{CLI name: path}``), resolved, hard links included
    (:func:`wordspace._files.check_not_input`): wordspace never overwrites an input."""
    from wordspace._files import check_output as _check

    if inputs:
        check_not_input(path, inputs, option=option)
    _check(path, layout=layout)


def write_vectors(obj: Any, output: str, fmt: str) -> None:
    """Save a model (``save``) or its vectors (``save_word2vec_format``) in ``fmt``."""
    from wordspace.io.save import save

    save(obj, output, fmt)


# ------------------------------------------------------------------------- long runs
ON_INTERRUPT = ("discard", "save")
CheckpointEveryOpt = Annotated[
    str | None,
    typer.Option(
        "--checkpoint-every",
        help="Write a checkpoint of the whole training state this often: "
        "seconds (600, 90s) or 10m, 1h (default 10m when --checkpoint-path is given).",
    ),
]
CheckpointPathOpt = Annotated[
    str | None,
    typer.Option(
        "--checkpoint-path", help="Checkpoint file (default: the output's name with .ckpt)."
    ),
]
ResumeOpt = Annotated[
    str | None,
    typer.Option(
        "--resume",
        help="Continue the training saved in this checkpoint (same corpus and "
        "options; it goes on being updated).",
    ),
]
OnInterruptOpt = Annotated[
    str,
    typer.Option(
        "--on-interrupt",
        help="On Ctrl-C or SIGTERM: discard (write nothing) or save the partial "
        "model, marked partial in its metadata (native format only).",
    ),
]

_UNITS = {"": 1.0, "s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0}


def parse_duration(text: str, option: str = "--checkpoint-every") -> float:
    """Seconds from ``600``, ``90s``, ``10m``, ``1.5h``."""
    import re

    m = re.fullmatch(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*([a-z]*)\s*", str(text).lower())
    if m is None or m.group(2) not in _UNITS or float(m.group(1)) * _UNITS[m.group(2)] <= 0:
        raise ParameterError(
            f"{option} must be a duration such as 600 (seconds), 90s, 10m or 1h, got {text!r}"
        )
    return float(m.group(1)) * _UNITS[m.group(2)]


def long_run_params(
    *,
    every: str | None,
    path: str | None,
    resume: str | None,
    on_interrupt: str,
    output: str,
    fmt: str,
    inputs: Mapping[str, str | None] | None = None,
) -> dict[str, Any]:
    """``checkpoint_every``/``checkpoint_path`` for the estimator, checked before any work:
    ``--on-interrupt`` is known (``save`` needs a native output, the only format that can
    say the model is partial); the checkpoint does not overwrite the output."""
    if on_interrupt not in ON_INTERRUPT:
        raise ParameterError(
            f"--on-interrupt must be one of {', '.join(ON_INTERRUPT)}; got {on_interrupt!r}"
        )
    if on_interrupt == "save" and fmt != "native":
        raise ParameterError(
            f"--on-interrupt save writes a model marked partial, which only the native format "
            f"(.wsv) can say; got --format {fmt}: write a .wsv or leave --on-interrupt out"
        )
    seconds = parse_duration(every) if every is not None else None
    if resume is not None:
        need_file(resume, "--resume")
    if path is None and (seconds is not None or resume is not None):
        path = resume if resume is not None else str(Path(output).with_suffix(".ckpt"))
    if path is not None:
        if is_same_or_inside(path, output):
            raise OutputPathError(
                f"--checkpoint-path {path!r} is the output itself; give another file"
            )
        check_output(path, layout="zip", inputs=inputs, option="--checkpoint-path")
        check_checkpoint_target(path, resume)
    return {"checkpoint_every": seconds, "checkpoint_path": path}


def check_checkpoint_target(path: str, resume: str | None = None) -> None:
    """The checkpoint file is written over and over and deleted at the end of the run: an
    existing file there must be a wordspace checkpoint (recognised by its content), never
    a file wordspace did not write."""
    from wordspace.train._common import is_checkpoint_file

    p = Path(path)
    if not p.exists():
        return
    if resume is not None and is_same_or_inside(p, resume):
        return
    if not is_checkpoint_file(p):
        raise OutputPathError(
            f"--checkpoint-path {path!r} is an existing file that is not a wordspace "
            "checkpoint; the checkpoint is rewritten during training and deleted at its end, "
            "so wordspace will not use a file it did not write: give a new path"
        )


def resumed(model: Any, resume: str | None) -> Any:
    """``model`` itself, or (``--resume``) the checkpoint's model with these options, which
    must be the checkpoint's (:class:`~wordspace.errors.CheckpointError` names any other)."""
    if resume is None:
        return model
    return type(model).resume(resume, **model.get_params(deep=False))


def start_long_run(
    model: Any,
    *,
    every: str | None,
    path: str | None,
    resume: str | None,
    on_interrupt: str,
    output: str,
    fmt: str,
    inputs: Mapping[str, str | None] | None = None,
) -> Any:
    """The model a ``train`` command fits: the checkpoint options checked and set
    (:func:`long_run_params`), then, with ``--resume``, the checkpoint's model
    (:func:`resumed`)."""
    model.set_params(
        **long_run_params(
            every=every,
            path=path,
            resume=resume,
            on_interrupt=on_interrupt,
            output=output,
            fmt=fmt,
            inputs=inputs,
        )
    )
    return resumed(model, resume)


def fit_interruptibly(
    model: Any,
    source: Any,
    label: str,
    *,
    as_json: bool,
    scheduler: str | None,
    on_interrupt: str,
    out: str,
    fmt: str,
    show: Callable[[Callable[..., None]], Callable[..., None]] | None = None,
    **fit_kwargs: Any,
) -> None:
    """``model.fit(source, ...)`` under a progress bar (none with ``--json``), on the Dask
    cluster at ``scheduler`` when one is given; a signal stops training through
    :func:`stop_interrupted` (one line, exit 130/143). ``show`` adapts the bar's update
    function to the trainer's progress callback."""
    from wordspace.distributed._engine import connect

    with interruptible() as signals:
        try:
            with progress_bar(label, enabled=not as_json) as update, connect(scheduler) as client:
                callback = show(update) if show is not None else update
                model.fit(source, progress=signals["watch"](callback), client=client, **fit_kwargs)
        except KeyboardInterrupt:
            stop_interrupted(
                model,
                signals["signum"],
                out=out,
                fmt=fmt,
                on_interrupt=on_interrupt,
                checkpoint=model.checkpoint_path,
            )


@contextmanager
def interruptible() -> Iterator[dict[str, Any]]:
    """SIGINT and SIGTERM alike raise ``KeyboardInterrupt`` once, so that the trainer stops
    its threads cleanly; a second signal ends the process at once (128 + its number). Yields
    a dict whose ``signum`` says which signal came (None: none) and whose ``watch(callback)``
    wraps a progress callback so that it raises ``KeyboardInterrupt`` once a signal has come:
    Python drops an exception raised while a finaliser (``__del__``) runs, and the trainer
    must stop all the same."""
    import os
    import signal
    import threading

    def watch(callback: Callable[..., None]) -> Callable[..., None]:
        def watched(*args: Any, **kwargs: Any) -> None:
            if state["signum"] is not None:
                raise KeyboardInterrupt
            callback(*args, **kwargs)

        return watched

    state: dict[str, Any] = {"signum": None, "watch": watch}
    if threading.current_thread() is not threading.main_thread():
        yield state
        return

    def handler(signum: int, frame: Any) -> None:
        if state["signum"] is not None:
            os._exit(128 + signum)
        state["signum"] = signum
        f = frame
        while f is not None:  # in a finaliser the exception would be dropped (and printed):
            if f.f_code.co_name == "__del__":  # the next progress call raises it instead
                return
            f = f.f_back
        raise KeyboardInterrupt

    saved = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield state
    finally:
        for s, h in saved.items():
            signal.signal(s, h)


def stop_interrupted(
    model: Any,
    signum: int | None,
    *,
    out: str,
    fmt: str,
    on_interrupt: str,
    checkpoint: str | None = None,
) -> None:
    """After an interrupted ``fit``: one line (``interrupted at epoch 1 of 5 (6 % of the
    words); nothing saved``), the partial model written only with ``--on-interrupt save``,
    and exit 130 (SIGINT) or 143 (SIGTERM)."""
    import signal

    complete = getattr(model, "training_complete_", None)
    prog = getattr(model, "training_progress_", None) if complete is False else None
    if prog:
        where = f"at epoch {prog.get('epoch')} of {prog.get('epochs')}"
        total = prog.get("total") or 0
        if total:
            where += f" ({100.0 * prog.get('done', 0) / total:.0f} % of the {prog.get('unit')})"
    else:
        where = "before training started"
    tail = "nothing saved"
    if on_interrupt == "save" and prog and getattr(model, "is_fitted", False):
        write_vectors(model, out, fmt)
        tail = f"partial model saved to {out}"
    if checkpoint is not None and Path(checkpoint).is_file():
        tail += f"; the last checkpoint is {checkpoint} (--resume {checkpoint} continues)"
    io.err.print(f"interrupted {where}; {tail}", highlight=False, markup=False, soft_wrap=True)
    raise typer.Exit(128 + (signum if signum is not None else signal.SIGINT))


def finish_checkpoints(model: Any) -> None:
    """Once the final model is saved, remove the checkpoint this run wrote or resumed from
    (it is superseded; wordspace wrote it)."""
    path = getattr(model, "checkpoint_path", None)
    if path is None or not Path(path).is_file() or Path(path).is_symlink():
        return
    from wordspace.train._common import is_checkpoint_file

    if is_checkpoint_file(path):
        Path(path).unlink()
