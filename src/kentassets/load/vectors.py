"""Column building blocks in Arrow and numpy: constant text, masked fills and
puts, positional takes, factorizing and spreading per-distinct-value results back
to rows. Every step of the loader uses them to avoid a Python object per row.
"""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np
import pandas as pd


def constant_text(value: str | None, idx: pd.Index, dtype: str = "string") -> pd.Series:
    """``pd.Series(value, index=idx, dtype=dtype)`` for text, built straight from buffers.

    ``dtype`` is ``"string"`` or ``"str"``; ``None`` gives missing values.
    """
    import pyarrow as pa

    target = pd.StringDtype() if dtype == "string" else pd.Series([], dtype=dtype).dtype
    if getattr(target, "storage", None) != "pyarrow":
        missing = pd.NA if dtype == "string" else np.nan
        return pd.Series(missing if value is None else value, index=idx, dtype=dtype)
    n = len(idx)
    if value is None:
        array = pa.nulls(n, pa.large_string())
    else:
        data = value.encode("utf-8")
        offsets = np.arange(n + 1, dtype=np.int64) * len(data)
        array = pa.LargeStringArray.from_buffers(
            n, pa.py_buffer(offsets), pa.py_buffer(data * n)
        )
    return pd.Series(pd.array(array, dtype=target), index=idx)


def fill(base: pd.Series, mask: pd.Series, value: str) -> pd.Series:
    """``base.mask(mask, value)`` for one text value, with one Arrow ``if_else``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = base.array
    if not (
        isinstance(array, pd.arrays.ArrowStringArray)
        and base.dtype == "str"
        and mask.index.equals(base.index)
    ):
        return base.mask(mask, value)
    flags = mask.to_numpy(dtype=bool)
    if flags.all():
        return constant_text(value, base.index, "str").rename(base.name)
    if not flags.any():
        return base
    chunked = array._pa_array
    filled = pc.if_else(pa.array(flags), pa.scalar(value, type=chunked.type), chunked)
    return pd.Series(pd.array(filled, dtype=base.dtype), index=base.index, name=base.name)


def maybe(series: pd.Series | None, idx: pd.Index, dtype: str = "string") -> pd.Series:
    if series is None:
        if dtype == "string":
            return constant_text(None, idx)
        if dtype == "datetime64[ns]":
            return pd.Series(pd.NaT, index=idx, dtype=dtype)
        return pd.Series(pd.NA if dtype == "string" else np.nan, index=idx, dtype=dtype)
    return take(series, idx)


def take(series: pd.Series, idx: pd.Index) -> pd.Series:
    """``series[idx]`` for a RangeIndex-labelled series: a positional take, no hashing."""
    if isinstance(series.index, pd.RangeIndex) and series.index.start == 0 and (
        series.index.step == 1
    ):
        if len(idx) == len(series):  # every row: idx is 0..n-1, nothing to take
            return series.set_axis(idx)
        return series.take(idx.to_numpy())
    return series.loc[idx]

Factorized: TypeAlias = tuple[np.ndarray, np.ndarray]
"""``(codes, uniques)`` of a text column, as :func:`factorize` gives them."""


def spread(codes: np.ndarray, table: Any, index: pd.Index, dtype: str) -> pd.Series:
    """Text column ``table[codes]`` (code -1: missing), taken in Arrow (no Python
    string per row)."""
    return pd.Series(pd.array(table, dtype=dtype).take(codes, allow_fill=True), index=index)


def put(base: pd.Series, mask: pd.Series, values: pd.Series) -> pd.Series:
    """``base.mask(mask, values)`` where ``values`` holds the masked rows in order.

    Text columns are replaced with one Arrow operation (or taken whole when every
    row is masked) instead of aligning a million labels; anything else falls back
    to :meth:`pandas.Series.mask`.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    values = values.astype(base.dtype) if values.dtype != base.dtype else values
    flags = mask.to_numpy(dtype=bool)
    if (
        base.dtype == "str"
        and isinstance(base.array, pd.arrays.ArrowStringArray)
        and isinstance(values.array, pd.arrays.ArrowStringArray)
        and mask.index.equals(base.index)
        and values.index.equals(base.index[flags])
    ):
        if flags.all():
            return values.set_axis(base.index)
        replaced = pc.replace_with_mask(
            base.array._pa_array.combine_chunks(),
            pa.array(flags),
            values.array._pa_array.combine_chunks(),
        )
        return pd.Series(pd.array(replaced, dtype=base.dtype), index=base.index, name=base.name)
    return base.mask(mask, values)


def flags_of(mask: pd.Series) -> np.ndarray:
    """A boolean mask as a numpy array, missing read as False."""
    if mask.dtype == bool:
        return mask.to_numpy()
    return mask.fillna(False).astype(bool).to_numpy()


def factorize(series: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(series)``: codes in order of appearance (-1 where missing) and
    the distinct values as an object array; via Arrow for Arrow-backed text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = series.array if isinstance(series, pd.Series) else series
    if isinstance(array, pd.arrays.ArrowStringArray) and len(array):
        chunked = array._pa_array
        encoded = pc.dictionary_encode(
            chunked.combine_chunks() if isinstance(chunked, pa.ChunkedArray) else chunked
        )
        codes = np.asarray(encoded.indices.fill_null(-1).to_numpy(), dtype=np.int64)
        return codes, np.asarray(encoded.dictionary.to_numpy(zero_copy_only=False), dtype=object)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64), np.asarray(uniques, dtype=object)


def spread_codes(codes: np.ndarray, of_value: np.ndarray, *, missing: Any = -1) -> np.ndarray:
    """Per-row values from per-distinct-value ones (code -1 gives ``missing``);
    by default codes from codes, -1 staying -1."""
    # A trailing entry answers code -1.
    return np.append(np.asarray(of_value), missing)[codes]


def factorize_codes(series: pd.Series | np.ndarray) -> np.ndarray:
    """``pd.factorize(series)[0]``: see :func:`factorize`; without the uniques.

    Text whose values all have the same length of at most 8 bytes (identifiers
    such as ``P0001234``) is compared as 64-bit integers, which hash much faster.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    array = series.array if isinstance(series, pd.Series) else series
    if not (isinstance(array, pd.arrays.ArrowStringArray) and len(array)):
        return factorize(series)[0]
    as_ints = fixed_width_ints(array)
    if as_ints is not None:
        codes, _ = pd.factorize(as_ints)
        return np.asarray(codes, dtype=np.int64)
    chunked = array._pa_array
    text = chunked.combine_chunks() if isinstance(chunked, pa.ChunkedArray) else chunked
    encoded = pc.dictionary_encode(text)
    return np.asarray(encoded.indices.fill_null(-1).to_numpy(), dtype=np.int64)


def fixed_width_ints(array: Any) -> np.ndarray | None:
    """Text values of one length of at most 8 bytes, none missing, as 64-bit
    integers (equal text, equal integer); ``None`` for any other array."""
    import pyarrow as pa

    if not isinstance(array, pd.arrays.ArrowStringArray) or not len(array):
        return None
    chunked = array._pa_array
    text = chunked.combine_chunks() if isinstance(chunked, pa.ChunkedArray) else chunked
    n = len(text)
    if text.null_count or not pa.types.is_large_string(text.type):
        return None
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int64)
    offsets = offsets[text.offset : text.offset + n + 1]
    width = int(offsets[1] - offsets[0])
    if not (0 < width <= 8 and int(offsets[-1] - offsets[0]) == n * width) or not bool(
        (np.diff(offsets) == width).all()
    ):
        return None
    data = np.frombuffer(text.buffers()[2], dtype=np.uint8)
    cells = data[offsets[0] : offsets[0] + n * width].reshape(n, width)
    padded = np.zeros((n, 8), dtype=np.uint8)
    padded[:, :width] = cells
    return padded.view(np.uint64).ravel()


def via_uniques(series: pd.Series, func: Any) -> pd.Series:
    """Apply a Series -> Series function to the distinct values only, then spread back.

    Registers repeat the same postcodes, uses and tenures many times: working on
    the distinct values turns a million-row job into a few thousand.
    """
    codes, uniques = factorize(series)
    if len(uniques) == 0:
        return func(series)
    done = func(pd.Series(uniques))
    if pd.api.types.is_bool_dtype(done.dtype):
        values = done.to_numpy(dtype=bool)
        return pd.Series(
            np.where(codes >= 0, values[np.maximum(codes, 0)], False), index=series.index
        )
    taken = done.astype("str").array.take(codes, allow_fill=True)
    return pd.Series(taken, index=series.index)
