"""Streaming sentences from text files or iterables, and turning them into id arrays.

A :class:`Corpus` is re-iterable: every ``iter(corpus)`` yields sentences (lists of ``str``
tokens) from the start. Sources:

* a path: one sentence (or document) per line; ``.gz``/``.bz2``/``.xz`` are decompressed
  transparently (detected by magic bytes; a file named ``.gz``/``.bz2``/``.xz`` must hold
  that compression). A truncated or corrupt compressed file is a :class:`CorpusError` naming
  the path, wherever the reading stops. Lines are tokenised by the shared
  :class:`wordspace.text.Tokenizer` (split on whitespace unless ``lowercase``/``normalize``).
  Very long lines (text8-style corpora are one 100 MB line) are read in blocks and cut into
  sentences of at most ``max_sentence_length`` tokens, as the C tool and gensim do, without
  ever holding the whole line in memory as a list. One token (a run of bytes without
  whitespace) is held whole, so one longer than the line bound (``WORDSPACE_MAX_LINE``,
  :data:`wordspace._files.MAX_LINE_BYTES`) is a :class:`CorpusError`.
* any re-iterable of token lists (a list of lists, or an object whose ``__iter__`` restarts).
  One-shot generators are refused, since training reads the corpus more than once.

Fast path for trainers: :meth:`Corpus.scan` reads the corpus once into one ``int32`` array of
*raw* ids (one per distinct token, in order of first occurrence) plus the counts of each token,
without a Python loop per token; :meth:`Corpus.to_ids` maps that onto a :class:`Vocabulary`
(``wordspace.text.vocab``), dropping out-of-vocabulary tokens, and returns ``(ids, sentence_starts)``.

Parallel scan: an uncompressed file of at least ``PARALLEL_MIN_BYTES`` is cut into ``workers``
byte ranges, each ending just after a whitespace byte (so no token is cut), which threads
tokenise at once in compiled code with the GIL released; the ranges' types are then merged in
order into the first range's table, which gives exactly the one-thread result: the same types
in the same order of first occurrence, the same counts, raw ids and sentence cuts.

Out of core (``out_of_core=True``, or automatically for files of ``OUT_OF_CORE_BYTES`` or more):
the raw ids and then the vocabulary ids are appended, in chunks as they are made, to ``int32``
files in ``tmp_dir`` (``$WORDSPACE_TMP``, else the system's temporary folder), which are
memory-mapped: :meth:`Corpus.to_ids` then returns a memory-mapped ``ids`` array (private
copy-on-write mapping: writable, never written back), used for every epoch and by GloVe's
counting. Each file is unlinked the moment it is created, so it takes disk space only while its
array lives and nothing is left behind, even by a killed process. Trainers give the pages they
have passed back with :func:`release_pages`, so the resident memory does not grow with the
corpus; what still does is ``sentence_starts`` (8 bytes a sentence).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from wordspace._files import compression_of, line_too_long, max_line_bytes
from wordspace.errors import CorpusError, ParameterError
from wordspace.text import _ids
from wordspace.text._ids import (  # noqa: F401  (CorpusScan, TokenIndex, release_pages: used from here)
    CorpusScan,
    TokenIndex,
    _IdFile,
    _mapped,
    _spill,
    _to_ids_on_disk,
    release_pages,
)
from wordspace.text._open import URLFile, compression, is_url, open_source, url_file, url_files
from wordspace.text.tokenizer import Tokenizer

if TYPE_CHECKING:  # pragma: no cover
    from wordspace.text.vocab import Vocabulary

__all__ = ["Corpus", "CorpusScan", "as_corpus", "embedded_corpus", "release_pages"]

logger = logging.getLogger(__name__)

BLOCK_SIZE = 4 << 20  # bytes read at a time from a file
PARALLEL_MIN_BYTES = 16 << 20  # smaller files are scanned by one thread
OUT_OF_CORE_BYTES = 256 << 20  # out_of_core=None: files at least this large go to disk
_WS_BYTES = (b" ", b"\n", b"\t", b"\r", b"\x0b", b"\x0c")
_ERRORS = ("strict", "replace", "ignore")


class Corpus:
    """Sentences of tokens from a file or a re-iterable of token lists.

    Parameters
    ----------
    source:
        A path (``str``/``PathLike``) or a re-iterable of token lists (or of strings, which
        are split on whitespace).
    lowercase:
        Lowercase every token.
    max_sentence_length:
        Longer sentences (lines) are cut into pieces of at most this many tokens.
    normalize:
        Apply :func:`wordspace.text.normalize_text` to every line (lowercase, strip accents,
        letters only), as ``tokenize(normalize=True)`` does. Much slower than plain splitting.
        ``lowercase`` and ``normalize`` make the corpus's :attr:`tokenizer`.
    errors:
        What to do with bytes that are not UTF-8: ``"strict"`` raises :class:`CorpusError`
        naming the byte offset; ``"replace"`` substitutes U+FFFD; ``"ignore"`` drops them.
    phrases:
        Fitted :class:`~wordspace.Phrases` (or paths of files they exported), applied in order
        to every sentence as it is read: ``[bigrams, trigrams]`` joins ``new york`` and then
        ``new_york city``. Every trainer reads the joined stream; nothing is written to disk.
    workers:
        Threads for :meth:`scan` of an uncompressed file (``None``: the number of CPUs, at
        most 8); the result does not depend on it.
    out_of_core:
        Keep the corpus's id arrays in memory-mapped files in ``tmp_dir`` instead of memory,
        so that memory use does not grow with the corpus. ``None``: for files of 256 MB or
        more (``OUT_OF_CORE_BYTES``). Iterables are encoded in chunks as they arrive.
    tmp_dir:
        Folder for those files (``None``: ``$WORDSPACE_TMP``, else the system's temporary
        folder). They are deleted when their arrays are, and at the latest when the process
        ends.
    """

    def __init__(
        self,
        source: str | os.PathLike | Iterable,
        lowercase: bool = False,
        max_sentence_length: int = 10000,
        errors: str = "strict",
        normalize: bool = False,
        phrases: Any = None,
        workers: int | None = None,
        out_of_core: bool | None = None,
        tmp_dir: str | os.PathLike | None = None,
    ):
        if errors not in _ERRORS:
            raise ParameterError(f"errors must be one of {', '.join(_ERRORS)}; got {errors!r}")
        if not isinstance(max_sentence_length, int | np.integer) or max_sentence_length < 1:
            raise ParameterError(
                f"max_sentence_length must be a positive integer, got {max_sentence_length!r}"
            )
        if workers is not None and (
            isinstance(workers, bool) or not isinstance(workers, int | np.integer) or workers < 1
        ):
            raise ParameterError(f"workers must be a positive integer or None, got {workers!r}")
        if out_of_core is not None and not isinstance(out_of_core, bool):
            raise ParameterError(f"out_of_core must be True, False or None, got {out_of_core!r}")
        if tmp_dir is not None and not Path(tmp_dir).is_dir():
            raise ParameterError(
                f"tmp_dir {str(tmp_dir)!r} is not a folder; create it or pass another one"
            )
        if isinstance(source, Corpus):
            if phrases is None:
                phrases = source.phrases
            source = cast(Any, source.source)
        if isinstance(source, URLFile):  # another corpus's (listed already)
            self.source: Path | URLFile | Iterable = source
        elif is_url(source):  # s3://, http://, ...: read through fsspec (text/_open.py)
            self.source = url_file(cast(str, source))
        elif isinstance(source, str | os.PathLike):
            p = Path(source)
            if not p.exists():
                raise FileNotFoundError(f"{p}: no such file")
            if p.is_dir():
                raise CorpusError(f"{p} is a directory; give a text file (one sentence per line)")
            self.source = p
        elif isinstance(source, bytes):
            raise ParameterError("give a path as str, not bytes")
        else:
            try:
                it = iter(source)
            except TypeError:
                raise ParameterError(
                    f"a corpus must be a path or an iterable of token lists, "
                    f"got {type(source).__name__}"
                ) from None
            if it is source:
                raise CorpusError(
                    "the corpus is a one-shot iterator (e.g. a generator); training reads it "
                    "more than once: pass a list, or an object whose __iter__ restarts"
                )
            self.source = source
        self.lowercase = bool(lowercase)
        self.normalize = bool(normalize)
        self.tokenizer = Tokenizer(lowercase=self.lowercase, normalize=self.normalize)
        self.max_sentence_length = int(max_sentence_length)
        self.errors = errors
        self.phrases: list = as_phrase_list(phrases)
        self.workers = None if workers is None else int(workers)
        self.out_of_core = out_of_core
        self.tmp_dir = tmp_dir
        self._scan: CorpusScan | None = None

    def _on_disk(self) -> bool:
        """Whether the id arrays go to memory-mapped files (see ``out_of_core``)."""
        if self.out_of_core is not None:
            return self.out_of_core
        files = self.files
        return files is not None and sum(f.stat().st_size for f in files) >= OUT_OF_CORE_BYTES

    def _id_file(self) -> _IdFile | None:
        return _IdFile(self.tmp_dir) if self._on_disk() else None

    # ------------------------------------------------------------------ descriptions
    @property
    def is_file(self) -> bool:
        return isinstance(self.source, Path | URLFile)

    @property
    def name(self) -> str:
        if isinstance(self.source, _Files):
            return str(self.source)
        return str(self.source) if self.is_file else f"<{type(self.source).__name__}>"

    def __repr__(self) -> str:
        ph = f", phrases={len(self.phrases)} passes" if self.phrases else ""
        return f"Corpus({self.name}, lowercase={self.lowercase}, normalize={self.normalize}{ph})"

    # ------------------------------------------------------------------ many files
    @classmethod
    def from_files(cls, files: str | os.PathLike | Iterable[str | os.PathLike], **kwargs) -> Corpus:
        """A corpus of many files read one after the other (each file ends a sentence).

        ``files``: a glob pattern (``"shards/*.txt.gz"``, sorted by name; ``**`` recurses), a
        folder (all its files, sorted), or a list of paths (kept in the given order); any of
        them may be an fsspec URL (``"s3://bucket/shard-*.txt.gz"``, ``https://``, ...: see
        :mod:`wordspace.text._open`; the ``dask`` extra brings fsspec). The
        keyword arguments are :class:`Corpus`'s. The files are what the distributed code
        (``client=`` of ``Vocabulary.build`` and the trainers) hands out to the workers, one
        partition per file; on one machine the corpus reads exactly like their concatenation.
        """
        return cls(_Files(files), **kwargs)

    @property
    def files(self) -> list[Path | URLFile] | None:
        """The files this corpus reads, in order (``None`` for an in-memory corpus)."""
        if self.is_file:
            return [cast(Path | URLFile, self.source)]  # is_file: the source is one path
        if isinstance(self.source, _Files):
            return list(self.source)
        return None

    # ------------------------------------------------------------------ streaming
    def _pieces(self) -> Iterator[tuple[list[str], bool]]:
        """Yield ``(tokens, ends_sentence)``: parts of lines, flagged where a line ends."""
        if self.is_file:
            yield from self._file_pieces()
            return
        if isinstance(self.source, _Files):  # Corpus.from_files: each file in turn
            for path in self.source:
                yield from self._file_pieces(path)
            return
        tok = self.tokenizer
        low = self.lowercase
        norm = self.normalize
        assert not isinstance(self.source, Path | URLFile)
        for i, sent in enumerate(self.source):
            if isinstance(sent, str):
                toks = tok(sent)
            elif isinstance(sent, bytes):
                raise CorpusError(f"sentence #{i} is bytes; decode it or pass a file path")
            else:
                try:
                    toks = list(sent)
                except TypeError:
                    raise CorpusError(
                        f"sentence #{i} is {type(sent).__name__}; sentences must be lists of "
                        "str tokens"
                    ) from None
                if toks and not all(isinstance(t, str) for t in toks):
                    bad = next(t for t in toks if not isinstance(t, str))
                    raise CorpusError(
                        f"sentence #{i} holds a {type(bad).__name__} token ({bad!r}); "
                        "tokens must be str"
                    )
                if norm:
                    toks = tok(" ".join(toks))
                elif low:
                    toks = [t.lower() for t in toks]
            yield toks, True

    def _blocks(self, path: Path | URLFile | None = None) -> Iterator[bytes]:
        """The (decompressed) bytes of the file in blocks of ``BLOCK_SIZE``, then ``b""``.

        A decompressor's error (truncated or corrupt data) becomes a :class:`CorpusError`
        naming the path, whenever it happens: at the first block or in the middle of a pass.
        """
        if path is None:
            assert isinstance(self.source, Path | URLFile)
            path = self.source
        with open_source(path, error=CorpusError) as fh:
            while True:
                block = fh.read(BLOCK_SIZE)
                yield block
                if not block:
                    return

    def _file_pieces(self, path: Path | URLFile | None = None) -> Iterator[tuple[list[str], bool]]:
        if path is None:
            assert isinstance(self.source, Path | URLFile)
            path = self.source
        lines_of = self.tokenizer.lines
        offset = 0  # byte offset (in the decompressed stream) of the start of `carry`
        carry = b""
        for block in self._blocks(path):
            _check_token(path, carry, block, offset)
            eof = not block
            data = carry + block
            if not data:
                break
            if eof:
                cut = len(data)
            else:
                cut = max(data.rfind(w) for w in _WS_BYTES) + 1
                if cut <= 0:  # no whitespace yet: one enormous token; read on
                    carry = data
                    continue
            chunk, carry = data[:cut], data[cut:]
            try:
                text = chunk.decode("utf-8", errors=self.errors)
            except UnicodeDecodeError as e:
                where = offset + e.start
                comp = "" if compression(path) is None else " of the decompressed text"
                raise CorpusError(
                    f"{path} is not valid UTF-8: byte 0x{chunk[e.start]:02x} at byte offset "
                    f"{where:,}{comp}; re-encode the file as UTF-8, or pass "
                    "errors='replace' (or 'ignore')"
                ) from None
            offset += cut
            lines = lines_of(text)
            prev = next(lines)  # a block has at least one line
            for toks in lines:
                yield prev, True
                prev = toks
            yield prev, eof  # the last line may go on in the next block
            if eof:
                break

    def __iter__(self) -> Iterator[list[str]]:
        if not self.phrases:
            yield from self._sentences()
            return
        phrases = self.phrases
        for sent in self._sentences():
            for ph in phrases:
                sent = ph.transform(sent)
            yield sent

    def _sentences(self) -> Iterator[list[str]]:
        cap = self.max_sentence_length
        pending: list[str] = []
        for toks, ends in self._pieces():
            if pending:
                pending.extend(toks)
                toks = pending
                pending = []
            n = len(toks)
            start = 0
            while n - start > cap or (not ends and n - start == cap):
                yield toks[start : start + cap]
                start += cap
            rest = toks[start:] if start else toks
            if ends:
                if rest:
                    yield rest
            else:
                pending = list(rest) if start else rest
        if pending:
            yield pending

    # ------------------------------------------------------------------ fast path
    def scan(self, cache: bool = True) -> CorpusScan:
        """Read the corpus once: raw ids of every token, counts, sentence offsets.

        An ASCII file is tokenised in compiled code (:mod:`wordspace.kernels.tokenize`, the
        same result several times faster); otherwise mapping tokens to ids and counting runs
        in C (``dict`` lookups through ``map`` and ``np.bincount``); Python only runs per
        line/block and per *new* token. The result is
        cached on the corpus (``cache=False`` to not keep it). The corpus's ``phrases`` are
        applied to the id array (compiled), in order; joined tokens are new types.
        """
        if self._scan is not None:
            return self._scan
        result = self._scan_ascii() if self.is_file and not self.normalize else None
        if result is None:
            result = self._scan_tokens()
        for ph in self.phrases:
            result = ph._transform_scan(result, inplace=True)
        if cache:
            self._scan = result
        return result

    def _scan_ascii(self) -> CorpusScan | None:
        """:meth:`scan` of an ASCII file in compiled code (:mod:`wordspace.kernels.tokenize`);
        the same result as the Python path, several times faster. None at the first byte
        >= 0x80 (the Python path then reads the file: it knows UTF-8 and Unicode spaces).

        An uncompressed file of ``PARALLEL_MIN_BYTES`` or more is cut into byte ranges
        tokenised by ``workers`` threads at once; merging them gives the one-thread result."""
        from wordspace.kernels.tokenize import line_sentences, merge_types, remap_ids

        ranges = self._byte_ranges()
        disk = self._on_disk()
        if ranges is None:
            parts = [self._ascii_part(self._blocks(), disk)]
        else:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(len(ranges)) as ex:
                parts = list(
                    ex.map(lambda r: self._ascii_part(self._range_blocks(*r), disk, r[0]), ranges)
                )
        if any(p is None for p in parts):
            logger.debug("%s is not ASCII: reading it with the Unicode tokenizer", self.name)
            return None
        first = parts[0]
        assert first is not None
        tab, store, offs, counts, n_types = (
            first["tab"],
            first["store"],
            first["offs"],
            first["counts"],
            first["n_types"],
        )
        remaps = [None]
        for p in parts[1:]:
            assert p is not None
            remap, tab, store, offs, counts, n_types = merge_types(
                tab, store, offs, counts, n_types, p["store"], p["offs"], p["counts"], p["n_types"]
            )
            remaps.append(remap)
        sizes = [p["n_ids"] for p in parts]  # type: ignore[index]  # None was ruled out
        n_ids = int(sum(sizes))
        ends_all = []
        base = 0
        for p, size in zip(parts, sizes, strict=True):
            ends_all.append(p["ends"] + base)  # type: ignore[index]  # None was ruled out
            base += size
        ends = np.concatenate(ends_all)
        if not disk:
            raw = np.empty(n_ids, dtype=np.int32)
            base = 0
            for p, size, remap in zip(parts, sizes, remaps, strict=True):
                ids = p["ids"]  # type: ignore[index]  # None was ruled out
                if remap is None:
                    raw[base : base + size] = ids
                else:
                    remap_ids(raw[base : base + size], ids, remap)
                p["ids"] = None  # type: ignore[index]  # (frees it)
                base += size
        else:
            out: _IdFile = first["file"]
            for p, remap in zip(parts[1:], remaps[1:], strict=True):
                f: _IdFile = p["file"]  # type: ignore[index]  # None was ruled out
                for chunk in f.chunks():
                    remap_ids(chunk, chunk, remap)
                    out.append(chunk)
                f.close()
            raw = out.array()
        del parts
        o = offs[: n_types + 1].tolist()
        text = store[: o[-1]].tobytes().decode("ascii")
        types = [text[o[i] : o[i + 1]] for i in range(n_types)]
        starts = line_sentences(ends, n_ids, self.max_sentence_length)
        counts = counts[:n_types].copy()
        logger.info(
            "scanned %s: %d tokens, %d types, %d sentences (%d threads%s)",
            self.name,
            n_ids,
            n_types,
            len(starts) - 1,
            1 if ranges is None else len(ranges),
            ", ids on disk" if disk else "",
        )
        return CorpusScan(types, counts, raw, starts)

    def _byte_ranges(self) -> list[tuple[int, int]] | None:
        """``workers`` byte ranges of the file, each ending just after a whitespace byte (or at
        the end); None for one thread (a small or compressed file, ``workers=1``)."""
        from wordspace.kernels.tokenize import WS_BYTES

        workers = self.workers if self.workers is not None else min(os.cpu_count() or 1, 8)
        path = self.source
        if workers < 2 or not isinstance(path, Path) or compression_of(path) is not None:
            return None
        size = path.stat().st_size
        if size < PARALLEL_MIN_BYTES:
            return None
        cuts = [0]
        with open(path, "rb") as fh:
            for k in range(1, workers):
                pos = max(size * k // workers, cuts[-1])
                fh.seek(pos)
                while True:
                    chunk = fh.read(1 << 16)
                    if not chunk:
                        pos = size
                        break
                    hit = np.flatnonzero(WS_BYTES[np.frombuffer(chunk, dtype=np.uint8)])
                    if hit.size:
                        pos += int(hit[0]) + 1
                        break
                    pos += len(chunk)
                cuts.append(pos)
        cuts.append(size)
        ranges = [(a, b) for a, b in zip(cuts[:-1], cuts[1:], strict=True) if b > a]
        return ranges if len(ranges) > 1 else None

    def _range_blocks(self, start: int, stop: int) -> Iterator[bytes]:
        """Bytes ``start:stop`` of the (uncompressed) file in blocks, then ``b""``."""
        assert isinstance(self.source, Path)
        with open(self.source, "rb") as fh:
            fh.seek(start)
            pos = start
            while pos < stop:
                block = fh.read(min(BLOCK_SIZE, stop - pos))
                if not block:
                    break
                pos += len(block)
                yield block
        yield b""

    def _ascii_part(
        self, blocks: Iterator[bytes], disk: bool, start: int = 0
    ) -> dict[str, Any] | None:
        """Tokenise a stream of blocks (the file, or one byte range of it): its own types,
        counts, raw ids (in memory, or appended to an id file when ``disk``) and line ends."""
        from wordspace.kernels.tokenize import WS_BYTES, tokenize_ascii

        tab = np.full(2 * 1024, -1, dtype=np.int64)
        store = np.empty(1 << 16, dtype=np.uint8)
        offs = np.zeros(1024, dtype=np.int64)
        counts = np.zeros(1024, dtype=np.int64)
        ids = np.empty(1 << 20, dtype=np.int32)
        ends = np.empty(1 << 12, dtype=np.int64)
        n_types = n_ids = n_ends = 0
        spill = _IdFile(self.tmp_dir) if disk else None
        written = 0  # ids already appended to `spill`
        shifted = 0  # line ends already made absolute
        carry = b""
        seen = 0  # bytes consumed: where `carry` starts
        try:
            for block in blocks:
                _check_token(self.name, carry, block, start + seen)
                eof = not block
                data = carry + block
                if not data:
                    break
                buf = np.frombuffer(data, dtype=np.uint8)
                (status, used, tab, store, offs, counts, n_types, ids, n_ids, ends, n_ends) = (
                    tokenize_ascii(
                        buf,
                        eof,
                        self.lowercase,
                        WS_BYTES,
                        tab,
                        store,
                        offs,
                        counts,
                        n_types,
                        ids,
                        n_ids,
                        ends,
                        n_ends,
                    )
                )
                if status:
                    if spill is not None:
                        spill.close()
                    return None
                carry = data[used:]
                seen += used
                if spill is not None:  # every block: the buffer stays one block's size
                    spill.append(ids[:n_ids])
                    ends[shifted:n_ends] += written
                    shifted = n_ends
                    written += n_ids
                    n_ids = 0
                if eof:
                    break
            if spill is not None and n_ids:  # an empty stream ends without an eof block
                spill.append(ids[:n_ids])
                ends[shifted:n_ends] += written
                written += n_ids
                n_ids = 0
        except BaseException:
            if spill is not None:
                spill.close()
            raise
        return {
            "tab": tab,
            "store": store,
            "offs": offs,
            "counts": counts,
            "n_types": n_types,
            "ids": ids[:n_ids] if spill is None else None,
            "n_ids": written + n_ids,
            "ends": ends[:n_ends].copy(),
            "file": spill,
        }

    def _scan_tokens(self) -> CorpusScan:
        idx = TokenIndex()
        get = idx.__getitem__
        parts: list[np.ndarray] = []
        starts: list[int] = []
        cap = self.max_sentence_length
        pos = 0
        cur = 0  # start of the current (unfinished) sentence
        spill = self._id_file()  # out of core: ids go to disk in chunks as they arrive
        counts = np.zeros(0, dtype=np.int64)
        held = 0
        try:
            for toks, ends in self._pieces():
                n = len(toks)
                if n:
                    parts.append(np.fromiter(map(get, toks), dtype=np.int32, count=n))
                    pos += n
                    held += n
                    while pos - cur > cap:
                        starts.append(cur)
                        cur += cap
                    if spill is not None and held >= _ids.SPILL_TOKENS:
                        counts = _spill(spill, parts, counts, len(idx))
                        held = 0
                if ends and pos > cur:
                    starts.append(cur)
                    cur = pos
            if pos > cur:
                starts.append(cur)
            starts.append(pos)
            types = list(idx)
            if spill is not None:
                counts = _spill(spill, parts, counts, len(types))
                raw = spill.array()
            else:
                raw = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
                counts = np.bincount(raw, minlength=len(types)).astype(np.int64)
        except BaseException:
            if spill is not None:
                spill.close()
            raise
        result = CorpusScan(types, counts, raw, np.asarray(starts, dtype=np.int64))
        logger.info(
            "scanned %s: %d tokens, %d types, %d sentences",
            self.name,
            pos,
            len(types),
            len(starts) - 1,
        )
        return result

    def clear_cache(self) -> None:
        """Forget the cached :meth:`scan` (frees its memory, or its file out of core)."""
        self._scan = None

    def to_ids(self, vocab: Vocabulary) -> tuple[np.ndarray, np.ndarray]:
        """The corpus as vocabulary ids: ``(ids, sentence_starts)``.

        ``ids`` is ``int32``, out-of-vocabulary tokens dropped; ``sentence_starts`` (``int64``,
        length ``n_sentences + 1``) holds each sentence's start offset into ``ids`` followed
        by ``len(ids)``. Sentences left empty are dropped. Out of core (``out_of_core``),
        ``ids`` is a memory-mapped file written in chunks (see :func:`release_pages`); its file
        is deleted with the array.
        """
        sc = self.scan()
        k2i = vocab.key_to_index
        remap = np.fromiter(map(k2i.get, sc.types, repeat(-1)), dtype=np.int32, count=len(sc.types))
        if _mapped(sc.raw_ids) is not None or self._on_disk():
            return _to_ids_on_disk(sc, remap, self.tmp_dir)
        if not len(sc.types):
            return np.zeros(0, dtype=np.int32), np.zeros(1, dtype=np.int64)
        from wordspace.kernels.tokenize import vocab_ids

        # one compiled pass: map, drop the out-of-vocabulary tokens, count per sentence
        # (sentences left empty are dropped)
        bounds = np.ascontiguousarray(sc.sentence_starts, dtype=np.int64)
        if len(bounds) < 2:
            bounds = np.array([0, len(sc.raw_ids)], dtype=np.int64)
        return vocab_ids(np.ascontiguousarray(sc.raw_ids, dtype=np.int32), remap, bounds)


class _Files:
    """The ordered files of :meth:`Corpus.from_files` (re-iterable; checked when made)."""

    def __init__(self, files) -> None:
        import glob

        if isinstance(files, _Files):
            self.paths: list[Path | URLFile] = list(files.paths)
            self.spec: str = files.spec
            return
        if isinstance(files, bytes):
            raise ParameterError("give paths as str, not bytes")
        paths: list[Path | URLFile]
        if is_url(files):  # fsspec's glob, folder or file (text/_open.py)
            spec = str(files)
            paths = list(url_files(spec))
        elif isinstance(files, str | os.PathLike):
            spec = str(files)
            p = Path(spec)
            if p.is_dir():
                paths = [q for q in sorted(p.iterdir()) if q.is_file()]
            elif glob.has_magic(spec):
                paths = [
                    Path(q) for q in sorted(glob.glob(spec, recursive=True)) if Path(q).is_file()
                ]
            else:
                paths = [p]
        else:
            paths = [url_file(q) if is_url(q) else Path(q) for q in files]
            spec = f"{len(paths)} files"
        if not paths:
            raise CorpusError(f"{spec}: no files match; check the pattern or folder")
        for q in paths:
            if isinstance(q, URLFile):  # checked when listed
                continue
            if not q.exists():
                raise FileNotFoundError(f"{q}: no such file")
            if q.is_dir():
                raise CorpusError(f"{q} is a directory; give text files (one sentence per line)")
        self.paths = paths
        self.spec = spec

    def __iter__(self) -> Iterator[Path | URLFile]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)

    def __str__(self) -> str:
        n = len(self.paths)
        return f"{self.spec} ({n} file{'s' if n != 1 else ''})"


def _check_token(path: Any, carry: bytes, block: bytes, offset: int) -> None:
    """Refuse a token over the line bound before holding more of it: ``carry`` is the token
    left unfinished by the blocks before (it starts at byte ``offset``), ``block`` the next
    one. Lines are cut into sentences of ``max_sentence_length`` tokens, but one token is
    held whole (a token inside one block is held with the block: only one longer than
    ``BLOCK_SIZE`` can reach a bound below it)."""
    bound = max_line_bytes()
    if bound is None or not carry or len(carry) + len(block) <= bound:
        return
    ends = [i for i in (block.find(w) for w in _WS_BYTES) if i >= 0]
    if len(carry) + (min(ends) if ends else len(block)) > bound:
        raise line_too_long(
            path,
            f"byte offset {offset:,}",
            bound,
            error=CorpusError,
            what="token",
            why="a run of bytes without whitespace: a binary file, or not a text corpus",
        )


def as_phrase_list(phrases: Any) -> list:
    """``phrases=`` as a list of fitted Phrases (paths are loaded)."""
    if phrases is None:
        return []
    from wordspace.text.phrases import Phrases

    items = [phrases] if isinstance(phrases, Phrases | str | os.PathLike) else phrases
    try:
        items = list(items)
    except TypeError:
        raise ParameterError(
            f"phrases must be a fitted Phrases, a path written by Phrases.export, or a list of "
            f"them; got {type(phrases).__name__}"
        ) from None
    out = []
    for ph in items:
        if isinstance(ph, str | os.PathLike):
            ph = Phrases.load(ph)
        if not isinstance(ph, Phrases):
            raise ParameterError(
                f"phrases must be fitted Phrases (or paths of exported ones); got a "
                f"{type(ph).__name__}"
            )
        if not ph.is_fitted:
            raise ParameterError("phrases: a Phrases is not fitted yet; call fit() on it first")
        out.append(ph)
    return out


def as_corpus(
    source,
    *,
    lowercase: bool = False,
    max_sentence_length: int = 10000,
    errors: str = "strict",
    normalize: bool = False,
) -> Corpus:
    """``source`` if it is a :class:`Corpus` already, else ``Corpus(source, ...)``."""
    if isinstance(source, Corpus):
        return source
    return Corpus(
        source,
        lowercase=lowercase,
        max_sentence_length=max_sentence_length,
        errors=errors,
        normalize=normalize,
    )


_EMBEDDED = {"brown": "brown.txt.xz"}


def embedded_corpus(name: str = "brown", *, lowercase: bool = True) -> Corpus:
    """A corpus shipped with the package, lowercased unless ``lowercase=False``
    (``.source`` is the path of its file).

    ``"brown"``: the Brown corpus (57,340 sentences, 1,161,192 tokens, mixed case, punctuation
    as tokens; tags stripped), from NLTK data (github nltk/nltk_data @ b0b53821, redistribution
    permitted), xz-compressed. Lowercased by default: on a corpus this small, *The* and *the*
    sharing one vector gives better neighbours, and queries need not guess the casing.
    """
    if name not in _EMBEDDED:
        raise ParameterError(f"unknown embedded corpus {name!r}; known: {', '.join(_EMBEDDED)}")
    from importlib.resources import files

    return Corpus(Path(str(files("wordspace") / "data" / _EMBEDDED[name])), lowercase=lowercase)
