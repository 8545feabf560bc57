"""A Griffe extension for the API reference: Sphinx roles and reST literals become Markdown.

The docstrings are written in numpy style with reST inline markup (``:class:`WordVectors```,
``:meth:`~wordspace.ValueVec.predict_value```, double back-ticks for code), which mkdocstrings
renders as plain text. Before the docstrings are parsed, this extension rewrites

- a role whose target is on the API page (``docs/api.md``), or a public member of something on
  it, into a cross-reference ``[`Name`][wordspace.Name]`` that autorefs turns into a link;
- a role whose target is not documented (a private module, a kernel) into inline code;
- ``double back-ticks`` into single ones (Markdown inline code).

Targets are looked up as Sphinx does: as written, then in the scope of the docstring's object and
its parents, then by a unique suffix (``Corpus.scan`` → ``wordspace.Corpus.scan``). Configured in
``mkdocs.yml`` under the python handler's ``extensions``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from griffe import Alias, Extension, Module, Object

ROLE = re.compile(r":(?:py:)?(?:class|meth|func|attr|mod|data|exc|obj|const):`(?P<body>[^`]+)`")
LITERAL = re.compile(r"(?<!`)``(?!`)(?P<code>[^`]+?)(?<!`)``(?!`)")
ENTRY = re.compile(r"^::: (wordspace(?:\.[\w]+)+)", re.M)


def _target(obj: Object | Alias) -> Object | Alias:
    try:
        return obj.final_target if isinstance(obj, Alias) else obj
    except Exception:  # an alias to something outside the loaded package
        return obj


class SphinxRoles(Extension):
    """Rewrite Sphinx roles and reST literals in every docstring of the ``wordspace`` package."""

    def __init__(self, api_page: str = "docs/api.md") -> None:
        super().__init__()
        self.api_page = api_page
        self.index: dict[str, str] = {}  # canonical or documented path -> documented identifier

    # -- the identifiers the API page renders -------------------------------------------------
    def _build_index(self, pkg: Module) -> None:
        text = Path(self.api_page).read_text(encoding="utf-8")
        for ident in ENTRY.findall(text):
            try:
                obj = pkg[ident.split(".", 1)[1]]
            except (KeyError, ValueError):
                continue
            real = _target(obj)
            self.index[ident] = ident
            self.index.setdefault(real.path, ident)
            if real.is_class or real.is_module:
                for name, member in real.members.items():
                    # mkdocstrings renders only members with a docstring (show_if_no_docstring)
                    if name.startswith("_") or member.is_alias or not member.has_docstring:
                        continue
                    self.index[f"{ident}.{name}"] = f"{ident}.{name}"
                    self.index.setdefault(member.path, f"{ident}.{name}")

    def _resolve(self, target: str, obj: Object) -> str | None:
        if target in self.index:
            return self.index[target]
        scope: Object | None = obj
        while scope is not None:
            hit = self.index.get(f"{scope.path}.{target}")
            if hit:
                return hit
            scope = scope.parent
        hits = {v for k, v in self.index.items() if k.endswith("." + target)}
        return hits.pop() if len(hits) == 1 else None

    def _rewrite(self, text: str, obj: Object) -> str:
        def role(m: re.Match[str]) -> str:
            body = m.group("body").strip()
            if body.endswith(">") and "<" in body:  # :class:`title <target>`
                title, target = body[:-1].split("<", 1)
                title, target = title.strip(), target.strip()
            else:
                target = body
                title = ""
            short = target.startswith("~")
            target = target.lstrip("~.")
            target = target.removesuffix("()")
            if not title:
                title = target.rsplit(".", 1)[-1] if short else target
            ident = self._resolve(target, obj)
            return f"[`{title}`][{ident}]" if ident else f"`{title}`"

        text = ROLE.sub(role, text)
        return LITERAL.sub(lambda m: f"`{m.group('code')}`", text)

    def _walk(self, obj: Object) -> None:
        if obj.docstring is not None:
            obj.docstring.value = self._rewrite(obj.docstring.value, obj)
        for member in obj.members.values():
            if not member.is_alias:
                self._walk(member)  # type: ignore[arg-type]

    def on_package(self, *, pkg: Module, **kwargs: Any) -> None:  # noqa: ARG002 (Griffe API)
        if pkg.name != "wordspace":
            return
        self._build_index(pkg)
        self._walk(pkg)
