"""Reading and writing workshop decisions files (CSV or Excel).

The file's format is defined here (:data:`DECISION_COLUMNS`, :data:`STATUSES`,
:func:`check_columns`); the rules for its rows, and what they change, are in
:mod:`kentassets.rounds.decisions`. This module only moves the file between disk and a
table. An existing file is never
written over by the template writer unless asked.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pandas as pd

from .. import _compat, schema
from ..errors import DecisionsError
from .outputs import write_bytes_atomic, write_csv

__all__ = [
    "DATE_COLUMNS",
    "DECISION_COLUMNS",
    "STATUSES",
    "TEMPLATE_INFO_COLUMNS",
    "DecisionRows",
    "check_columns",
    "read_decision_rows",
    "write_decisions_template",
]

#: Allowed statuses, in the order a co-location moves through them.
STATUSES: Final = (
    "proposed", "pursue", "business_case", "in_delivery", "done", "rejected", "on_hold",
)
#: The columns of a decisions file.
DECISION_COLUMNS: Final = (
    schema.COLOCATION_ID, "status", "lead_agency", "decided_on", "saving_realised_gbp", "note",
    "start", "complete_by",
)
#: The date columns of a decisions file (``start`` and ``complete_by`` date the
#: project in the implementation plan).
DATE_COLUMNS: Final = ("decided_on", "start", "complete_by")
#: Columns the template adds for the reader's information; ignored when read.
TEMPLATE_INFO_COLUMNS: Final = (
    "district", "place", "agencies", "estimated_saving_gbp", "shortlisted", "statuses_allowed",
)

@dataclass(frozen=True)
class DecisionRows:
    """A decisions file's rows as read, before they are checked.

    Parameters
    ----------
    rows
        The rows with the file's column names (text, or Excel values).
    source
        The file, as the user named it (for the messages).
    sheet
        The worksheet read, for Excel files.
    """

    rows: pd.DataFrame
    source: str
    sheet: str | None = None


def check_columns(columns: Sequence[str], source: str) -> None:
    """Raise :class:`DecisionsError` for unknown columns or no ``colocation_id`` column."""
    allowed = set(DECISION_COLUMNS) | set(TEMPLATE_INFO_COLUMNS)
    unknown = [c for c in columns if str(c).strip() not in allowed]
    if unknown:
        raise DecisionsError(
            f"{source}: unknown column(s) {', '.join(repr(str(c)) for c in unknown)}. A decisions "
            f"file has the columns {', '.join(DECISION_COLUMNS)}; rename or delete the others "
            "(`kentassets decisions template` writes a file with the right columns)."
        )
    if schema.COLOCATION_ID not in [str(c).strip() for c in columns]:
        raise DecisionsError(
            f"{source}: no colocation_id column. Add a column named colocation_id holding the "
            "ids shown on the maps (e.g. MAI-03)."
        )



def __getattr__(name: str) -> Any:
    """``read_decisions`` moved to :mod:`kentassets.pipeline.workshop` (see ``_compat``)."""
    return _compat.moved_name(__name__, name)


_EXCEL = (".xlsx", ".xlsm")
_TEXT = (".csv", ".txt")


def read_decision_rows(path: str | os.PathLike[str]) -> DecisionRows:
    """The rows of a decisions file as text (CSV) or Excel values.

    The columns are checked at once (so that a build stops before any work);
    the rows are checked against the ids later, by
    :func:`kentassets.rounds.decisions.check_decisions`.

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


def write_decisions_template(
    table: pd.DataFrame, path: str | os.PathLike[str], *, overwrite: bool = False
) -> Path:
    """Write a decisions template (:func:`kentassets.rounds.decisions.decisions_template`).

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
