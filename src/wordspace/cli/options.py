"""One name per concept across the train commands, and the table that ties each option to
the estimator parameter it sets.

An option is named after the library's parameter (``--vector-size``, ``--epochs``,
``--workers``), with the word2vec C tool's and fastText's spellings as aliases
(``--dim/--size``, ``--iter``, ``--threads``). The learning rate is ``--lr`` everywhere and
``alpha`` in every estimator (docs/glossary.md); GloVe's weighting exponent is
``--weight-exponent`` (``weight_exponent``).

:data:`TRAIN_OPTIONS` is checked against ``inspect.signature`` of each estimator by the tests,
and used to turn a parameter's name in an error message into the option the user typed.
"""

from __future__ import annotations

# ------------------------------------------------------------ options shared by trainers
VECTOR_SIZE = ("--vector-size", "--dim", "--size")
EPOCHS = ("--epochs", "--iter")
WORKERS = ("--workers", "--threads")
LR = ("--lr",)


# -------------------------------------------------------------------- the explicit table
#: command -> {primary option: estimator parameter}
TRAIN_OPTIONS: dict[str, dict[str, str]] = {
    "word2vec": {
        "--vector-size": "vector_size",
        "--window": "window",
        "--min-count": "min_count",
        "--sg": "sg",
        "--hs": "hs",
        "--negative": "negative",
        "--ns-exponent": "ns_exponent",
        "--sample": "sample",
        "--lr": "alpha",
        "--min-lr": "min_alpha",
        "--epochs": "epochs",
        "--workers": "workers",
        "--seed": "seed",
        "--max-final-vocab": "max_final_vocab",
        "--lowercase": "lowercase",
        "--loss": "compute_loss",
        "--shared-negatives": "shared_negatives",
        "--checkpoint-every": "checkpoint_every",
        "--checkpoint-path": "checkpoint_path",
    },
    "fasttext": {
        "--vector-size": "vector_size",
        "--window": "window",
        "--min-count": "min_count",
        "--sg": "sg",
        "--hs": "hs",
        "--negative": "negative",
        "--sample": "sample",
        "--lr": "alpha",
        "--min-lr": "min_alpha",
        "--epochs": "epochs",
        "--workers": "workers",
        "--seed": "seed",
        "--minn": "minn",
        "--maxn": "maxn",
        "--bucket": "bucket",
        "--lowercase": "lowercase",
        "--loss": "compute_loss",
        "--checkpoint-every": "checkpoint_every",
        "--checkpoint-path": "checkpoint_path",
    },
    "glove": {
        "--vector-size": "vector_size",
        "--window": "window",
        "--min-count": "min_count",
        "--epochs": "epochs",
        "--x-max": "x_max",
        "--weight-exponent": "weight_exponent",
        "--lr": "alpha",
        "--symmetric": "symmetric",
        "--vectors": "output",
        "--workers": "workers",
        "--memory": "memory",
        "--seed": "seed",
        "--max-final-vocab": "max_final_vocab",
        "--lowercase": "lowercase",
        "--checkpoint-every": "checkpoint_every",
        "--checkpoint-path": "checkpoint_path",
    },
    "valuevec": {
        "--vector-size": "vector_size",
        "--window": "window",
        "--negative": "negative",
        "--epochs": "epochs",
        "--lr": "alpha",
        "--method": "method",
        "--objective": "objective",
        "--cosent-scale": "cosent_scale",
        "--semantic-weight": "semantic_weight",
        "--value-size": "value_size",
        "--text-window": "text_window",
        "--text-negative": "text_negative",
        "--sample": "sample",
        "--text-lr": "text_alpha",
        "--text-epochs": "text_epochs",
        "--predictor": "predictor",
        "--n-neighbors": "n_neighbors",
        "--ridge-alpha": "ridge_alpha",
        "--batch-size": "batch_size",
        "--patience": "patience",
        "--min-distance": "min_distance",
        "--positive-penalty": "positive_penalty",
        "--positive-scale": "positive_scale",
        "--negative-penalty": "negative_penalty",
        "--negative-scale": "negative_scale",
        "--unique-negatives": "unique_negatives",
        "--duplicates": "duplicates",
        "--value-transform": "value_transform",
        "--min-count": "min_count",
        "--prior-weight": "prior_weight",
        "--workers": "workers",
        "--seed": "seed",
        "--checkpoint-every": "checkpoint_every",
        "--checkpoint-path": "checkpoint_path",
    },
}

#: options of the train commands that are about files and output, not the estimator
TRAIN_IO_OPTIONS: dict[str, tuple[str, ...]] = {
    "word2vec": ("--output", "--format", "--json"),
    "fasttext": ("--output", "--format", "--json"),
    "glove": ("--output", "--format", "--json", "--cooccurrence", "--save-cooccurrence"),
    "valuevec": (
        "--output",
        "--format",
        "--json",
        "--word",
        "--value",
        "--text",
        "--where",
        "--pairs-out",
        "--corpus",
        "--article",
    ),
}
# fit() arguments, not estimator parameters: where the work runs (wordspace.distributed)
for _command in ("word2vec", "fasttext"):
    TRAIN_IO_OPTIONS[_command] += ("--scheduler", "--sync-words", "--staleness", "--delta-dtype")
TRAIN_IO_OPTIONS["glove"] += ("--scheduler",)


#: options of every train command about interrupts and checkpoints (not estimator parameters)
LONG_RUN_IO_OPTIONS = ("--resume", "--on-interrupt")
for _command in TRAIN_IO_OPTIONS:
    TRAIN_IO_OPTIONS[_command] += LONG_RUN_IO_OPTIONS

for _command in ("word2vec", "fasttext", "glove"):  # phrase passes before training
    TRAIN_IO_OPTIONS[_command] += ("--phrases",)


def estimator_class(command: str) -> type:
    from wordspace.train.fasttext import FastText
    from wordspace.train.glove import GloVe
    from wordspace.train.valuevec.model import ValueVec
    from wordspace.train.word2vec import Word2Vec

    return {"word2vec": Word2Vec, "fasttext": FastText, "glove": GloVe, "valuevec": ValueVec}[
        command
    ]


def param_to_option(command: str) -> dict[str, str]:
    """Estimator parameter -> primary option, for error messages."""
    return {p: o for o, p in TRAIN_OPTIONS.get(command, {}).items()}
