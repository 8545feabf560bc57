"""MkDocs hooks: pages generated from the code itself, so they cannot drift from it.

``<!-- cli-reference -->`` in a page is replaced by the ``--help`` text of every ``wordspace``
command, read from the Typer application at build time.
"""

from __future__ import annotations

import click

MARKER = "<!-- cli-reference -->"


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


def on_page_markdown(markdown: str, page, config, files) -> str:  # noqa: ARG001 (mkdocs API)
    if MARKER in markdown:
        markdown = markdown.replace(MARKER, cli_reference())
    return markdown
