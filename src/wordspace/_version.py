"""The version: the single source read by the package metadata (pyproject's dynamic version),
``wordspace.__version__`` and ``wordspace --version``."""

__version__ = "0.2.0"
