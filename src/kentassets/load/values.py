"""Parse cell values written as text: numbers (``"£1,234"``, ``"1,200 m2"``),
dates (UK day-first, ISO, ``YYYYMMDD``), cleaned and joined text, and the
JSON of columns that map to no field.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from ..io.postcodes import (
    WHITESPACE_RE2,
)
from .vectors import constant_text

_SQFT_TO_M2 = 0.09290304


def clean_text(series: pd.Series) -> pd.Series:
    import pyarrow as pa
    import pyarrow.compute as pc

    text = series if series.dtype == "str" else series.astype("str")
    if not _plain_edges(text):
        text = text.str.strip()
    if isinstance(text.array, pd.arrays.ArrowStringArray):
        # One Arrow if_else: pandas' mask() rebuilds the array through a slower path.
        array = text.array._pa_array
        empty = pc.equal(pc.binary_length(array), 0)
        if not pc.any(empty).as_py():
            return text
        cleaned = pc.if_else(empty, pa.scalar(None, type=array.type), array)
        return pd.Series(pd.array(cleaned, dtype=text.dtype), index=text.index, name=text.name)
    return text.mask(text == "")


def _plain_edges(text: pd.Series) -> bool:
    """True when no value starts or ends with a byte that could be whitespace, so
    ``str.strip()`` would change nothing. Looks at two bytes per value with numpy;
    anything outside printable ASCII at an edge answers False (strip it)."""
    import pyarrow as pa

    if not isinstance(text.array, pd.arrays.ArrowStringArray):
        return False
    for chunk in text.array._pa_array.chunks:
        if not pa.types.is_large_string(chunk.type):
            return False
        n = len(chunk)
        if n == 0:
            continue
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int64)
        offsets = offsets[chunk.offset : chunk.offset + n + 1]
        if chunk.buffers()[2] is None:
            continue  # every value empty
        data = np.frombuffer(chunk.buffers()[2], dtype=np.uint8)
        starts, ends = offsets[:-1], offsets[1:]
        filled = ends > starts
        edges = np.concatenate([data[starts[filled]], data[ends[filled] - 1]])
        if ((edges <= 32) | (edges >= 127)).any():
            return False
    return True


def join_columns(frame: pd.DataFrame, cols: list[str]) -> pd.Series:
    parts = [clean_text(frame[c]).str.replace(r"\s*\n\s*", ", ", regex=True) for c in cols]
    joined = parts[0].fillna("")
    for part in parts[1:]:
        joined = joined.str.cat(part.fillna(""), sep=", ")
    joined = joined.str.replace(r"(,\s*)+", ", ", regex=True).str.strip(", ")
    return joined.mask(joined == "")


def parse_numbers(series: pd.Series, *, area: bool = False) -> tuple[pd.Series, pd.Series]:
    """Parse numbers written as text: ``"£1,234"``, ``"1,200 m2"``, ``"12k"``.

    Parameters
    ----------
    series
        Text values.
    area
        Convert square feet (``"1,000 sq ft"``) to square metres.

    Returns
    -------
    tuple of pandas.Series
        Float values (NaN where missing or unreadable) and a boolean mask of the
        cells that held text that is not a number (for example ``"TBC"``).

    Examples
    --------
    >>> values, bad = parse_numbers(pd.Series(["£1,234", "1,200 m2", "TBC", None, "12k"]))
    >>> values.tolist()[:2], bad.tolist()
    ([1234.0, 1200.0], [False, False, True, False, False])
    """
    fast = _arrow_floats(series)
    if fast is not None:  # every cell a plain number or blank
        return fast, pd.Series(False, index=series.index)
    import pyarrow as pa
    import pyarrow.compute as pc

    # Vectorised in Arrow's RE2 kernels: a million cells of "£1,234" take a
    # fraction of a second, not a Python call each.
    text = pa.array(series.astype("str").array)
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    text = pc.utf8_trim_whitespace(text.cast(pa.large_string()))
    blank = np.asarray(pc.fill_null(pc.equal(text, ""), True), dtype=bool)
    values = _plain_floats(text)
    rest_rows = np.flatnonzero(np.isnan(values) & ~blank)
    if len(rest_rows):
        rest = pc.utf8_lower(text.take(pa.array(rest_rows)))
        negative = _matches(rest, r"^\(.*\)$")
        rest = pc.utf8_trim(rest, "()")
        rest = pc.replace_substring_regex(rest, _NUMBER_CLEAN_RE2, "")
        unit = pc.struct_field(pc.extract_regex(rest, f"(?P<unit>{_UNIT_TAIL_RE2})"), "unit")
        rest = pc.replace_substring_regex(rest, _UNIT_TAIL_RE2, "")
        parsed = _plain_floats(rest)
        parsed[_matches(unit, "^k$")] *= 1000.0
        if area:
            parsed[_matches(unit, r"^(?:sq\.?ft\.?|sqft|ft2|ft²)$")] *= _SQFT_TO_M2
        parsed[negative] *= -1.0
        values[rest_rows] = parsed
    values[np.isinf(values)] = np.nan  # "1e309", "inf": not a usable quantity
    bad = np.isnan(values) & ~blank
    return pd.Series(values, index=series.index), pd.Series(bad, index=series.index)

#: A number as Arrow can cast it: optional sign, digits, decimals and exponent.
_PLAIN_NUMBER_RE2 = r"^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$"
#: What to drop from number text (RE2): currency, commas, whitespace (as Python's
#: ``\s``), "GBP" and "per annum" wordings.
_NUMBER_CLEAN_RE2 = (
    rf"[£$€,{WHITESPACE_RE2}]|gbp|p\.?a\.?$|per ?annum$|/ ?(?:yr|year|annum)$"
)

#: A unit at the end of number text (RE2): areas, FTE, "k" for thousands.
_UNIT_TAIL_RE2 = r"(?:m2|m²|sq\.?m\.?|sqm|square ?metres?|fte|k|sq\.?ft\.?|sqft|ft2|ft²)$"


def _matches(text: Any, pattern: str) -> np.ndarray:
    """Where Arrow text matches an RE2 ``pattern`` (False where missing)."""
    import pyarrow.compute as pc

    return np.asarray(pc.fill_null(pc.match_substring_regex(text, pattern), False), dtype=bool)


def _plain_floats(text: Any) -> np.ndarray:
    """Arrow text to floats where it is a plain number, NaN elsewhere."""
    import pyarrow as pa
    import pyarrow.compute as pc

    out = np.full(len(text), np.nan)
    plain = _matches(text, _PLAIN_NUMBER_RE2)
    if plain.any():
        cast = pc.cast(text.filter(pa.array(plain)), pa.float64())
        out[plain] = cast.to_numpy(zero_copy_only=False)
    return out


def _arrow_floats(series: pd.Series) -> pd.Series | None:
    """Cast text to floats with Arrow when every cell is a plain number, else None."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        arrow = pa.array(series.array, from_pandas=True)
        if not pa.types.is_string(arrow.type) and not pa.types.is_large_string(arrow.type):
            return None
        values = pc.cast(arrow, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError):
        return None
    out = values.to_numpy(zero_copy_only=False)
    if np.isinf(out).any():
        return None  # "inf": let the slow path flag it
    return pd.Series(out, index=series.index, dtype="float64")


def parse_dates(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse dates written in the common UK ways (day first), ISO or ``YYYYMMDD``.

    Returns
    -------
    tuple of pandas.Series
        ``datetime64[ns]`` values (NaT where missing or unreadable) and a boolean
        mask of cells holding text that is not a date.

    Examples
    --------
    >>> values, bad = parse_dates(pd.Series(["31/03/2027", "2027-03-31", "20270331", "soon"]))
    >>> [str(v.date()) if pd.notna(v) else None for v in values], bad.tolist()[-1]
    (['2027-03-31', '2027-03-31', '2027-03-31', None], True)
    """
    text = series.astype("string").str.strip()
    blank = text.isna() | (text == "")
    compact = text.str.fullmatch(r"\d{8}").fillna(False).astype(bool)
    iso = text.str.match(r"\d{4}-\d{2}-\d{2}").fillna(False).astype(bool)
    out = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
    if compact.any():
        out[compact] = _ns_dates(pd.to_datetime(text[compact], format="%Y%m%d", errors="coerce"))
    if iso.any():
        out[iso] = _ns_dates(
            pd.to_datetime(text[iso].str[:10], format="%Y-%m-%d", errors="coerce")
        )
    rest = ~blank & ~compact & ~iso
    if rest.any():
        out[rest] = _ns_dates(
            pd.to_datetime(text[rest], format="mixed", dayfirst=True, errors="coerce")
        )
    bad = out.isna() & ~blank
    return out, bad.astype(bool)


def _ns_dates(values: pd.Series) -> pd.Series:
    """``datetime64[ns]``; dates it cannot hold (before 1677 or after 2262, such as
    the "no end" placeholder 31/12/9999) become NaT, i.e. unreadable."""
    fits = values.notna() & (values >= pd.Timestamp.min) & (values <= pd.Timestamp.max)
    return values.where(fits).astype("datetime64[ns]")


def extra_json(frame: pd.DataFrame) -> pd.Series:
    """One JSON object per row of ``frame`` (text cells), built column by column."""
    if frame.shape[1] == 0:
        return constant_text("{}", frame.index)
    joined: pd.Series | None = None
    for column in frame.columns:
        key = json.dumps(str(column), ensure_ascii=False)
        raw = frame[column]
        text = raw if raw.dtype == "str" else raw.astype("str")
        value = '"' + text.str.replace("\\", "\\\\", regex=False).str.replace(
            '"', '\\"', regex=False
        ) + '"'
        controls = text.str.contains(r"[\x00-\x1f]", regex=True).fillna(False).astype(bool)
        if controls.any():
            value = value.mask(
                controls, text[controls].map(lambda v: json.dumps(v, ensure_ascii=False))
            )
        piece = (key + ":" + value).fillna(key + ":null")
        joined = piece if joined is None else joined + "," + piece
    assert joined is not None
    return ("{" + joined + "}").astype("string")
