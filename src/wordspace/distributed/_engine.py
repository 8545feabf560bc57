"""How work reaches the workers: a Dask client, or (for simulations and tests) this process.

An *engine* offers ``submit(fn, *args) -> future``, ``gather(futures) -> results``,
``put(value) -> future`` and ``n_workers``. :class:`DaskEngine` wraps a
``distributed.Client``; :class:`LocalEngine` runs every task at once in this process, which
is how the benchmark simulates 2, 4 or 8 workers on one machine with the very same code.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from wordspace._optional import require
from wordspace.errors import ParameterError

logger = logging.getLogger(__name__)

__all__ = [
    "DaskEngine",
    "LocalEngine",
    "engine_for",
    "require_dask",
    "partition_specs",
    "tree_reduce",
    "open_partition",
]


def require_dask():
    """Import ``distributed`` or raise :class:`MissingDependencyError` naming the extra."""
    return require("distributed", extra="dask", purpose="distributed training", package="dask")


class _Done:
    """A finished local 'future'."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def result(self) -> Any:
        return self.value


def _resolve(a: Any) -> Any:
    """A local future's value; lists of them become lists of values (as Dask does)."""
    if isinstance(a, _Done):
        return a.value
    if isinstance(a, list):
        return [_resolve(x) for x in a]
    return a


class LocalEngine:
    """Runs every task immediately in this process (``n_workers`` simulated workers)."""

    def __init__(self, n_workers: int = 1) -> None:
        self.n_workers = int(n_workers)

    def submit(self, fn, *args: Any, **kw: Any) -> _Done:
        return _Done(fn(*[_resolve(a) for a in args]))

    def put(self, value: Any, where: Any = None) -> _Done:
        return _Done(value)

    def refresh(self, futures: list, remake) -> None:
        pass

    def prefetch(self, future: Any, where: Any) -> None:
        return None

    def gather(self, futures: list) -> list:
        return [f.value for f in futures]

    def release(self, futures: list) -> None:
        pass

    def run_everywhere(self, fn, *args: Any) -> None:
        fn(*args)

    def locate(self, futures: list) -> list:
        return [None] * len(futures)

    def spread(self, n: int) -> list:
        return [None] * n

    def near(self, where: Any) -> dict:
        return {}


class DaskEngine:
    """A ``distributed.Client`` seen as an engine (tasks are impure: never cached).

    Nothing lives only on the workers: every value the workers need is either a task result
    that the scheduler can make again (the parts, read from the files) or a value the driver
    sent inside a task (:meth:`put`), which the scheduler keeps and runs again on another
    worker when the worker holding the result dies. No ``scatter``: a scattered value whose
    workers die is gone for good, and a broadcast scatter racing a dying worker waits on
    connection timeouts to it (the hang of issue 17)."""

    RETRIES = 2  # re-runs of a task that raised (a worker's death is handled by the scheduler)

    def __init__(self, client: Any) -> None:
        distributed = require_dask()
        if not isinstance(client, distributed.Client):
            raise ParameterError(
                f"client must be a dask.distributed.Client, got {type(client).__name__}"
            )
        self.client = client
        workers = client.scheduler_info().get("workers", {})
        if not workers:
            client.wait_for_workers(1, timeout=60)
            workers = client.scheduler_info().get("workers", {})
        self.n_workers = max(len(workers), 1)

    def submit(self, fn, *args: Any, **kw: Any):
        kw.setdefault("retries", self.RETRIES)
        return self.client.submit(fn, *args, pure=False, **kw)

    def put(self, value: Any, where: Any = None):
        """``value`` as the result of a task that returns it: the scheduler keeps the task
        (and so the value) and runs it again elsewhere if its worker dies, so the value is
        never lost with a worker. Large values (the weights) are embedded on purpose, so
        Dask's large-graph warning is silenced here. ``where``: the worker that will use it
        (:meth:`near`), so that it need not be fetched from another one."""
        import dask

        with dask.config.set({"distributed.admin.large-graph-warning-threshold": "1 TiB"}):
            return self.client.submit(_identity, value, pure=False, **self.near(where))

    def prefetch(self, future: Any, where: Any):
        """A tiny task on worker ``where`` that needs ``future``: Dask moves the value there as
        soon as it exists, while ``where`` is still computing, instead of when the task that
        needs it becomes ready (keep the returned future until that task has run)."""
        if where is None:
            return None
        return self.client.submit(_touch, future, pure=False, **self.near(where))

    def refresh(self, futures: list, remake) -> None:
        """Replace the futures Dask gave up on (``remake(i)`` makes future ``i`` again)."""
        for i, f in enumerate(futures):
            if f.status in ("error", "cancelled", "lost"):
                futures[i] = remake(i)

    def gather(self, futures: list) -> list:
        return self.client.gather(futures)

    def release(self, futures: list) -> None:
        for f in futures:
            f.release()

    def locate(self, futures: list) -> list:
        """The worker holding each future's result (``None`` where unknown)."""
        held = self.client.who_has(futures)
        return [(list(held.get(f.key, ())) or [None])[0] for f in futures]

    def spread(self, n: int) -> list:
        """``n`` worker addresses, round robin over the workers (one part per worker)."""
        workers = sorted(self.client.scheduler_info().get("workers", {}))
        return [workers[k % len(workers)] if workers else None for k in range(n)]

    def near(self, where: Any) -> dict:
        """``submit`` keywords that run a task on worker ``where`` while it lives (a loose
        restriction: the scheduler may run it elsewhere, e.g. when that worker died)."""
        return {} if where is None else {"workers": [where], "allow_other_workers": True}

    def run_everywhere(self, fn, *args: Any) -> None:
        """``fn(*args)`` in every worker process (best effort: a dead worker is skipped)."""
        try:
            self.client.run(fn, *args)
        except Exception as exc:  # cleanup only: never fail a finished fit
            logger.debug("run_everywhere(%s) failed: %s", getattr(fn, "__name__", fn), exc)


def _identity(x: Any) -> Any:
    return x


def _touch(x: Any) -> None:
    return None


def tree_reduce(engine, futures: list, fn) -> Any:
    """Reduce ``futures`` pairwise, neighbours only (order kept), on the engine."""
    while len(futures) > 1:
        nxt = [engine.submit(fn, futures[i], futures[i + 1]) for i in range(0, len(futures) - 1, 2)]
        if len(futures) % 2:
            nxt.append(futures[-1])
        futures = nxt
    return futures[0]


def engine_for(client: Any, n_workers: int | None = None):
    """The engine for ``client``: a Dask client, or ``None`` for a :class:`LocalEngine`."""
    if client is None:
        return LocalEngine(n_workers or 1)
    if isinstance(client, LocalEngine | DaskEngine):
        return client
    return DaskEngine(client)


def partition_specs(corpus: Any) -> list[dict[str, Any]]:
    """One picklable description per file of ``corpus`` (a :class:`~wordspace.Corpus` of
    files): what a worker needs to open that file as a corpus of its own."""
    files = corpus.files
    if not files:
        raise ParameterError(
            "client= needs a corpus of files that the workers can read (a path, or "
            "Corpus.from_files('shards/*.txt.gz')); an in-memory corpus stays on one machine"
        )
    from wordspace.text._open import URLFile

    return [
        {
            # a URL (s3://..., read through fsspec on the worker) or an absolute local path
            "path": str(p) if isinstance(p, URLFile) else str(Path(p).absolute()),
            "lowercase": corpus.lowercase,
            "normalize": corpus.normalize,
            "max_sentence_length": corpus.max_sentence_length,
            "errors": corpus.errors,
            "size": p.size if isinstance(p, URLFile) else os.path.getsize(p),
        }
        for p in files
    ]


def open_partition(spec: dict[str, Any]):
    """The :class:`~wordspace.Corpus` of one partition (on a worker)."""
    from wordspace.text.corpus import Corpus

    return Corpus(
        spec["path"],
        lowercase=spec["lowercase"],
        normalize=spec["normalize"],
        max_sentence_length=spec["max_sentence_length"],
        errors=spec["errors"],
    )


def as_files_corpus(corpus: Any, *, lowercase: bool = False, max_sentence_length: int = 10000):
    """``corpus`` as a :class:`~wordspace.Corpus`; a glob pattern, folder or list of paths
    becomes :meth:`Corpus.from_files`."""
    from wordspace.text.corpus import Corpus

    if isinstance(corpus, Corpus):
        return corpus
    if isinstance(corpus, str | os.PathLike) and Path(corpus).is_file():
        return Corpus(corpus, lowercase=lowercase, max_sentence_length=max_sentence_length)
    if isinstance(corpus, str | os.PathLike) or (
        isinstance(corpus, list | tuple)
        and corpus
        and all(isinstance(p, str | os.PathLike) for p in corpus)
    ):
        return Corpus.from_files(
            corpus, lowercase=lowercase, max_sentence_length=max_sentence_length
        )
    raise ParameterError(
        "client= needs a corpus of files: a path, a glob pattern, a list of paths or "
        f"Corpus.from_files(...); got {type(corpus).__name__}"
    )


class connect:
    """``with connect("tcp://host:8786") as client``: a ``distributed.Client`` for the CLI's
    ``--scheduler`` (``None``: yields ``None``, nothing imported); an unreachable scheduler
    is a :class:`ParameterError` saying how to start one."""

    TIMEOUT = 20.0  # seconds to wait for the scheduler

    def __init__(self, address: str | None, timeout: float | None = None) -> None:
        self.address = address
        self.timeout = self.TIMEOUT if timeout is None else timeout
        self.client = None

    def __enter__(self):
        if self.address is None:
            return None
        distributed = require_dask()
        try:
            self.client = distributed.Client(self.address, timeout=self.timeout)
        except (OSError, TimeoutError, ValueError) as e:
            raise ParameterError(
                f"could not reach the Dask scheduler at {self.address!r} ({e}); start one "
                "with 'dask scheduler' and workers with 'dask worker ADDRESS', or check "
                "the address"
            ) from None
        return self.client

    def __exit__(self, *exc: Any) -> None:
        if self.client is not None:
            self.client.close()
