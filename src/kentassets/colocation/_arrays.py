"""Sort-based grouping helpers shared by the clustering steps (no hashing: canonical order)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray


def factorize_sorted(values: pd.Series) -> tuple[NDArray[np.int64], NDArray[Any]]:
    """Factorise with sorted categories; missing values get -1."""
    codes, uniques = pd.factorize(values, sort=True, use_na_sentinel=True)
    return codes.astype(np.int64), np.asarray(uniques, dtype=object)


def unique(values: NDArray[np.int64]) -> NDArray[np.int64]:
    """Sorted distinct values (a sort, not numpy's hash-based unique)."""
    ordered = np.sort(values)
    if len(ordered) == 0:
        return ordered
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]]


def runs_of(ordered: NDArray[Any]) -> tuple[NDArray[Any], NDArray[np.int64], NDArray[np.int64]]:
    """Values, starts and lengths of the runs of equal values in a sorted array."""
    if len(ordered) == 0:
        empty = np.empty(0, dtype=np.int64)
        return ordered[:0], empty, empty
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    return ordered[starts], starts, np.diff(np.r_[starts, len(ordered)])
