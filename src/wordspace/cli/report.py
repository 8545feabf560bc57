"""``wordspace report``: one self-contained HTML report of a model (and a PDF of it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from wordspace._files import read_bounded
from wordspace.cli._app import app
from wordspace.cli._common import (
    JsonOpt,
    check_output,
    default_output,
    emit_json,
    epilog,
    io,
    load,
    need_file,
    progress_bar,
)
from wordspace.cli.plot import _word_list
from wordspace.cli.query import ModelArg, RestrictOpt
from wordspace.errors import ParameterError

#: where the PDF export looks for a headless Chromium
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """The path of a Chromium (or Chrome) binary, or None."""
    for name in CHROMIUM_NAMES:
        p = shutil.which(name)
        if p:
            return p
    return None


def read_text_pairs(path: str) -> list[tuple[str, str]]:
    """``--texts``: one pair per line, the two texts separated by a tab; ``#`` lines and
    blank lines are skipped."""
    need_file(path, "--texts")
    try:
        with open(path, "rb") as f:
            text = read_bounded(f, path, error=ParameterError).decode("utf-8")
    except UnicodeDecodeError as e:
        raise ParameterError(f"--texts {path!r}: not UTF-8 text (byte {e.start})") from None
    pairs = []
    for i, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise ParameterError(
                f"--texts {path!r} line {i}: expected two texts separated by one tab, got "
                f"{len(parts)} field(s)"
            )
        pairs.append((parts[0].strip(), parts[1].strip()))
    if not pairs:
        raise ParameterError(f"--texts {path!r} holds no text pairs (text<TAB>text per line)")
    return pairs


def html_to_pdf(chromium: str, html_path: str, pdf_path: str, *, timeout: float = 120) -> None:
    """Print an HTML file to PDF with headless Chromium (written to a temporary name first)."""
    from wordspace._files import atomic_path

    with atomic_path(pdf_path) as tmp, tempfile.TemporaryDirectory() as profile:
        cmd = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-sync",
            "--disable-component-update",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={tmp}",
            Path(html_path).resolve().as_uri(),
        ]
        try:
            res = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise ParameterError(
                f"Chromium did not print the PDF within {timeout:.0f}s; the HTML report is written"
            ) from None
        if res.returncode != 0 or not os.path.exists(tmp) or os.path.getsize(tmp) == 0:
            tail = res.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            raise ParameterError(
                f"Chromium could not print the PDF ({tail[0][:200]}); the HTML report is written"
            )


def _command_line(path: str, **opts) -> str:
    """The ``wordspace report`` command line that makes this report (for its provenance)."""
    import shlex

    parts = ["wordspace", "report", path]
    for k, v in opts.items():
        flag = "--" + k.replace("_", "-")
        if isinstance(v, bool):
            if v:
                parts.append(flag)
        elif v is not None:
            parts += [flag, str(v)]
    return shlex.join(parts)


@app.command(
    "report",
    epilog=epilog(
        "wordspace report model.wsv -o report.html --words king,queen,kingg --analogies",
        "wordspace report model.wsv --pairs pairs.tsv",
        "wordspace report model.wsv --words king,queen --notebook",
    ),
)
def report_cmd(
    path: ModelArg,
    output: Annotated[
        str | None,
        typer.Option(
            "-o", "--output", help="The HTML file (default: next to the input, <name>.report.html)."
        ),
    ] = None,
    words: Annotated[
        str | None,
        typer.Option(
            help="Words to check and draw: a file (one per line or space separated), or a,b,c."
        ),
    ] = None,
    texts: Annotated[
        str | None,
        typer.Option(help="Text pairs to compare: a file with text<TAB>text on each line."),
    ] = None,
    analogies: Annotated[
        bool,
        typer.Option(
            "--analogies/--no-analogies",
            help="Run the Google analogy benchmark (bundled questions-words.txt).",
        ),
    ] = False,
    pairs: Annotated[
        str | None,
        typer.Option(help="A word-pairs file (word1<TAB>word2<TAB>score) besides WordSim353."),
    ] = None,
    title: Annotated[
        str | None, typer.Option(help="Report title (default: the model's name).")
    ] = None,
    topn: Annotated[int, typer.Option("-n", "--topn", help="Neighbours per word.")] = 8,
    restrict_vocab: RestrictOpt = 30000,
    seed: Annotated[int, typer.Option(help="Seed for t-SNE.")] = 0,
    pdf: Annotated[
        bool, typer.Option("--pdf/--no-pdf", help="Also print a PDF with headless Chromium.")
    ] = False,
    notebook: Annotated[
        bool,
        typer.Option(
            "--notebook/--no-notebook",
            help="Also write <output>.ipynb, whose cells recompute every section.",
        ),
    ] = False,
    weat_permutations: Annotated[
        int,
        typer.Option(help="Random partitions per WEAT p-value where exact enumeration is too big."),
    ] = 10_000,
    as_json: JsonOpt = False,
) -> None:
    """One self-contained HTML report: summary, coverage, neighbours, analogies, similarity,
    maps, text pairs, values and training (sections that do not apply say why)."""
    from wordspace.viz.report import report

    if output is None:
        output = default_output(path, ".report.html", Path(path).name + ".report.html")
    if not output.lower().endswith((".html", ".htm")):
        raise ParameterError(f"-o/--output must be an .html file, got {output!r}")
    inputs = {"MODEL": path, "--words": words, "--texts": texts, "--pairs": pairs}
    check_output(output, layout="file", inputs=inputs)
    if topn < 1:
        raise ParameterError(f"--topn must be at least 1, got {topn}")
    if restrict_vocab is not None and restrict_vocab < 1:
        raise ParameterError(f"--restrict-vocab must be at least 1, got {restrict_vocab}")
    need_file(pairs, "--pairs")
    word_list = _word_list(words)
    text_pairs = read_text_pairs(texts) if texts is not None else None
    chromium = None
    pdf_path = str(Path(output).with_suffix(".pdf")) if pdf else None
    if pdf_path is not None:
        chromium = find_chromium()
        if chromium is None:
            raise ParameterError(
                "--pdf needs Chromium or Chrome (e.g. apt-get install "
                "chromium); the HTML report itself needs nothing: drop --pdf"
            )
        check_output(pdf_path, layout="file", inputs=inputs, option="the PDF")
    nb_path = str(Path(output).with_suffix(".ipynb")) if notebook else None
    if nb_path is not None:
        check_output(nb_path, layout="file", inputs=inputs, option="the notebook")
    if weat_permutations < 1:
        raise ParameterError(f"--weat-permutations must be at least 1, got {weat_permutations}")
    command = _command_line(
        path,
        output=output,
        words=words,
        texts=texts,
        analogies=analogies,
        pairs=pairs,
        title=title,
        topn=topn,
        restrict_vocab=restrict_vocab,
        seed=seed,
        weat_permutations=weat_permutations,
        notebook=notebook,
    )
    wv = load(path)
    with progress_bar("report", total=12, enabled=not as_json) as update:
        rep = report(
            wv,
            words=word_list,
            texts=text_pairs,
            analogies=analogies,
            pairs=pairs,
            name=title or (Path(path).name if Path(path).exists() else path),
            topn=topn,
            restrict_vocab=restrict_vocab,
            seed=seed,
            progress=lambda done, total, stage: update(done, total, section=stage),
            weat_permutations=weat_permutations,
            command=command,
        )
    rep.save(output)
    if nb_path is not None:
        from wordspace.viz.report import write_notebook

        source = str(Path(path).resolve()) if Path(path).exists() else path
        write_notebook(
            nb_path,
            model=source,
            params={**rep.params, "command": command},
            title=rep.title,
        )
    if pdf_path is not None and chromium is not None:
        html_to_pdf(chromium, output, pdf_path)
    if as_json:
        emit_json(
            {
                "output": output,
                "pdf": pdf_path,
                "notebook": nb_path,
                "sections": [s.id for s in rep.sections if s.skipped is None],
                "skipped": rep.skipped,
            }
        )
        return
    io.out.print(
        f"wrote {output} ({os.path.getsize(output):,} bytes)"
        + (f" and {pdf_path}" if pdf_path else "")
        + (f" and {nb_path}" if nb_path else ""),
        markup=False,
    )
    for sid, why in rep.skipped.items():
        io.out.print(f"  skipped {sid}: {why}", markup=False)
