"""MkDocs hooks: pages generated from the code itself, so they cannot drift from it.

``<!-- cli-reference -->`` in a page is replaced by the ``--help`` text of every ``wordspace``
command, read from the Typer application at build time.

``<!-- show-output -->`` just before a ``python`` block makes the build run the page's Python
blocks in order (one namespace, a temporary working folder holding the small files the
examples name, :func:`prepare_workdir`) and insert, after each marked block, its outputs as a
notebook shows them: what it printed, the warnings it raised, the value of each expression
statement (``>>> expr`` then its repr, shortened) and every figure it made or returned
(inline PNG). The outputs on
the page are those of the code above them, produced when the site is built, so they cannot
disagree.
"""

from __future__ import annotations

import ast
import atexit
import base64
import contextlib
import io
import logging
import os
import re
import shutil
import tempfile
import warnings
from pathlib import Path

import click

MARKER = "<!-- cli-reference -->"
SHOW = "<!-- show-output -->"
BLOCK = re.compile(
    r"(?P<head>(?P<skip><!-- no-exec:[^>]*-->\s*\n)?(?P<show><!-- show-output -->\s*\n)?)"
    r"```python\n(?P<code>.*?)```\n",
    re.S,
)


def _commands(group: click.Group, prefix: list[str]):
    ctx = click.Context(group, info_name=" ".join(prefix))
    for name in sorted(group.list_commands(ctx)):
        cmd = group.get_command(ctx, name)
        if cmd is None or cmd.hidden:
            continue
        path = [*prefix, name]
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, path)
        else:
            yield path, cmd


def cli_reference() -> str:
    """Markdown: one section per command with its ``--help`` text."""
    import typer

    from wordspace.cli import app

    root = typer.main.get_command(app)
    parts = []
    for path, cmd in _commands(root, ["wordspace"]):
        ctx = click.Context(
            cmd, info_name=" ".join(path), terminal_width=100, max_content_width=100
        )
        text = cmd.get_help(ctx)
        parts.append(f"## `{' '.join(path)}`\n\n```text\n{text}\n```\n")
    return "\n".join(parts)


def prepare_workdir(folder: str | os.PathLike) -> None:
    """Write the small files the documentation's examples name into ``folder``: a Brown
    corpus sample, the colour table, listings, an analogy file and 20,000 GloVe 6B 50d
    vectors as a GloVe text file (the ``glove50`` extra). The docs test uses it too."""
    import lzma

    import numpy as np

    import wordspace as ws
    from wordspace.text.corpus import embedded_corpus

    tmp = Path(folder)
    with lzma.open(embedded_corpus("brown").source, "rt", encoding="utf-8") as f:
        lines = [next(f).lower() for _ in range(4000)]
    (tmp / "corpus.txt").write_text("".join(lines), encoding="utf-8")
    ws.datasets.color_spectrum(30, seed=42).to_csv(tmp / "colors.csv", index=False)
    rec = ws.datasets.topic_records(n_topics=5, words_per_topic=12, n_records=600, seed=1)
    rec.assign(name=rec["text"], price=np.exp(1 + rec["value"] / 10).round(2)).to_csv(
        tmp / "listings.csv", index=False
    )
    (tmp / "my-analogies.txt").write_text(
        ": capitals\nathens greece berlin germany\nparis france rome italy\n"
        ": family\nboy girl brother sister\nking queen man woman\n",
        encoding="utf-8",
    )
    # a small GloVe-format text file of real vectors (analogies need real geometry)
    wv = ws.load("glove-wiki-gigaword-50", limit=20000)
    wv.save_word2vec_format(tmp / "glove.6B.50d.txt", write_header=False)


_WORKDIR: list[str] = []  # made once per build, copied for each page


def _workdir_files() -> str:
    if not _WORKDIR:
        d = tempfile.mkdtemp(prefix="wordspace-docs-files-")
        atexit.register(shutil.rmtree, d, True)
        prepare_workdir(d)
        _WORKDIR.append(d)
    return _WORKDIR[0]


#: an expression's value is shown shortened to this many lines and characters; warnings too
SHOW_LINES, SHOW_CHARS, SHOW_WARNINGS = 16, 1600, 4


def _shown(value: object) -> str:
    import pprint

    if isinstance(value, list | tuple | dict):
        text = pprint.pformat(value, width=100, compact=True)
    else:
        text = repr(value)
    lines = text.splitlines()
    if len(lines) > SHOW_LINES:
        text = "\n".join([*lines[:SHOW_LINES], "..."])
    if len(text) > SHOW_CHARS:
        text = text[:SHOW_CHARS] + " ..."
    return text


def _figures(ns: dict, before: dict[str, int]) -> list:
    """The matplotlib figures bound in ``ns`` that the last statement created or rebound."""
    try:
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover - the docs extra brings matplotlib
        return []
    return [
        v
        for k, v in ns.items()
        if isinstance(v, Figure) and before.get(k) != id(v) and not k.startswith("_")
    ]


def _is_figure(value: object) -> bool:
    try:
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover
        return False
    return isinstance(value, Figure)


class _Records(logging.Handler):
    """wordspace's log records of WARNING and above while a statement runs, kept for the
    page (a notebook shows them) instead of going to the build's log."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []
        self._logger = logging.getLogger("wordspace")

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.levelname.lower()}: {record.getMessage()}")

    def __enter__(self) -> _Records:
        self._propagate = self._logger.propagate
        self._logger.addHandler(self)
        self._logger.propagate = False
        return self

    def __exit__(self, *exc: object) -> None:
        self._logger.removeHandler(self)
        self._logger.propagate = self._propagate


def run_block(code: str, name: str, ns: dict) -> list[tuple[str, str]]:
    """Run ``code`` in ``ns`` statement by statement, as a notebook would show it: returns
    ``("text", ...)`` and ``("png", base64)`` outputs in order."""
    from wordspace.viz.plot import to_png

    out: list[tuple[str, str]] = []

    def text(t: str) -> None:
        t = t.rstrip()
        if not t:
            return
        if out and out[-1][0] == "text":
            out[-1] = ("text", out[-1][1] + "\n" + t)
        else:
            out.append(("text", t))

    def png(fig: object) -> None:
        out.append(("png", base64.b64encode(to_png(fig, dpi=80)).decode("ascii")))

    tree = ast.parse(code, filename=name)
    for stmt in tree.body:
        before = {k: id(v) for k, v in ns.items()}
        buf = io.StringIO()
        value = None
        logged = _Records()
        with (
            contextlib.redirect_stdout(buf),
            warnings.catch_warnings(record=True) as caught,
            logged,
        ):
            warnings.simplefilter("always")
            if isinstance(stmt, ast.Expr):
                expr = ast.Expression(stmt.value)
                value = eval(compile(expr, name, "eval"), ns)  # noqa: S307 (our own docs)
            else:
                exec(compile(ast.Module([stmt], []), name, "exec"), ns)  # noqa: S102
        text(buf.getvalue())
        said = [f"warning: {w.message}" for w in caught] + logged.lines  # as a notebook
        said = list(dict.fromkeys(said))
        if len(said) > SHOW_WARNINGS:
            said = [*said[:SHOW_WARNINGS], f"... and {len(said) - SHOW_WARNINGS} more warnings"]
        text("\n".join(said))
        if value is not None:
            if _is_figure(value):
                png(value)
            else:
                src = (ast.get_source_segment(code, stmt) or "").splitlines()
                head = src[0] + (" ..." if len(src) > 1 else "")
                text(f">>> {head}\n{_shown(value)}")
        for fig in _figures(ns, before):
            png(fig)
    return out


def run_page(markdown: str, name: str) -> str:
    """Run the page's Python blocks in order; after each ``<!-- show-output -->`` block insert
    its outputs (see :func:`run_block`). An exception fails the build, naming the page."""
    ns: dict = {"__name__": "__docs__"}
    out: list[str] = []
    pos = 0
    cwd = os.getcwd()
    files = _workdir_files()
    with tempfile.TemporaryDirectory(prefix="wordspace-docs-") as tmp:
        for f in os.listdir(files):
            shutil.copy(os.path.join(files, f), tmp)
        os.chdir(tmp)
        try:
            for m in BLOCK.finditer(markdown):
                out.append(markdown[pos : m.end()])
                pos = m.end()
                if m.group("skip"):
                    continue
                try:
                    shown = run_block(m.group("code"), f"{name} (python block)", ns)
                except Exception as e:
                    raise RuntimeError(f"{name}: a python block failed at build time: {e!r}") from e
                if not m.group("show"):
                    continue
                for kind, body in shown:
                    if kind == "text":
                        out.append("\n```text\n" + body + "\n```\n")
                    else:
                        out.append(
                            '\n<img alt="the figure the code above draws" '
                            f'src="data:image/png;base64,{body}">\n'
                        )
        finally:
            os.chdir(cwd)
    out.append(markdown[pos:])
    return "".join(out)


def on_page_markdown(markdown: str, page, config, files) -> str:  # noqa: ARG001 (mkdocs API)
    if MARKER in markdown:
        markdown = markdown.replace(MARKER, cli_reference())
    if SHOW in markdown:
        markdown = run_page(markdown, page.file.src_uri)
    return markdown
