"""Hyper-parameter search with Optuna, on held-out dev and test halves."""

from wordspace.tune.search import DEFAULT_METRICS, DEFAULT_SPACES, TuneResult, tune

__all__ = ["tune", "TuneResult", "DEFAULT_SPACES", "DEFAULT_METRICS"]
