"""Reading and writing workshop decisions files (CSV or Excel).

The rules for what a decisions file holds are in :mod:`kentassets.decisions`;
this module only moves it between disk and a table. An existing file is never
written over by the template writer unless asked.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from ..decisions import STATUSES, DecisionRows, Decisions, check_columns, check_decisions
from ..errors import DecisionsError
from .outputs import write_bytes_atomic, write_csv

__all__ = ["read_decision_rows", "read_decisions", "write_decisions_template"]

_EXCEL = (".xlsx", ".xlsm")
_TEXT = (".csv", ".txt")


def read_decision_rows(path: str | os.PathLike[str]) -> DecisionRows:
    """The rows of a decisions file as text (CSV) or Excel values.

    The columns are checked at once (so that a build stops before any work);
    the rows are checked against the ids later, by
    :func:`kentassets.decisions.check_decisions`.

    Raises
    ------
    DecisionsError
        When the file is missing, of another kind, cannot be read, or has
        unknown columns or no ``colocation_id`` column.
    """
    read = _read_rows(path)
    check_columns(list(read.rows.columns), read.source)
    return read


def _read_rows(path: str | os.PathLike[str]) -> DecisionRows:
    file = Path(path)
    suffix = file.suffix.lower()
    if not file.is_file():
        raise DecisionsError(
            f"{path}: decisions file not found. Give the path of a decisions.csv or .xlsx "
            "(`kentassets decisions template` writes one to fill in)."
        )
    if suffix not in _EXCEL + _TEXT:
        raise DecisionsError(
            f"{path}: a decisions file must be .csv or .xlsx, not '{file.suffix}'. Save it from "
            "Excel as CSV UTF-8 or as an Excel workbook."
        )
    try:
        if suffix in _EXCEL:
            book = pd.read_excel(file, sheet_name=0, dtype=object, engine="openpyxl")
            import openpyxl

            sheet = openpyxl.load_workbook(file, read_only=True).sheetnames[0]
            return DecisionRows(book, str(path), sheet)
        raw = file.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                            skip_blank_lines=False)
        return DecisionRows(frame.replace("", pd.NA), str(path))
    except (ValueError, OSError, KeyError, pd.errors.ParserError) as exc:
        raise DecisionsError(
            f"{path}: cannot read the decisions file ({exc}). Open it in Excel and save it "
            "again as CSV UTF-8 or as an Excel workbook."
        ) from exc


def read_decisions(
    path: str | os.PathLike[str],
    *,
    current_ids: Iterable[str],
    register: pd.DataFrame | None = None,
    lenient: bool = False,
) -> Decisions:
    """Read and check a decisions file (:func:`kentassets.decisions.check_decisions`).

    Parameters
    ----------
    path
        ``decisions.csv`` or ``.xlsx`` (the first sheet).
    current_ids
        This build's co-location ids.
    register
        The id register, so that decisions on retired ids become decisions to review.
    lenient
        Warn about bad rows and ignore them instead of raising.

    Raises
    ------
    DecisionsError
        As :func:`read_decision_rows` and :func:`~kentassets.decisions.check_decisions`.
    """
    read = read_decision_rows(path)
    return check_decisions(read.rows, current_ids=current_ids, register=register,
                           source=read.source, sheet=read.sheet, lenient=lenient)


def write_decisions_template(
    table: pd.DataFrame, path: str | os.PathLike[str], *, overwrite: bool = False
) -> Path:
    """Write a decisions template (:func:`kentassets.decisions.decisions_template`).

    CSV files are UTF-8 with a byte-order mark (Excel opens them correctly) and
    guarded against formula injection. Excel workbooks get a drop-down list of
    the statuses in the ``status`` column and a second sheet listing them.

    Raises
    ------
    DecisionsError
        When ``path`` exists and ``overwrite`` is false (it may hold decisions),
        or has another suffix than .csv or .xlsx.
    """
    target = Path(path)
    if target.exists() and not overwrite:
        raise DecisionsError(
            f"{path}: the file exists and may hold decisions; kentassets does not write over "
            "it. Give a new file name (or delete the old file first)."
        )
    suffix = target.suffix.lower()
    if suffix == ".csv":
        return write_csv(table, target)
    if suffix != ".xlsx":
        raise DecisionsError(f"{path}: write the template as .csv or .xlsx.")
    return write_bytes_atomic(target, _workbook(table))


def _workbook(table: pd.DataFrame) -> bytes:
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    from ..safety import guard_csv_frame

    book = Workbook()
    sheet = book.active
    sheet.title = "decisions"
    safe = guard_csv_frame(table.astype(object).where(table.notna(), None))
    sheet.append(list(safe.columns))
    for row in safe.itertuples(index=False):
        sheet.append([None if v is None or v is pd.NA else v for v in row])
    status_col = list(safe.columns).index("status") + 1
    letter = sheet.cell(row=1, column=status_col).column_letter
    rule = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=True)
    rule.add(f"{letter}2:{letter}{max(2, len(safe) + 1)}")
    sheet.add_data_validation(rule)
    sheet.freeze_panes = "B2"
    statuses = book.create_sheet("statuses")
    statuses.append(["status"])
    for status in STATUSES:
        statuses.append([status])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
