"""Parsing word-vector text files (word2vec text, GloVe, fastText .vec) in one compiled pass.

``parse_vector_lines`` walks the raw bytes line by line: the last ``dim`` whitespace-separated
fields of a line are the numbers, everything before them (stripped) is the word, so words
containing spaces are handled. Numbers are parsed with the exact fast path (integer mantissa
of at most 18 digits, so that it fits an int64, scaled by an exact power of ten in float64,
then rounded to float32); longer mantissas or exponents fall back to a float64 computation
that is still within one float32 ulp. On a malformed line it stops and reports the line index and an error code, and
the Python caller builds the message.
"""

from __future__ import annotations

import numpy as np
from numba import njit

OK = 0
ERR_FIELDS = 1  # fewer fields than a word + dim numbers
ERR_NUMBER = 2  # a field is not a number
ERR_EMPTY = 3  # an empty line where a vector was expected
ERR_TOO_MANY = 4  # the "word" ends in a number: the row is wider than dim

_POW10 = np.array([10.0**i for i in range(23)], dtype=np.float64)


@njit(cache=True, nogil=True, inline="always")
def _is_space(c):
    return c == 32 or c == 9 or c == 13 or c == 11 or c == 12


@njit(cache=True, nogil=True, inline="always")
def _is_inity(buf, i):
    """buf[i:i+5] is "inity" (any case): the rest of "infinity"."""
    return (
        (buf[i] | 32) == 105
        and (buf[i + 1] | 32) == 110
        and (buf[i + 2] | 32) == 105
        and (buf[i + 3] | 32) == 116
        and (buf[i + 4] | 32) == 121
    )


@njit(cache=True, nogil=True)
def _parse_number(buf, s, e, pow10):
    """Parse buf[s:e] as a float; returns (value, ok)."""
    i = s
    neg = False
    if i < e and (buf[i] == 45 or buf[i] == 43):  # - +
        neg = buf[i] == 45
        i += 1
    if i >= e:
        return 0.0, False
    c = buf[i] | 32  # lowercase letters
    if c == 110 or c == 105:  # 'n' or 'i': nan / inf / infinity
        n = e - i
        if n == 3 and (buf[i] | 32) == 110 and (buf[i + 1] | 32) == 97 and (buf[i + 2] | 32) == 110:
            return np.nan, True
        if (
            (n == 3 or n == 8)
            and (buf[i] | 32) == 105
            and (buf[i + 1] | 32) == 110
            and (buf[i + 2] | 32) == 102
        ):
            if n == 8 and not _is_inity(buf, i + 3):
                return 0.0, False
            return (-np.inf if neg else np.inf), True
        return 0.0, False
    mant = np.int64(0)
    ndig = 0
    dexp = 0
    any_digit = False
    while i < e and 48 <= buf[i] <= 57:
        any_digit = True
        if ndig < 18:
            mant = mant * 10 + (buf[i] - 48)
            if mant > 0:
                ndig += 1
        else:
            dexp += 1
        i += 1
    if i < e and buf[i] == 46:  # '.'
        i += 1
        while i < e and 48 <= buf[i] <= 57:
            any_digit = True
            if ndig < 18:
                mant = mant * 10 + (buf[i] - 48)
                if mant > 0:
                    ndig += 1
                dexp -= 1
            i += 1
    if not any_digit:
        return 0.0, False
    if i < e and (buf[i] | 32) == 101:  # 'e'
        i += 1
        eneg = False
        if i < e and (buf[i] == 45 or buf[i] == 43):
            eneg = buf[i] == 45
            i += 1
        if i >= e:
            return 0.0, False
        ev = 0
        while i < e and 48 <= buf[i] <= 57:
            if ev < 100000:
                ev = ev * 10 + (buf[i] - 48)
            i += 1
        dexp += -ev if eneg else ev
    if i != e:
        return 0.0, False
    v = float(mant)
    if dexp == 0:
        pass
    elif 0 < dexp <= 22:
        v = v * pow10[dexp]
    elif -22 <= dexp < 0:
        v = v / pow10[-dexp]
    else:
        v = v * 10.0**dexp
    return (-v if neg else v), True


@njit(cache=True, nogil=True)
def parse_vector_lines(buf, start, dim, max_lines, out, word_start, word_end, pow10):
    """Parse up to ``max_lines`` vector lines of ``buf`` from byte ``start``.

    Fills ``out[i]`` with the numbers and ``word_start/word_end[i]`` with the word's byte span.
    Returns ``(lines_parsed, error_code, error_line, end_pos)``; blank lines after the last
    vector are ignored.
    """
    n = buf.shape[0]
    pos = start
    line = 0
    fs = np.empty(dim, dtype=np.int64)
    fe = np.empty(dim, dtype=np.int64)
    while line < max_lines and pos < n:
        eol = pos
        while eol < n and buf[eol] != 10:
            eol += 1
        # strip trailing whitespace
        e = eol
        while e > pos and _is_space(buf[e - 1]):
            e -= 1
        if e == pos:  # blank line: fine only if nothing else follows
            q = eol
            while q < n and (buf[q] == 10 or _is_space(buf[q])):
                q += 1
            if q >= n:
                return line, OK, line, q
            return line, ERR_EMPTY, line, pos
        # collect the last dim fields, scanning backwards
        j = e
        k = dim - 1
        while k >= 0:
            while j > pos and _is_space(buf[j - 1]):
                j -= 1
            fend = j
            while j > pos and not _is_space(buf[j - 1]):
                j -= 1
            if j == fend:
                return line, ERR_FIELDS, line, pos
            fs[k] = j
            fe[k] = fend
            k -= 1
        # the word: what precedes the first number, stripped
        we = j
        while we > pos and _is_space(buf[we - 1]):
            we -= 1
        ws = pos
        while ws < we and _is_space(buf[ws]):
            ws += 1
        if we <= ws:
            return line, ERR_FIELDS, line, pos
        t = we
        while t > ws and not _is_space(buf[t - 1]):
            t -= 1
        if t > ws:  # a word with spaces: its last token must not be a number
            _, isnum = _parse_number(buf, t, we, pow10)
            if isnum:
                return line, ERR_TOO_MANY, line, pos
        for k in range(dim):
            v, ok = _parse_number(buf, fs[k], fe[k], pow10)
            if not ok:
                return line, ERR_NUMBER, line, pos
            out[line, k] = v
        word_start[line] = ws
        word_end[line] = we
        line += 1
        pos = eol + 1
    return line, OK, line, pos
