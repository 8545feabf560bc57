"""What GloVe trains on: the vocabulary and co-occurrence matrix of a corpus (counted here, or
loaded, or handed to the cluster), and the checks on a checkpoint's position."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from wordspace.errors import CheckpointError, CorpusError, ParameterError
from wordspace.text.tokenizer import Tokenizer
from wordspace.text.vocab import Vocabulary
from wordspace.train._common import phrases_record


def count_for(
    model: Any, corpus, cooccurrence, vocab: Vocabulary | None, progress: Callable[..., None] | None
) -> tuple[Vocabulary, Any]:
    """The vocabulary (``vocab`` when given) and co-occurrence matrix ``model`` trains on."""
    import scipy.sparse as sp

    from wordspace.io.cooccurrence import load_cooccurrence
    from wordspace.text.cooccurrence import cooccurrence_matrix
    from wordspace.text.corpus import as_corpus

    matrix = None
    t0 = time.perf_counter()
    if cooccurrence is not None and not sp.issparse(cooccurrence):
        if not isinstance(cooccurrence, str | os.PathLike):
            raise ParameterError(
                "cooccurrence must be a scipy.sparse matrix or the path of a file written "
                f"by save_cooccurrence, got {type(cooccurrence).__name__}"
            )
        matrix, words, counts, meta = load_cooccurrence(cooccurrence)
        if words is None:
            if corpus is None and vocab is None:
                raise ParameterError(
                    f"{cooccurrence} holds no vocabulary; pass the corpus it was counted on as well"
                )
        else:
            if corpus is not None:
                raise ParameterError(f"{cooccurrence} holds its own vocabulary; leave corpus out")
            if vocab is not None:
                if list(words) != vocab.index_to_key:
                    raise ParameterError(
                        f"{cooccurrence} was counted over another vocabulary than this "
                        "model's; continue on a corpus or a matrix of the same words"
                    )
            else:
                if counts is None:
                    counts = np.zeros(len(words), dtype=np.int64)
                vocab = Vocabulary(
                    words, counts, min_count=int(meta.get("min_count", model.min_count))
                )
    elif cooccurrence is not None:
        matrix = cooccurrence
    corpus_obj = None
    if corpus is not None:
        corpus_obj = as_corpus(
            corpus, lowercase=model.lowercase, max_sentence_length=model.max_sentence_length
        )
        model.tokenizer_ = corpus_obj.tokenizer
        model.phrases_meta_ = phrases_record(corpus_obj)
        if vocab is None:
            vocab = Vocabulary.build(
                corpus_obj, model.min_count, model.max_vocab_size, model.max_final_vocab
            )
    elif not hasattr(model, "tokenizer_"):
        model.tokenizer_ = Tokenizer(lowercase=bool(model.lowercase))
    assert vocab is not None
    if matrix is not None:
        matrix = model._check_matrix(matrix, len(vocab))
        model.vocab_seconds_ = time.perf_counter() - t0
        model.cooccurrence_seconds_ = 0.0
        return vocab, matrix
    assert corpus_obj is not None
    ids, starts = corpus_obj.to_ids(vocab)
    corpus_obj.clear_cache()
    model.vocab_seconds_ = time.perf_counter() - t0
    if len(ids) == 0:
        raise CorpusError(f"{corpus_obj.name} has no words of the vocabulary")
    t1 = time.perf_counter()
    cb = None
    if progress is not None:

        def cb(done: int, total: int, **info: Any) -> None:
            progress(done, total, stage="counting")

    matrix = cooccurrence_matrix(
        ids,
        starts,
        len(vocab),
        window=int(model.window),
        symmetric=bool(model.symmetric),
        distance_weighting=bool(model.distance_weighting),
        memory=float(model.memory),
        progress=cb,
    )
    del ids, starts
    model.cooccurrence_seconds_ = time.perf_counter() - t1
    if matrix.nnz == 0:
        raise CorpusError(
            f"{corpus_obj.name} has no co-occurring words (every sentence has fewer "
            "than two words of the vocabulary); use longer sentences or lower min_count"
        )
    return vocab, matrix


def checked_position(resume_pos: Any, nnz: int, epochs: int, trained: int) -> dict[str, Any]:
    """A GloVe checkpoint's position (``{"path", ...position}``), every field checked
    against this run (:class:`~wordspace.errors.CheckpointError` names the file and field)."""
    from wordspace._schema import Fields
    from wordspace.train._common import CHECKPOINT_FIX

    where = resume_pos.get("path")
    f = Fields(
        resume_pos,
        where=where,
        section="checkpoint.position",
        error=CheckpointError,
        fix=CHECKPOINT_FIX,
    )
    first = f.int("first", lo=0, hi=trained)
    epoch = f.int("epoch", lo=0, hi=epochs - 1)
    threads = f.list("threads")
    workers = len(threads)
    if not 1 <= workers <= max(nnz, 1):
        raise CheckpointError(
            f"{where}: checkpoint.position.threads lists {workers} threads for {nnz:,} "
            f"records; {CHECKPOINT_FIX}"
        )
    bounds = [nnz * t // workers for t in range(workers + 1)]
    out = []
    for t, th in enumerate(threads):
        g = Fields(
            th,
            where=where,
            section=f"checkpoint.position.threads[{t}]",
            error=CheckpointError,
            fix=CHECKPOINT_FIX,
        )
        vals = g.list("out")
        if len(vals) != 2:
            raise CheckpointError(
                f"{where}: checkpoint.position.threads[{t}].out must hold 2 numbers; "
                f"{CHECKPOINT_FIX}"
            )
        for i, v in enumerate(vals):
            Fields(
                {"v": v},
                where=where,
                section=f"checkpoint.position.threads[{t}].out[{i}]",
                error=CheckpointError,
                fix=CHECKPOINT_FIX,
            ).num("v")
        out.append(
            {
                "p": g.int("p", lo=bounds[t], hi=bounds[t + 1]),
                "state": g.int("state", lo=0, hi=2**64 - 1),
                "out": vals,
            }
        )
    return {**dict(resume_pos), "first": first, "epoch": epoch, "threads": out}
