"""MkDocs hooks: pages generated from the code itself, so they cannot drift from it.

``<!-- cli-reference -->`` in a page is replaced by the ``--help`` text of every ``wordspace``
command, read from the Typer application at build time.

``<!-- show-output -->`` just before a ``python`` block makes the build run the page's Python
blocks in order (one namespace, a temporary working folder) and insert, after each marked
block, what it printed and every figure it made (inline PNG): the outputs on the page are
those of the code above them, produced when the site is built, so they cannot disagree.
"""

from __future__ import annotations

import base64
import contextlib
import io
import os
import re
import tempfile

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


def _figures(ns: dict, before: dict[str, int]) -> list:
    """The matplotlib figures bound in ``ns`` that the last block created or rebound."""
    try:
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover - the docs extra brings matplotlib
        return []
    return [
        v
        for k, v in ns.items()
        if isinstance(v, Figure) and before.get(k) != id(v) and not k.startswith("_")
    ]


def run_page(markdown: str, name: str) -> str:
    """Run the page's Python blocks in order; after each ``<!-- show-output -->`` block insert
    its printed text and its figures. An exception fails the build, naming the page."""
    from wordspace.viz.plot import to_png

    ns: dict = {"__name__": "__docs__"}
    out: list[str] = []
    pos = 0
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="wordspace-docs-") as tmp:
        os.chdir(tmp)
        try:
            for m in BLOCK.finditer(markdown):
                out.append(markdown[pos : m.end()])
                pos = m.end()
                if m.group("skip"):
                    continue
                before = {k: id(v) for k, v in ns.items()}
                buf = io.StringIO()
                try:
                    with contextlib.redirect_stdout(buf):
                        exec(compile(m.group("code"), f"{name} (python block)", "exec"), ns)  # noqa: S102
                except Exception as e:
                    raise RuntimeError(f"{name}: a python block failed at build time: {e!r}") from e
                if not m.group("show"):
                    continue
                text = buf.getvalue().rstrip()
                if text:
                    out.append("\n```text\n" + text + "\n```\n")
                for fig in _figures(ns, before):
                    png = base64.b64encode(to_png(fig, dpi=80)).decode("ascii")
                    out.append(
                        f'\n<img alt="the figure the code above draws" '
                        f'src="data:image/png;base64,{png}">\n'
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
