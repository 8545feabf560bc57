"""A search's result (:class:`TuneResult`: best parameters, scores, trials, refits, plots)
and the epoch reporter that lets Optuna prune a trial."""

from __future__ import annotations

import logging
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from wordspace.errors import ParameterError
from wordspace.tune.spaces import _clone, _optuna
from wordspace.tune.tasks import _SPLIT_KEY, _Task

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

logger = logging.getLogger(__name__)


class TuneResult:
    """What :func:`tune` returns.

    Attributes
    ----------
    study: the :class:`optuna.study.Study` (in ``storage`` when one was given).
    best_params_: the parameters of the best trial (by dev score).
    best_score_, best_test_score_: its dev and test scores.
    best_estimator_: the estimator fitted with them (refitted from its parameters and seed
        when the best trial ran in another process).
    trials_: one row per trial: ``number``, ``state``, ``dev``, ``test``, ``seconds``,
        ``seed``, then one ``params_<name>`` column per tuned parameter.
    split_: the held-out split, as saved in the study.
    metric, direction: what was optimised.
    """

    def __init__(self, study: Any, base: Any, task: _Task, best_model: dict[str, Any]):
        self.study = study
        self._base = base
        self._task = task
        self._best = best_model
        self.metric = task.metric
        self.direction = task.direction
        self.split_ = dict(study.user_attrs.get(_SPLIT_KEY, task.split))

    def _best_trial(self):
        try:
            return self.study.best_trial
        except ValueError:
            raise ParameterError(
                "no trial finished: nothing to pick (raise n_trials or "
                "timeout, or look at trials_ for failed and pruned ones)"
            ) from None

    @property
    def best_params_(self) -> dict[str, Any]:
        return dict(self._best_trial().params)

    @property
    def best_score_(self) -> float:
        return float(self._best_trial().value)

    @property
    def best_test_score_(self) -> float:
        return float(self._best_trial().user_attrs.get("test", math.nan))

    @property
    def best_estimator_(self) -> Any:
        trial = self._best_trial()
        if self._best.get("number") != trial.number:
            self._best = {"number": trial.number, "model": self.refit(trial.number)}
        return self._best["model"]

    def refit(self, number: int) -> Any:
        """Fit trial ``number``'s configuration again (same parameters, seed and data)."""
        trials = {t.number: t for t in self.study.trials}
        if number not in trials:
            raise ParameterError(f"the study has no trial {number}")
        t = trials[number]
        est = _clone(self._base).set_params(**t.params, callbacks=())
        if "seed" in t.user_attrs and "seed" in est.get_params(deep=False):
            est.set_params(seed=t.user_attrs["seed"])
        self._task.fit(est)
        est.set_params(callbacks=())
        return est

    @property
    def trials_(self) -> pd.DataFrame:
        import pandas as pd

        rows = []
        for t in self.study.trials:
            row = {
                "number": t.number,
                "state": t.state.name,
                "dev": (
                    t.value if t.value is not None and t.state.name == "COMPLETE" else math.nan
                ),  # a pruned trial's value is only its last report
                "test": t.user_attrs.get("test", math.nan),
                "seconds": t.user_attrs.get("seconds", math.nan),
                "seed": t.user_attrs.get("seed"),
            }
            row.update({f"params_{k}": v for k, v in t.params.items()})
            rows.append(row)
        return pd.DataFrame(
            rows, columns=None if rows else ["number", "state", "dev", "test", "seconds", "seed"]
        )

    def plots(self, folder: str | os.PathLike, *, fmt: str = "png") -> list[str]:
        """Write ``history.<fmt>`` (every finished trial's dev and test score, and the best
        dev score so far) and, with two finished trials or more and a parameter that varied,
        ``importances.<fmt>`` (Optuna's fANOVA parameter importances) into ``folder``
        (created if needed). Returns the paths written. Needs matplotlib (``[plot]``)."""
        from wordspace.viz.plot import _new_figure, save

        done = [t for t in self.study.trials if t.state.name == "COMPLETE"]
        if not done:
            raise ParameterError("no trial finished: nothing to plot")
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        fig = _new_figure((6.4, 4.0), 100)
        fig.set_layout_engine("constrained")
        ax = fig.add_subplot(1, 1, 1)
        x = [t.number for t in done]
        dev = [float(t.value) for t in done]
        test = [float(t.user_attrs.get("test", math.nan)) for t in done]
        pick = np.maximum.accumulate if self.direction == "maximize" else np.minimum.accumulate
        ax.scatter(x, dev, s=18, label="dev (tuned on)", color="#1f77b4", zorder=3)
        if any(math.isfinite(v) for v in test):
            ax.scatter(
                x, test, s=18, marker="x", label="test (held out)", color="#d62728", zorder=3
            )
        ax.step(
            x,
            pick(np.asarray(dev)),
            where="post",
            color="#1f77b4",
            alpha=0.6,
            label="best dev so far",
        )
        ax.set_xlabel("trial")
        ax.set_ylabel(self.metric)
        ax.set_title(f"optimisation history ({len(done)} finished trials)")
        ax.legend(loc="best", fontsize=8)
        paths.append(save(fig, out / f"history.{fmt}"))
        optuna = _optuna()
        try:
            imp = optuna.importance.get_param_importances(self.study)
        except (RuntimeError, ValueError) as e:  # too few trials, or nothing varied
            logger.warning("no parameter importances: %s", e)
            imp = {}
        if imp:
            fig = _new_figure((6.4, 0.5 + 0.45 * len(imp)), 100)
            fig.set_layout_engine("constrained")
            ax = fig.add_subplot(1, 1, 1)
            names = list(imp)[::-1]
            ax.barh(names, [imp[n] for n in names], color="#1f77b4")
            ax.set_xlabel("importance (fANOVA)")
            ax.set_title(f"parameter importances for dev {self.metric}")
            paths.append(save(fig, out / f"importances.{fmt}"))
        return paths

    def __repr__(self) -> str:
        n = len(self.study.trials)
        try:
            best = f"best dev {self.metric}={self.best_score_:.4f} with {self.best_params_}"
        except ParameterError:
            best = "no trial finished"
        return f"TuneResult({n} trials, {best})"


class _Reporter:
    """An epoch callback ``f(model, epoch)``: reports the dev score, prunes hopeless trials."""

    def __init__(self, trial: Any, task: _Task, every: int):
        self.trial, self.task, self.every = trial, task, max(1, int(every))

    def __call__(self, model: Any, epoch: int | None) -> None:
        optuna = _optuna()
        if epoch is None or epoch % self.every:
            return
        v = self.task.live_score(model)
        if not math.isfinite(v):
            return
        self.trial.report(v, int(epoch))
        if self.trial.should_prune():
            raise optuna.TrialPruned(f"pruned at epoch {epoch} (dev {self.task.metric} {v:.4g})")
