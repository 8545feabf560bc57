"""``kernels.tokenize.vocab_ids`` (raw ids to vocabulary ids, one pass) against NumPy."""

import numpy as np
import pytest

from wordspace.kernels.tokenize import vocab_ids


def _ref(raw, remap, bounds):
    mapped = remap[raw]
    keep = mapped >= 0
    per = np.array([keep[a:b].sum() for a, b in zip(bounds[:-1], bounds[1:], strict=True)])
    per = per[per > 0]
    starts = np.zeros(len(per) + 1, np.int64)
    np.cumsum(per, out=starts[1:])
    return mapped[keep], starts


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_vocab_ids_matches_numpy(seed):
    rng = np.random.default_rng(seed)
    n_types = 40
    raw = rng.integers(0, n_types, 500).astype(np.int32)
    remap = rng.integers(-1, 25, n_types).astype(np.int32)  # about 1 in 26 types dropped
    remap[:5] = -1
    raw[100:120] = 0  # a sentence of dropped words only: it disappears
    bounds = np.array([0, 37, 100, 120, 120, 333, 500], np.int64)  # one empty sentence too
    ids, starts = vocab_ids(raw, remap, bounds)
    ref_ids, ref_starts = _ref(raw, remap, bounds)
    assert ids.dtype == np.int32 and starts.dtype == np.int64
    np.testing.assert_array_equal(ids, ref_ids)
    np.testing.assert_array_equal(starts, ref_starts)
    assert len(starts) == 5  # 6 sentences, one empty and one all out of vocabulary


def test_vocab_ids_everything_dropped():
    raw = np.array([0, 1, 1, 0], np.int32)
    ids, starts = vocab_ids(raw, np.array([-1, -1], np.int32), np.array([0, 2, 4], np.int64))
    assert len(ids) == 0
    np.testing.assert_array_equal(starts, [0])
