"""Hyper-parameter search with held-out validation, on Optuna (``pip install wordspace[tune]``).

:func:`tune` fits a fresh copy of an estimator per trial, with parameters drawn from a search
space, and scores each fitted copy on a **dev** half of held-out data; the other half, the
**test** half, is scored too and reported, but never used to pick a trial, so overfitting the
search to the dev half shows as a gap between the two columns of :attr:`TuneResult.trials_`.

What is held out
----------------
* :class:`~wordspace.Word2Vec`, :class:`~wordspace.FastText`, :class:`~wordspace.GloVe`
  (``metric="analogy+ws353"`` by default; names joined by ``+`` are averaged): each section of
  the analogy file and each word-pair file (WordSim353, SimLex-999, ...) is cut into two
  halves by a seeded shuffle: dev and test. Analogies are scored as accuracy over the first
  ``restrict_vocab`` words and pairs by Spearman correlation, both with ``dummy4unknown``
  (a question or pair outside the vocabulary counts as wrong / similarity 0), so that a trial
  cannot gain by shrinking its vocabulary. ``analogy`` and ``ws353`` default to the bundled
  files; other names (``simlex``, ``men`` ...) need ``eval_data={"simlex": path}``.
* :class:`~wordspace.ValueVec` with values only (``metric="value_alignment"``): a seeded
  share ``holdout`` of all word pairs (at most 200,000 drawn) is held out, half dev, half
  test; every trial trains on the pairs ValueVec builds *minus* the held-out ones, and the
  score is the Spearman correlation between the cosine of the held-out pairs and
  ``-|Δvalue|`` (:func:`~wordspace.value_alignment`'s figure, on pairs never trained on).
* :class:`~wordspace.ValueVec` trained jointly on text (``semantic_weight`` set; records
  with ``fit_kwargs=dict(text=..., value=...)``): a seeded share ``holdout`` of the valued
  words has its value hidden (half dev, half test), as :func:`wordspace.analysis.evaluate.value_holdout`
  does; the model is fitted on the other words' values and all the text, and
  ``metric="value_spearman"`` (default) or ``"value_mae"`` scores
  :meth:`~wordspace.ValueVec.predict_value` on the hidden words.
* a callable ``metric(estimator) -> float`` (higher is better unless
  ``direction="minimize"``) is called on the estimator fitted on all of ``data``; what it
  scores on is its own business; the test column is then empty.

The split (seed, files and their SHA-256, the held-out lines or pairs) is saved in the
study's user attributes (``study.user_attrs["wordspace_split"]``): a study resumed from
``storage`` with other data or another split seed is refused.

Default search spaces (:data:`DEFAULT_SPACES`)
----------------------------------------------
========== ==================================================================================
Word2Vec   ``sg`` [0, 1], ``window`` 2–10, ``negative`` 2–20, ``sample`` 1e-5–1e-2 (log),
FastText   ``alpha`` 0.005–0.1 (log), ``epochs`` 1–10
GloVe      ``window`` 2–15, ``x_max`` 10–200 (log), ``weight_exponent`` 0.5–1, ``alpha``
           0.01–0.2 (log), ``epochs`` 5–30
ValueVec   ``vector_size`` 4–64, ``alpha`` 1e-3–0.5 (log), ``epochs`` 20–2000 (log),
           ``window`` 1–5, ``negative`` 2–30
joint      ``semantic_weight`` 0.3–0.95, ``text_alpha`` 0.005–0.1 (log), ``alpha`` 0.1–30
ValueVec   (log), ``text_epochs`` 1–10
========== ==================================================================================

A space is a dict ``{parameter: spec}`` with ``spec`` ``(low, high)`` (integers if both are
integers), ``(low, high, "log")``, or a list of choices; or a function ``space(trial) ->
dict`` using Optuna's ``trial.suggest_*``. ``sampler="grid"`` takes a dict of lists and tries
every combination (:class:`optuna.samplers.GridSampler`), e.g. the ValueVec article's grid
``{"vector_size": [10, 50, 100], "alpha": [0.01, 0.05, 0.1]}``.

Trials, time and resuming
-------------------------
Every trial fits a copy with the estimator's own ``seed`` (common random numbers: trials
differ by their parameters only), recorded in the ``seed`` column with the trial's
``seconds``; ``workers=1`` makes a trial reproducible bit for bit from its parameters and
seed (:meth:`TuneResult.refit`). ``n_trials`` and ``timeout`` (seconds) bound the search.
``storage="sqlite:///tune.db"`` keeps the study in a file: calling again with the same
``study_name`` resumes it, and several processes may run the same call at once. Pruning
(``pruner="median"``, the default) reports the dev score to Optuna after epochs (about 20
reports per trial) through the estimators' ``callbacks``; a hopeless trial is stopped with
:class:`optuna.TrialPruned`.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from wordspace._base import integer, is_finite_num, number, rule, validate_params
from wordspace.errors import ParameterError, TrainingDivergedError, WordspaceError
from wordspace.tune.result import TuneResult, _Reporter
from wordspace.tune.spaces import (
    _SAMPLERS,
    DEFAULT_METRICS,
    DEFAULT_SPACES,
    _check_names,
    _check_space,
    _clone,
    _epochs,
    _kind,
    _make_pruner,
    _make_sampler,
    _optuna,
)
from wordspace.tune.tasks import _SPLIT_KEY, _make_task

__all__ = ["tune", "TuneResult", "DEFAULT_SPACES", "DEFAULT_METRICS"]


logger = logging.getLogger(__name__)


_SQLITE_MAGIC = b"SQLite format 3\x00"


def check_storage(storage: Any) -> None:
    """Refuse an Optuna storage that cannot work, before any trial: not a URL (a plain
    ``tune.db``), an SQLite file in a missing or read-only folder, a file that is not an
    SQLite database. Unknown schemes and missing drivers are refused when the study opens
    (:func:`_create_study`)."""
    if storage is None:
        return
    if not isinstance(storage, str):
        if hasattr(storage, "get_all_studies"):  # an optuna storage object
            return
        raise ParameterError(
            f"storage must be a database URL such as sqlite:///tune.db, got {storage!r}"
        )
    if "://" not in storage:
        raise ParameterError(
            f"storage must be a database URL such as sqlite:///tune.db, got {storage!r}; for "
            f"a file write sqlite:///{storage}"
        )
    if not storage.startswith("sqlite:///"):
        return
    path = storage.removeprefix("sqlite:///").split("?", 1)[0]
    if path in ("", ":memory:"):
        return
    p = Path(path)
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        raise ParameterError(
            f"storage {storage!r}: the folder {str(folder)!r} does not exist; create it first"
        )
    if p.is_dir():
        raise ParameterError(f"storage {storage!r}: {path} is a folder; give a database file")
    if p.exists():
        if not p.is_file():
            raise ParameterError(
                f"storage {storage!r}: {path} is not a regular file; give a database file"
            )
        with open(p, "rb") as fh:
            head = fh.read(len(_SQLITE_MAGIC))
        if head and head != _SQLITE_MAGIC:
            raise ParameterError(
                f"storage {storage!r}: {path} is not an SQLite database; give a new file name "
                "or a database written by an earlier tune"
            )
        if not os.access(p, os.R_OK | os.W_OK):
            raise ParameterError(f"storage {storage!r}: {path} cannot be read and written")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ParameterError(
            f"storage {storage!r}: cannot write in the folder {str(folder)!r} (SQLite keeps its "
            "journal beside the database); choose a writable folder"
        )


def _create_study(optuna: Any, storage: Any, **kwargs: Any) -> Any:
    """``optuna.create_study`` with the storage's failures as :class:`ParameterError`."""
    check_storage(storage)
    try:
        return optuna.create_study(storage=storage, **kwargs)
    except ImportError as e:
        scheme = str(storage).split("://", 1)[0]
        raise ParameterError(
            f"storage {storage!r} needs a database driver for {scheme} that is not installed "
            f"({e}); install it (e.g. psycopg2-binary for postgresql, pymysql for mysql) or "
            "use sqlite:///tune.db"
        ) from None
    except WordspaceError:
        raise
    except Exception as e:  # noqa: BLE001 - SQLAlchemy and drivers raise many kinds
        mod = type(e).__module__
        if not (mod.startswith(("sqlalchemy", "optuna", "sqlite3")) or isinstance(e, OSError)):
            raise
        first = str(e).strip().splitlines()[0][:200] if str(e).strip() else type(e).__name__
        raise ParameterError(
            f"storage {storage!r} cannot be opened ({type(e).__name__}: {first}); give a "
            "database URL that works, such as sqlite:///tune.db"
        ) from None


@validate_params(
    integer(
        "n_trials",
        "n_jobs",
        optional=True,
        message="{name} must be a positive integer, got {value!r}",
    ),
    rule(
        "timeout",
        ok=lambda v, p: v is None or (is_finite_num(v) and v > 0),
        message="timeout must be a positive number of seconds, got {value!r}",
    ),
    integer("seed", min=-(2**63), message="seed must be an integer, got {value!r}"),
    number("holdout", low=0, high=1, message="holdout must be a fraction in (0, 1), got {value!r}"),
)
def tune(
    estimator: Any,
    data: Any,
    *,
    fit_kwargs: Mapping[str, Any] | None = None,
    space: Mapping[str, Any] | Callable[[Any], dict] | None = None,
    metric: str | Callable[[Any], float] | None = None,
    n_trials: int | None = None,
    timeout: float | None = None,
    seed: int = 0,
    sampler: str | Any = "tpe",
    pruner: str | Any = "median",
    storage: str | None = None,
    study_name: str | None = None,
    holdout: float = 0.3,
    eval_data: Mapping[str, str | os.PathLike] | None = None,
    restrict_vocab: int | None = 30000,
    direction: str | None = None,
    enqueue: Sequence[Mapping[str, Any]] = (),
    n_jobs: int = 1,
    progress: Callable[..., None] | None = None,
) -> TuneResult:
    """Search ``estimator``'s hyper-parameters with Optuna, scoring held-out data.

    Parameters
    ----------
    estimator: a :class:`~wordspace.Word2Vec`, :class:`~wordspace.FastText`,
        :class:`~wordspace.GloVe` or :class:`~wordspace.ValueVec` (with ``metric`` a function:
        any estimator); it is not modified; each trial fits a copy.
    data: what ``estimator.fit`` takes (a corpus path, a table ...).
    fit_kwargs: further arguments of ``fit`` (``word=``, ``value=``, ``text=`` ...).
    space: the search space (see the module docstring); None: :data:`DEFAULT_SPACES`.
    metric: ``"analogy"``, ``"ws353"``, ``"simlex"`` ... joined by ``+`` (word vectors),
        ``"value_alignment"`` (ValueVec), ``"value_spearman"``/``"value_mae"`` (joint
        ValueVec), or a function ``metric(estimator) -> float``; None: :data:`DEFAULT_METRICS`.
    n_trials, timeout: stop after this many trials (of this call) or seconds; with neither,
        20 trials (grid: every combination).
    seed: seeds the sampler and the dev/test split.
    sampler: ``"tpe"``, ``"grid"``, ``"random"`` or an optuna sampler.
    pruner: ``"median"`` (stop a trial whose dev score after an epoch is below the median of
        earlier trials' at that epoch, from the fifth trial on), ``"none"``, or an optuna
        pruner.
    storage, study_name: an Optuna storage URL (``"sqlite:///tune.db"``) to resume and to share
        the study between processes; the name defaults to ``"wordspace-<Estimator>"``.
    holdout: ValueVec: the share of word pairs (values only) or of valued words (joint) held
        out, half dev, half test.
    eval_data: word-pair or analogy files by metric name (``{"simlex": "simlex999.txt"}``).
    restrict_vocab: the most frequent words that analogy and pair scores use.
    direction: for a metric function: ``"maximize"`` (default) or ``"minimize"``.
    enqueue: parameter sets to try first (e.g. the defaults: ``[{"epochs": 5}]``).
    n_jobs: trials run in parallel threads of this process (several processes sharing
        ``storage`` scale better).
    progress: ``progress(done, total, **info)`` after every trial (info: best, trial, state).

    Returns
    -------
    TuneResult
    """
    optuna = _optuna()
    from wordspace._base import Estimator

    if not isinstance(estimator, Estimator):
        raise ParameterError(
            f"estimator must be a wordspace estimator (Word2Vec(), "
            f"ValueVec() ...), got {type(estimator).__name__}"
        )
    estimator._validate()
    fit_kwargs = dict(fit_kwargs or {})
    if "progress" in fit_kwargs:
        raise ParameterError("fit_kwargs may not set progress: tune reports its own")
    if isinstance(sampler, str) and sampler not in _SAMPLERS:
        raise ParameterError(
            f"sampler must be one of {', '.join(_SAMPLERS)} or an optuna sampler, got {sampler!r}"
        )
    check_storage(storage)
    kind = _kind(estimator)
    if space is None:
        if kind not in DEFAULT_SPACES:
            raise ParameterError(
                f"no default search space for {type(estimator).__name__}: give space="
            )
        space = DEFAULT_SPACES[kind]
        if sampler == "grid":
            raise ParameterError("sampler='grid' needs space= as a dict of lists of values")
    names = estimator._get_param_names()
    suggest = _check_space(space, names, sampler if isinstance(sampler, str) else "")
    for params in enqueue:
        _check_names(params, names)
    pruner_obj = _make_pruner(optuna, pruner)
    sampler_obj = _make_sampler(optuna, sampler, space, int(seed))
    if n_trials is None and timeout is None:
        if sampler == "grid":
            assert isinstance(space, Mapping)  # _make_sampler took space.items() above
            n_trials = math.prod(len(v) for v in space.values())
        else:
            n_trials = 20
    task = _make_task(
        estimator,
        data,
        fit_kwargs,
        metric,
        direction,
        holdout,
        int(seed),
        dict(eval_data or {}),
        restrict_vocab,
    )
    best: dict[str, Any] = {}
    verbosity = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)  # our progress, not Optuna's log
    try:
        study = _create_study(
            optuna,
            storage,
            study_name=study_name or f"wordspace-{type(estimator).__name__}",
            sampler=sampler_obj,
            pruner=pruner_obj,
            direction=task.direction,
            load_if_exists=True,
        )
        saved = study.user_attrs.get(_SPLIT_KEY)
        if saved is None:
            study.set_user_attr(_SPLIT_KEY, task.split)
            study.set_user_attr("wordspace_estimator", type(estimator).__name__)
        elif saved != task.split:
            raise ParameterError(
                f"study {study.study_name!r} in {storage} was made with another split or "
                "other data (seed, files, metric or words differ); give the same ones, or "
                "another study_name"
            )
        for params in enqueue:
            study.enqueue_trial(dict(params))
        reporting = not isinstance(pruner_obj, optuna.pruners.NopPruner)

        def objective(trial: Any) -> float:
            params = suggest(trial)
            est = _clone(estimator).set_params(**params)
            est._validate()
            trial_seed = est.get_params(deep=False).get("seed")
            trial.set_user_attr("seed", trial_seed)
            if reporting and "callbacks" in names:
                every = max(1, _epochs(est) // 20)
                est.set_params(callbacks=(*estimator.callbacks, _Reporter(trial, task, every)))
            t0 = time.perf_counter()
            try:
                task.fit(est)
            finally:
                trial.set_user_attr("seconds", time.perf_counter() - t0)
            if "callbacks" in names:
                est.set_params(callbacks=tuple(estimator.callbacks))
            dev, dev_parts = task.score_parts(est, "dev")
            test, test_parts = task.score_parts(est, "test")
            trial.set_user_attr("test", test)
            if dev_parts:
                trial.set_user_attr("dev_parts", dev_parts)
                trial.set_user_attr("test_parts", test_parts)
            if not math.isfinite(dev):  # never a best trial: the trial fails
                raise TrainingDivergedError(
                    f"trial {trial.number}: the dev score ({task.metric}) is {dev}, not a "
                    "finite number; the trial counts as failed"
                )
            better = not best or (
                dev > best["dev"] if task.direction == "maximize" else dev < best["dev"]
            )
            if better:
                best.update(number=trial.number, model=est, dev=dev)
            return dev

        def report(study: Any, trial: Any) -> None:
            if progress is None:
                return
            info: dict[str, Any] = {"trial": trial.number, "state": trial.state.name}
            try:
                info["best"] = float(study.best_value)
            except ValueError:
                pass
            done = len([t for t in study.trials if t.state.is_finished()])
            progress(done, n_trials, **info)

        study.optimize(
            objective,
            n_trials=n_trials,
            timeout=timeout,
            n_jobs=n_jobs,
            catch=(TrainingDivergedError,),
            callbacks=[report],
        )
    finally:
        optuna.logging.set_verbosity(verbosity)
        task.close()  # the temporary dev/test files; refitting needs only the data
    result = TuneResult(
        study, estimator, task, {k: best[k] for k in ("number", "model")} if best else {}
    )
    return result
