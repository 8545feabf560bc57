"""The one validation helper for the files wordspace loads (checkpoints, phrases, fastText
``.bin`` headers, native metadata): typed field checks that raise the caller's error
(:class:`~wordspace.errors.FormatError` by default, :class:`~wordspace.errors.CheckpointError`
for checkpoints) naming the file and the field, before anything uses the value.

``Fields(doc, where="model.ckpt", section="checkpoint.position")`` reads one JSON object:
``f.int("epoch", lo=0, hi=epochs - 1)``, ``f.num("threshold", finite=True)``,
``f.str("scoring")``, ``f.obj("partial")`` (a nested :class:`Fields`). A bool is never an int
here, nor is a float (not even 2.0), NaN and infinities are refused unless asked for.
"""

from __future__ import annotations

import builtins
import math
import os
from collections.abc import Mapping
from typing import Any

import numpy as np

from wordspace.errors import FormatError, WordspaceError

__all__ = ["Fields", "check_int", "check_num", "check_finite_arrays"]

_MISSING = object()


def _where(where: str | os.PathLike[str] | None) -> str:
    return "" if where is None else f"{os.fspath(where)}: "


def check_int(
    value: Any,
    name: str,
    *,
    where: str | os.PathLike[str] | None = None,
    lo: int | None = None,
    hi: int | None = None,
    error: type[WordspaceError] = FormatError,
    fix: str = "the file is damaged or was not written by wordspace",
) -> int:
    """``value`` as an int when it is an integer (a bool is not) in ``[lo, hi]``."""
    ok = isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)
    if not ok:
        raise error(f"{_where(where)}{name} must be an integer, got {_short(value)}; {fix}")
    v = int(value)
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        raise error(f"{_where(where)}{name} must be in {_range(lo, hi)}, got {v}; {fix}")
    return v


def check_num(
    value: Any,
    name: str,
    *,
    where: str | os.PathLike[str] | None = None,
    lo: float | None = None,
    hi: float | None = None,
    finite: bool = True,
    error: type[WordspaceError] = FormatError,
    fix: str = "the file is damaged or was not written by wordspace",
) -> float:
    """``value`` as a float when it is a real number (a bool is not), finite unless
    ``finite=False``, in ``[lo, hi]``."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
        raise error(f"{_where(where)}{name} must be a number, got {_short(value)}; {fix}")
    try:
        v = float(value)
    except (OverflowError, ValueError, TypeError):
        raise error(f"{_where(where)}{name} must be a number, got {_short(value)}; {fix}") from None
    if math.isnan(v) or (finite and math.isinf(v)):
        raise error(f"{_where(where)}{name} must be a finite number, got {v}; {fix}")
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        raise error(f"{_where(where)}{name} must be in {_range(lo, hi)}, got {v}; {fix}")
    return v


def check_finite_arrays(
    arrays: Mapping[str, Any],
    *,
    where: str | os.PathLike[str] | None = None,
    error: type[WordspaceError] = FormatError,
    fix: str = "the file is damaged; use an earlier copy or start afresh",
) -> None:
    """Refuse any floating-point array holding NaN or an infinity, naming it."""
    for name, a in arrays.items():
        arr = np.asarray(a)
        if arr.dtype.kind in "fc" and arr.size and not np.isfinite(arr).all():
            bad = int(np.count_nonzero(~np.isfinite(arr)))
            raise error(
                f"{_where(where)}the array {name} holds {bad:,} non-finite value(s) "
                f"(NaN or infinity); {fix}"
            )


def _range(lo: float | None, hi: float | None) -> str:
    if lo is not None and hi is not None:
        return f"[{lo}, {hi}]"
    if lo is not None:
        return f">= {lo}"
    return f"<= {hi}"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class Fields:
    """Typed access to one JSON object of a loaded file; every failure names the file and
    the field (``section.name``) and raises ``error``."""

    def __init__(
        self,
        doc: Any,
        *,
        where: str | os.PathLike[str] | None,
        section: str = "",
        error: type[WordspaceError] = FormatError,
        fix: str = "the file is damaged or was not written by wordspace",
    ):
        self.where = where
        self.section = section
        self.error = error
        self.fix = fix
        if not isinstance(doc, Mapping):
            raise error(
                f"{_where(where)}{f'field {section!r}' if section else 'the document'} must be "
                "a JSON object, "
                f"got {_short(doc)}; {fix}"
            )
        self.doc = doc

    def _name(self, key: str) -> str:
        return "field " + repr(f"{self.section}.{key}" if self.section else key)

    def _get(self, key: str, default: Any) -> Any:
        value = self.doc.get(key, _MISSING)
        if value is _MISSING:
            if default is not _MISSING:
                return default
            raise self.error(f"{_where(self.where)}{self._name(key)} is missing; {self.fix}")
        return value

    def int(
        self, key: str, *, lo: int | None = None, hi: int | None = None, default: Any = _MISSING
    ) -> Any:
        if key not in self.doc and default is not _MISSING:
            return default
        value = self._get(key, _MISSING)
        return check_int(
            value, self._name(key), where=self.where, lo=lo, hi=hi, error=self.error, fix=self.fix
        )

    def num(
        self,
        key: str,
        *,
        lo: float | None = None,
        hi: float | None = None,
        finite: bool = True,
        default: Any = _MISSING,
    ) -> Any:
        if key not in self.doc and default is not _MISSING:
            return default
        value = self._get(key, _MISSING)
        return check_num(
            value,
            self._name(key),
            where=self.where,
            lo=lo,
            hi=hi,
            finite=finite,
            error=self.error,
            fix=self.fix,
        )

    def bool(self, key: str, *, default: Any = _MISSING) -> Any:
        if key not in self.doc and default is not _MISSING:
            return default
        value = self._get(key, _MISSING)
        if not isinstance(value, bool):
            raise self.error(
                f"{_where(self.where)}{self._name(key)} must be true or false, got "
                f"{_short(value)}; {self.fix}"
            )
        return value

    def str(
        self, key: str, *, options: tuple[str, ...] | None = None, default: Any = _MISSING
    ) -> Any:
        if key not in self.doc and default is not _MISSING:
            return default
        value = self._get(key, _MISSING)
        if not isinstance(value, str):
            raise self.error(
                f"{_where(self.where)}{self._name(key)} must be a string, got {_short(value)}; "
                f"{self.fix}"
            )
        if options is not None and value not in options:
            raise self.error(
                f"{_where(self.where)}{self._name(key)} must be one of {', '.join(options)}, "
                f"got {_short(value)}; {self.fix}"
            )
        return value

    def obj(self, key: builtins.str) -> Fields:
        return Fields(
            self._get(key, _MISSING),
            where=self.where,
            section=f"{self.section}.{key}" if self.section else key,
            error=self.error,
            fix=self.fix,
        )

    def list(self, key: builtins.str, *, default: Any = _MISSING) -> Any:
        if key not in self.doc and default is not _MISSING:
            return default
        value = self._get(key, _MISSING)
        if not isinstance(value, list):
            raise self.error(
                f"{_where(self.where)}{self._name(key)} must be a list, got {_short(value)}; "
                f"{self.fix}"
            )
        return value
