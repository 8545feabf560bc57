"""The Typer application and its command groups (commands register themselves on import)."""

from __future__ import annotations

from typing import Annotated

import typer

from wordspace.cli._common import epilog, io

app = typer.Typer(
    name="wordspace",
    help="Word embeddings: train, load, query, compare, evaluate and plot.",
    epilog=epilog("wordspace similar model.wsv king"),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
train_app = typer.Typer(
    help="Train embeddings (word2vec, fasttext, glove, valuevec).",
    epilog=epilog("wordspace train word2vec corpus.txt"),
    no_args_is_help=True,
    rich_markup_mode=None,
)
plot_app = typer.Typer(
    help="Draw figures (map, heatmap, analogy, curve) to PNG/SVG/PDF.",
    epilog=epilog("wordspace plot map model.wsv"),
    no_args_is_help=True,
    rich_markup_mode=None,
)
export_app = typer.Typer(
    help="Export vectors for other tools (projector).",
    epilog=epilog("wordspace export projector model.wsv"),
    no_args_is_help=True,
    rich_markup_mode=None,
)
datasets_app = typer.Typer(
    help="Example data sets (the ValueVec article's colours ...).",
    epilog=epilog("wordspace datasets color-spectrum"),
    no_args_is_help=True,
    rich_markup_mode=None,
)
tune_app = typer.Typer(
    help="Search hyper-parameters on held-out data (Optuna; [tune] extra).",
    epilog=epilog("wordspace tune word2vec corpus.txt --trials 2"),
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(train_app, name="train")
app.add_typer(tune_app, name="tune")
app.add_typer(plot_app, name="plot")
app.add_typer(export_app, name="export")
app.add_typer(datasets_app, name="datasets")
models_app = typer.Typer(
    help="Pretrained models by name (gensim-data's catalogue): list, "
    "info, download, cache, clear, remove.",
    epilog=epilog("wordspace models", "wordspace models download glove-twitter-25"),
    no_args_is_help=False,
    invoke_without_command=True,
    rich_markup_mode=None,
)
app.add_typer(models_app, name="models")


def _version(value: bool) -> None:
    if value:
        from wordspace import __version__

        io.out.print(f"wordspace {__version__}", markup=False)
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug", help="Show the traceback of unexpected errors (also WORDSPACE_DEBUG=1)."
        ),
    ] = False,
) -> None:
    """Word embeddings: train, load, query, compare, evaluate and plot."""
