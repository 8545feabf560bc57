"""gensim 4's ``gensim.utils`` names that word-embedding scripts use: ``simple_preprocess``,
``tokenize``, ``deaccent``, ``to_unicode``/``to_utf8``, ``open`` (compressed files by name),
the vocabulary trim rules ``RULE_DISCARD``/``RULE_KEEP``/``RULE_DEFAULT`` with
``keep_vocab_item``/``prune_vocab``, ``save_as_line_sentence``, ``RepeatCorpus``,
``check_output`` and ``SaveLoad`` (native, never pickle).

Tokenising follows gensim's rules exactly (gensim's ``PAT_ALPHABETIC``: runs of word characters
without digits), which differ from wordspace's own tokenizer (:mod:`wordspace.text.tokenizer`,
which keeps numbers and apostrophes): a ported script gets gensim's tokens.
"""

from __future__ import annotations

import builtins
import bz2
import gzip
import itertools
import logging
import lzma
import re
import subprocess
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from wordspace.errors import ParameterError

__all__ = [
    "RULE_DEFAULT",
    "RULE_DISCARD",
    "RULE_KEEP",
    "PAT_ALPHABETIC",
    "any2unicode",
    "any2utf8",
    "check_output",
    "deaccent",
    "keep_vocab_item",
    "open",
    "prune_vocab",
    "RepeatCorpus",
    "save_as_line_sentence",
    "simple_preprocess",
    "simple_tokenize",
    "to_unicode",
    "to_utf8",
    "tokenize",
]

logger = logging.getLogger(__name__)

#: a trim rule's answers (``trim_rule(word, count, min_count)``), as in gensim
RULE_DEFAULT = 0
RULE_DISCARD = 1
RULE_KEEP = 2

PAT_ALPHABETIC = re.compile(r"(((?![\d])\w)+)", re.UNICODE)


def to_unicode(text: str | bytes, encoding: str = "utf8", errors: str = "strict") -> str:
    """``text`` as ``str`` (bytes are decoded with ``encoding``)."""
    if isinstance(text, str):
        return text
    return str(text, encoding, errors=errors)


def to_utf8(text: str | bytes, errors: str = "strict", encoding: str = "utf8") -> bytes:
    """``text`` as UTF-8 bytes (bytes are re-encoded from ``encoding``)."""
    if isinstance(text, str):
        return text.encode("utf8")
    return str(text, encoding, errors=errors).encode("utf8")


any2unicode = to_unicode
any2utf8 = to_utf8


def deaccent(text: str | bytes) -> str:
    """Remove accents: ``"Šéf chomutovských komunistů"`` -> ``"Sef chomutovskych komunistu"``."""
    text = to_unicode(text, "utf8")
    norm = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in norm if unicodedata.category(c) != "Mn"))


def tokenize(
    text: str | bytes,
    lowercase: bool = False,
    deacc: bool = False,
    encoding: str = "utf8",
    errors: str = "strict",
    to_lower: bool = False,
    lower: bool = False,
) -> Iterator[str]:
    """Iterate over the maximal runs of alphabetic characters (no digits) of ``text``, as
    gensim's ``tokenize``."""
    lowercase = lowercase or to_lower or lower
    text = to_unicode(text, encoding, errors=errors)
    if lowercase:
        text = text.lower()
    if deacc:
        text = deaccent(text)
    for match in PAT_ALPHABETIC.finditer(text):
        yield match.group()


def simple_tokenize(text: str) -> Iterator[str]:
    for match in PAT_ALPHABETIC.finditer(text):
        yield match.group()


def simple_preprocess(
    doc: str | bytes, deacc: bool = False, min_len: int = 2, max_len: int = 15
) -> list[str]:
    """gensim's ``simple_preprocess``: lowercase tokens of ``min_len`` to ``max_len``
    characters that do not start with ``_`` (``deacc``: strip accents)."""
    return [
        token
        for token in tokenize(doc, lower=True, deacc=deacc, errors="ignore")
        if min_len <= len(token) <= max_len and not token.startswith("_")
    ]


_OPENERS: dict[str, Callable[..., Any]] = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}


def open(
    uri: Any,
    mode: str = "r",
    buffering: int = -1,
    encoding: str | None = None,
    errors: str | None = None,
    newline: str | None = None,
    **kwargs: Any,
) -> Any:
    """Open a local path, (de)compressing by its suffix (``.gz``, ``.bz2``, ``.xz``), as
    gensim's ``utils.open`` (smart_open) does for local files. Remote URIs are not supported."""
    if kwargs.get("transport_params"):
        raise ParameterError(
            "transport_params (remote files) are not supported; download the file first"
        )
    if hasattr(uri, "read") or hasattr(uri, "write"):
        return uri  # an open file object, as smart_open accepts
    name = str(uri)
    if "://" in name and not name.startswith("file://"):
        raise ParameterError(f"{name}: remote URIs are not supported here; download the file first")
    name = name[len("file://") :] if name.startswith("file://") else name
    opener = next((o for s, o in _OPENERS.items() if name.endswith(s)), None)
    if "b" in mode:  # encoding, errors and newline are for text modes (smart_open ignores them)
        if opener is None:
            return builtins.open(name, mode, buffering)
        return opener(name, mode)
    if opener is None:
        return builtins.open(
            name, mode, buffering, encoding=encoding, errors=errors, newline=newline
        )
    mode = mode if "t" in mode else mode + "t"
    return opener(name, mode, encoding=encoding, errors=errors, newline=newline)


def keep_vocab_item(
    word: str, count: int, min_count: int, trim_rule: Callable | None = None
) -> bool:
    """Whether ``word`` seen ``count`` times stays: ``trim_rule`` decides, else ``count >= min_count``."""
    default = count >= min_count
    if trim_rule is None:
        return default
    rule = trim_rule(word, count, min_count)
    if rule == RULE_KEEP:
        return True
    if rule == RULE_DISCARD:
        return False
    return default


def prune_vocab(vocab: dict, min_reduce: int, trim_rule: Callable | None = None) -> int:
    """Remove (in place) the entries of ``vocab`` counted fewer than ``min_reduce`` times;
    return the sum of the removed counts."""
    removed = 0
    for word in list(vocab):
        if not keep_vocab_item(word, vocab[word], min_reduce, trim_rule):
            removed += vocab.pop(word)
    logger.info(
        "pruned out %i tokens with count <%i (before %i, after %i)",
        removed,
        min_reduce,
        len(vocab),
        len(vocab),
    )
    return removed


def save_as_line_sentence(corpus: Iterable[Iterable[str]], filename: Any) -> None:
    """Write ``corpus`` (an iterable of token lists) as one space-separated sentence per line,
    UTF-8 (compressed by the file name's suffix)."""
    with open(filename, mode="wb", encoding="utf8") as fout:
        for sentence in corpus:
            fout.write((" ".join(sentence) + "\n").encode("utf8"))


class RepeatCorpus:
    """The documents of ``corpus`` cycled until ``reps`` documents were given."""

    def __init__(self, corpus: Iterable, reps: int) -> None:
        self.corpus = corpus
        self.reps = reps

    def __iter__(self) -> Iterator:
        return itertools.islice(itertools.cycle(self.corpus), self.reps)


def check_output(stdout: Any = subprocess.PIPE, *popenargs: Any, **kwargs: Any) -> bytes:
    """Run a command and return its output; a non-zero exit raises
    :class:`subprocess.CalledProcessError` (gensim's signature: ``check_output(args=[...])``)."""
    process: subprocess.Popen[Any] = subprocess.Popen(*popenargs, stdout=stdout, **kwargs)  # type: ignore[call-overload]  # gensim passes args= among kwargs
    output, _ = process.communicate()
    retcode = process.poll()
    if retcode:
        cmd: Any = kwargs.get("args", popenargs[0] if popenargs else "")
        raise subprocess.CalledProcessError(retcode, cmd, output=output)
    return bytes(output) if output is not None else b""


def is_corpus(obj: Any) -> tuple[bool, Any]:
    """``(True, obj)`` when ``obj`` is an iterable of documents (not a single document)."""
    try:
        it = iter(obj)
        first = next(it)
    except StopIteration:
        return True, obj
    except TypeError:
        return False, obj
    if isinstance(first, str):
        return False, obj
    return True, (itertools.chain([first], it) if it is obj else obj)
