"""Say what was read: the column mapping table of a register (one row per source
column: the field it feeds, how it was recognised, the unit conversion, or why
it was not used) and its plain-text description for ``kentassets validate``.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from ..schema import (
    ADDRESS,
    ANNUAL_COST_GBP,
    GIA_M2,
    MAPPING_AGENCY,
    MAPPING_COLUMN,
    MAPPING_CONVERSION,
    MAPPING_FIELD,
    MAPPING_FIELDS,
    MAPPING_FILE,
    MAPPING_NOTE,
    MAPPING_READ_BY,
    MAPPING_SHEET,
    MAPPING_WARNING,
    empty_column_mapping,
)
from .columns import ColumnDoubt, ColumnReading, as_list

#: What ``read_by`` says, in words, for the description.
READ_BY_TEXT = {
    "manifest": "manifest",
    "schema": "published schema",
    "name": "known name",
    "meaning": "by meaning",
}


def manifest_line(fld: str, column: str) -> str:
    """The ``[register.columns]`` line that maps ``column`` to ``fld`` (TOML).

    Examples
    --------
    >>> manifest_line("gia_m2", 'Net Internal Area')
    'gia_m2 = "Net Internal Area"'
    """
    return f"{fld} = {json.dumps(column, ensure_ascii=False)}"


def doubt_message(doubt: ColumnDoubt) -> str:
    """The warning for a column that looks like a field but was not used, with
    the fix."""
    return (
        f"column '{doubt.column}' looks like {doubt.field} but was not used: {doubt.reason}; "
        "it is kept in extra. If it is the field, map it in the manifest's "
        f"[register.columns]: {manifest_line(doubt.field, doubt.column)}"
    )


@dataclass
class RegisterColumns:
    """What one register's columns gave, for its mapping table.

    ``notes`` holds the register-level warnings as ``(code, column, message)``.
    """

    shown: str
    sheet: str | None
    agency: str
    columns: Sequence[str]
    reading: ColumnReading
    notes: Sequence[tuple[str, str, str]] = field(default_factory=list)
    read_by: Mapping[str, str] = field(default_factory=dict)


def mapping_table(register: RegisterColumns) -> pd.DataFrame:
    """One row per source column: the field it feeds (``""``: kept in extra), how it
    was recognised, its unit conversion and any warning about it.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`kentassets.schema.MAPPING_FIELDS`, all text.
    """
    reading = register.reading
    fields_of: dict[str, list[str]] = {}
    conversions: dict[str, str] = {}
    for fld, value in reading.mapping.items():
        cols = as_list(value)
        for i, col in enumerate(cols):
            fields_of.setdefault(col, []).append(fld)
            if fld == ADDRESS and len(cols) > 1:
                conversions[col] = f"joined into one address ({i + 1} of {len(cols)})"
        if fld in (GIA_M2, ANNUAL_COST_GBP) and isinstance(value, str):
            conversions[value] = reading.conversion(fld)[1]
    warnings: dict[str, list[tuple[str, str]]] = {}
    for code, column, message in register.notes:
        warnings.setdefault(column, []).append((code, message))
    rows = []
    for col in map(str, register.columns):
        flds = fields_of.get(col, [])
        found = warnings.get(col, [])
        rows.append({
            MAPPING_FILE: register.shown,
            MAPPING_SHEET: register.sheet,
            MAPPING_AGENCY: register.agency,
            MAPPING_COLUMN: col,
            MAPPING_FIELD: "; ".join(flds),
            MAPPING_READ_BY: "; ".join(
                register.read_by.get(f, reading.how.get(f, "")) for f in flds
            ),
            MAPPING_CONVERSION: conversions.get(col, ""),
            MAPPING_WARNING: "; ".join(code for code, _ in found),
            MAPPING_NOTE: " / ".join(message for _, message in found)
            or ("" if flds else "kept in extra"),
        })
    if not rows:
        return empty_column_mapping()
    return pd.DataFrame(rows, columns=list(MAPPING_FIELDS)).astype("string")


def describe_mapping(table: pd.DataFrame) -> list[str]:
    """The mapping as lines of text, register by register: source header -> field
    (how, conversion), the columns kept in ``extra``, and the warnings.

    Examples
    --------
    >>> from kentassets.load.columns import read_columns
    >>> reading = read_columns(["Premises Code", "Floor Area (sq ft)", "Notes"])
    >>> table = mapping_table(RegisterColumns("r.csv", None, "KCC", ["Premises Code",
    ...     "Floor Area (sq ft)", "Notes"], reading))
    >>> print("\\n".join(describe_mapping(table)))
    r.csv (KCC)
      Premises Code       -> asset_id  (by meaning)
      Floor Area (sq ft)  -> gia_m2    (by meaning; sq ft → m² (× 0.092903))
      kept in extra: Notes
    """
    lines: list[str] = []
    if len(table) == 0:
        return lines
    table = table.fillna("")
    for (shown, sheet), group in table.groupby([MAPPING_FILE, MAPPING_SHEET], sort=False):
        where = f'{shown}, sheet "{sheet}"' if sheet else str(shown)
        lines.append(f"{where} ({group[MAPPING_AGENCY].iloc[0]})")
        used = group[group[MAPPING_FIELD] != ""]
        width_col = max((len(c) for c in used[MAPPING_COLUMN]), default=0)
        width_fld = max((len(f) for f in used[MAPPING_FIELD]), default=0)
        for row in used.itertuples(index=False):
            how = "; ".join(
                READ_BY_TEXT.get(h, h) for h in dict.fromkeys(str(row.read_by).split("; ")) if h
            )
            detail = "; ".join(x for x in (how, str(row.conversion)) if x)
            lines.append(
                f"  {row.column:<{width_col}}  -> {row.field:<{width_fld}}"
                + (f"  ({detail})" if detail else "")
            )
        unused = group.loc[group[MAPPING_FIELD] == "", MAPPING_COLUMN].tolist()
        if unused:
            lines.append(textwrap.fill("kept in extra: " + ", ".join(unused), width=100,
                                       initial_indent="  ", subsequent_indent="    ",
                                       break_on_hyphens=False, break_long_words=False))
        for note in group.loc[group[MAPPING_WARNING] != "", MAPPING_NOTE]:
            lines.extend(
                textwrap.fill(message, width=100, initial_indent="  WARNING ",
                              subsequent_indent="    ", break_on_hyphens=False)
                for message in str(note).split(" / ")
            )
    return lines
