"""Exception types. Every message says what is wrong, where, and how to fix it."""

from __future__ import annotations

from collections.abc import Sequence
from os import PathLike


class KentAssetsError(Exception):
    """Base class of every error kentassets raises on purpose.

    The CLI prints these as one line and exits non-zero.
    """


class RegisterFormatError(KentAssetsError):
    """A register file cannot be read: wrong format, sheet, encoding or header."""


class ManifestError(KentAssetsError):
    """A manifest is malformed, names a missing file or has unknown keys."""


class ValidationError(KentAssetsError, ValueError):
    """A parameter or a value is out of its allowed range."""


class CoordinateSystemError(KentAssetsError):
    """Data is in the wrong coordinate reference system for the operation."""


class BoundaryDataError(KentAssetsError):
    """District boundaries are missing, unreadable, or do not cover the study area."""


class OutputError(KentAssetsError):
    """An output folder cannot be written safely."""


def where(
    path: str | PathLike[str] | None = None,
    *,
    sheet: str | None = None,
    rows: Sequence[int] | int | None = None,
    column: str | None = None,
    max_rows: int = 5,
) -> str:
    """Format the location part of an error message.

    Parameters
    ----------
    path
        The file, shown by its name as the user gave it.
    sheet
        Worksheet name, for spreadsheets.
    rows
        Row number(s) as a person sees them in Excel or a text editor (1-based,
        header included).
    column
        Column name as written in the file.
    max_rows
        How many row numbers to list before summarising the rest.

    Returns
    -------
    str
        For example ``'nhs.xlsx, sheet "Sites", rows 14, 87, column "Easting"'``.

    Examples
    --------
    >>> where("nhs.xlsx", sheet="Sites", rows=[14, 87], column="Easting")
    'nhs.xlsx, sheet "Sites", rows 14, 87, column "Easting"'
    """
    parts: list[str] = []
    if path is not None:
        parts.append(str(path))
    if sheet:
        parts.append(f'sheet "{sheet}"')
    if rows is not None:
        row_list = [rows] if isinstance(rows, int) else list(rows)
        if len(row_list) == 1:
            parts.append(f"row {row_list[0]}")
        elif row_list:
            shown = ", ".join(str(r) for r in row_list[:max_rows])
            more = len(row_list) - max_rows
            parts.append(f"rows {shown}" + (f" and {more} more" if more > 0 else ""))
    if column:
        parts.append(f'column "{column}"')
    return ", ".join(parts)
