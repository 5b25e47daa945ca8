"""Spreadsheet registers: the grid of cells of one sheet of an XLSX, XLS or ODS
workbook, as text, for :func:`kentassets.io.registers.read_register_file` (which
finds the header and builds the raw table). The readers' family of
:data:`kentassets.io.registers.READERS`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import RegisterFormatError

__all__ = ["cell_text", "pick_sheet", "read_ods", "read_workbook", "read_xls", "read_xlsx"]


def read_workbook(
    path: Path, shown: str, kind: str, sheet: str | None
) -> tuple[list[list[Any]], str]:
    try:
        if kind == "xlsx":
            return read_xlsx(path, shown, sheet)
        if kind == "xls":
            return read_xls(path, shown, sheet)
        return read_ods(path, shown, sheet)
    except RegisterFormatError:
        raise
    except Exception as exc:
        raise RegisterFormatError(
            f"{shown}: cannot be read as a {kind.upper()} workbook ({type(exc).__name__}: "
            f"{exc}). Open it in a spreadsheet program and save it again as XLSX or CSV."
        ) from exc


def pick_sheet(shown: str, available: list[str], sheet: str | None, filled: list[bool]) -> str:
    if sheet is not None:
        if sheet in available:
            return sheet
        folded = {s.strip().lower(): s for s in available}
        if sheet.strip().lower() in folded:
            return folded[sheet.strip().lower()]
        listed = ", ".join(f'"{s}"' for s in available)
        raise RegisterFormatError(
            f'{shown}: there is no sheet "{sheet}". The sheets are {listed}. Give one of '
            "them as sheet in the manifest."
        )
    for name, has_data in zip(available, filled, strict=True):
        if has_data:
            return name
    return available[0]


def read_xlsx(path: Path, shown: str, sheet: str | None) -> tuple[list[list[Any]], str]:
    import openpyxl

    handle = path.open("rb")  # a handle, so a misnamed extension does not matter
    book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    try:
        names = list(book.sheetnames)
        # Look at the cells, not the declared size: files written without a
        # <dimension> (streaming writers) report None, and an empty sheet "A1".
        filled = [False] * len(names)
        if sheet is None:
            for number, name in enumerate(names):
                rows = book[name].iter_rows(min_row=1, values_only=True)
                if any(any(cell_text(v) for v in row) for row in rows):
                    filled[number] = True
                    break
        chosen = pick_sheet(shown, names, sheet, filled)
        sheet_obj = book[chosen]
        grid = [list(row) for row in sheet_obj.iter_rows(min_row=1, values_only=True)]
    finally:
        book.close()
        handle.close()
    return grid, chosen


def read_xls(path: Path, shown: str, sheet: str | None) -> tuple[list[list[Any]], str]:
    import xlrd

    book = xlrd.open_workbook(str(path), on_demand=True)
    try:
        names = list(book.sheet_names())
        filled = [book.sheet_by_name(n).nrows > 0 for n in names]
        chosen = pick_sheet(shown, names, sheet, filled)
        sh = book.sheet_by_name(chosen)
        grid: list[list[Any]] = []
        for rowx in range(sh.nrows):
            values: list[Any] = []
            for cell in sh.row(rowx):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    try:
                        values.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
                    except (ValueError, OverflowError):
                        values.append(cell.value)
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                    values.append(None)
                else:
                    values.append(cell.value)
            grid.append(values)
    finally:
        book.release_resources()
    return grid, chosen


def read_ods(path: Path, shown: str, sheet: str | None) -> tuple[list[list[Any]], str]:
    with pd.ExcelFile(path, engine="odf") as book:
        names = [str(n) for n in book.sheet_names]
        chosen = pick_sheet(shown, names, sheet, [True] * len(names))
        frame = pd.read_excel(
            book, sheet_name=chosen, header=None, dtype=object, keep_default_na=False
        )
    grid = frame.where(frame != "", None).to_numpy(dtype=object).tolist()
    return grid, chosen


def cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if np.isnan(value):
            return None
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    text = str(value)
    return text if text.strip() else None
