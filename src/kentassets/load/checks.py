"""Register-level checks on what the columns gave: a column that looks like a
field but was not used, a site reference that cannot be the asset id, and
status or tenure words that match no category. Each is said once per register
(:meth:`Context.warn_register`), never per row, and never silently.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..schema import ASSET_ID, EXCLUDED, SITE_ID, STATUS, TENURE
from .categories import STATUS_RULES, TENURE_RULES, unrecognised_words
from .columns import ColumnReading
from .headers import read_header
from .ledger import WARN_CATEGORY, WARN_COLUMN_NOT_USED, Context
from .mapping import doubt_message
from .values import parse_numbers
from .vectors import Factorized, factorize, fixed_width_ints

#: Rows looked at to decide whether a column's values are numbers.
_SAMPLE_ROWS = 200
#: What an unrecognised word is read as, and the words that would be recognised.
_CATEGORY_TEXT = {
    TENURE: ("other", "Freehold, Leasehold or Licence", TENURE_RULES),
    STATUS: ("unknown", "Occupied, Part vacant, Vacant or Surplus", STATUS_RULES),
}


def check_columns(frame: pd.DataFrame, reading: ColumnReading, ctx: Context) -> None:
    """Warn once about each column that looks like a field but was not used, and
    keep a repeating site reference as the site, not the asset id.

    A doubt that depends on the values (``Area`` with no unit) is reported only
    where most of the first rows are numbers: an ``Area`` of "North Kent" is not
    a floor area. Only the first rows are read, once per column.
    """
    _site_reference(frame, reading)
    for doubt in reading.doubts:
        if doubt.numeric and not _mostly_numbers(frame[doubt.column]):
            continue
        ctx.warn_register(WARN_COLUMN_NOT_USED, doubt.column, doubt_message(doubt))


def _site_reference(frame: pd.DataFrame, reading: ColumnReading) -> None:
    """A ``Site ID`` read as the asset id must not repeat: where it does, the rows
    are buildings of one site and it stays the site reference."""
    mapping = reading.mapping
    col = mapping.get(ASSET_ID)
    if (
        isinstance(col, str) and reading.how.get(ASSET_ID) == "meaning"
        and read_header(col).field == SITE_ID
    ) and _repeats(frame[col]):
        del mapping[ASSET_ID]
        mapping[SITE_ID] = col
        reading.how[SITE_ID] = reading.how.pop(ASSET_ID)


def _repeats(values: pd.Series) -> bool:
    """Some non-blank value appears twice (a sort of fixed-width codes when it can)."""
    as_ints = fixed_width_ints(values.array)
    if as_ints is not None:
        return bool((np.diff(np.sort(as_ints)) == 0).any())
    given = values[values.notna()]
    given = given[given.astype("str").str.strip() != ""]
    return not given.is_unique


def _mostly_numbers(series: pd.Series) -> bool:
    sample = series.head(_SAMPLE_ROWS)
    values, bad = parse_numbers(sample)
    given = int(values.notna().sum()) + int(bad.sum())
    return given > 0 and values.notna().sum() >= 0.5 * given


def check_categories(
    text: Mapping[str, pd.Series], mapping: Mapping[str, str | list[str]], ctx: Context
) -> dict[str, Factorized]:
    """Tenure and status words that match no category: said once per register
    with their row counts, among the records not excluded as closed (the text is
    kept as written in ``tenure_raw`` and ``status_raw``). Returns the two
    columns factorized, to categorise once."""
    factors: dict[str, Factorized] = {}
    for fld, (read_as, known, rules) in _CATEGORY_TEXT.items():
        raw = text.get(fld)
        if raw is None:
            continue
        factors[fld] = factorize(raw)
        words, n_words = unrecognised_words(
            factors[fld], rules, rows=~ctx.has(EXCLUDED).to_numpy(dtype=bool)
        )
        if not words:
            continue
        col = str(mapping[fld])
        listed = ", ".join(
            f"'{w[:40]}' ({n} row{'s' if n != 1 else ''})" for w, n in words
        ) + (f" and {n_words - len(words)} more" if n_words > len(words) else "")
        ctx.warn_register(
            WARN_CATEGORY,
            col,
            f"{fld} word(s) in column '{col}' match no known {fld}: {listed}. They are read "
            f"as '{read_as}' and kept as written in {fld}_raw. Write them as {known} in the "
            "register where that is what they mean.",
        )
    return factors
