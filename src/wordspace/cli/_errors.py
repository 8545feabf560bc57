"""How ``main`` reports failures: one line (plus at most one hint) and an exit status.

User errors (any :class:`~wordspace.errors.WordspaceError`, bad usage, a missing or unreadable
file, a truncated compressed input) exit with 2; anything else is a bug: one line
``internal error: ...``, exit 1, and the traceback only with ``--debug``.

Library messages name Python parameters (``alpha must be ...``); :func:`translate` rewrites
them to the option the user typed (``--lr must be ...``), using the invoked command's options
and, for the train commands, the table in :mod:`wordspace.cli.options`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from rich.markup import escape

try:  # typer vendors its own copy of click (typer._click) in recent versions
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover
    from click import exceptions as click_exceptions  # type: ignore[no-redef]  # the same module, older typer

from wordspace.cli.options import TRAIN_OPTIONS

__all__ = [
    "click_exceptions",
    "invoked_command",
    "option_names",
    "report",
    "translate",
    "usage_hint",
]


#: library parameter names that differ from the option's name, per command
LIBRARY_NAMES: dict[tuple[str, ...], dict[str, str]] = {
    ("datasets", "color-spectrum"): {"n_colors": "--n"},
    ("plot", "map"): {"n_clusters": "--clusters", "figsize": "--pixels"},
    ("plot", "heatmap"): {"figsize": "--pixels"},
    ("plot", "analogy"): {"figsize": "--pixels", "n": "--topn"},
    ("plot", "curve"): {"figsize": "--pixels"},
    ("similar",): {"topn": "--topn"},
    ("analogy",): {"topn": "--topn"},
    ("rank",): {"topn": "--topn"},
}


#: options that were renamed, per command: the hint printed when the old name is used
RENAMED: dict[tuple[str, ...], dict[str, str]] = {
    ("train", "glove"): {
        "--alpha": "GloVe's weighting exponent is now --weight-exponent; the learning rate is --lr"
    },
}


def usage_hint(e: Any, args: Sequence[str], root: Any) -> str:
    """The hint line of a usage error: a renamed option's new name, else where help is."""
    option = getattr(e, "option_name", None)
    if option:
        path, _ = invoked_command(root, args)
        renamed = RENAMED.get(tuple(path), {}).get(option)
        if renamed:
            return renamed
    ctx = getattr(e, "ctx", None)
    return f"see: {ctx.command_path if ctx is not None else 'wordspace'} --help"


def invoked_command(root: Any, args: Sequence[str]) -> tuple[list[str], Any]:
    """The sub-command path and the (click) command that ``args`` select (best effort)."""
    path: list[str] = []
    cmd = root
    for a in args:
        if not hasattr(cmd, "commands"):
            break
        if a.startswith("-"):
            continue
        sub = cmd.commands.get(a)
        if sub is None:
            break
        path.append(a)
        cmd = sub
    return path, cmd


def _typed(aliases: Sequence[str], args: Sequence[str]) -> str:
    """The spelling of an option the user typed, else its first name."""
    for a in args:
        for opt in aliases:
            if a == opt or a.startswith(opt + "="):
                return opt
    longs = [o for o in aliases if o.startswith("--")]
    return longs[0] if longs else aliases[0]


def option_names(path: Sequence[str], cmd: Any, args: Sequence[str]) -> dict[str, str]:
    """Python name -> the option as the user would write it, for this command."""
    names: dict[str, str] = {}
    aliases_of: dict[str, list[str]] = {}
    for p in cmd.params:
        if getattr(p, "param_type_name", "") != "option" or getattr(p, "hidden", False):
            continue
        aliases = [o for o in p.opts if o.startswith("-")]
        for o in aliases:
            aliases_of[o] = aliases
        shown = _typed(aliases, args)
        if p.name:
            names[p.name] = shown
        for o in aliases:
            if o.startswith("--"):
                names[o[2:].replace("-", "_")] = shown
    for param, opt in LIBRARY_NAMES.get(tuple(path), {}).items():
        names[param] = _typed(aliases_of.get(opt, [opt]), args)
    if len(path) == 2 and path[0] == "train" and path[1] in TRAIN_OPTIONS:
        for opt, param in TRAIN_OPTIONS[path[1]].items():
            names[param] = _typed(aliases_of.get(opt, [opt]), args)
    return names


_AFTER = r"(?=\s*(?:=|<|>|$|\b(?:must|needs?|and|are|is|or|only|cannot|should)\b))"


def translate(message: str, names: dict[str, str]) -> str:
    """Replace Python parameter names by option names where the message speaks of them."""
    if not names:
        return message
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w\-'\"./=\[])({alternatives}){_AFTER}")
    return pattern.sub(lambda m: names[m.group(1)], message)


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def report(console, message: str, hint: str | None = None, *, prefix: str = "error") -> None:
    """Print ``error: message`` (and a hint line) with no markup interpretation."""
    console.print(
        f"[bold red]{prefix}:[/bold red] {escape(one_line(message))}",
        soft_wrap=True,
        highlight=False,
    )
    if hint:
        console.print(f"[dim]hint:[/dim] {escape(one_line(hint))}", soft_wrap=True, highlight=False)
