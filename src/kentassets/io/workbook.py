"""Excel workbooks with native charts, written byte for byte the same every time.

:func:`workbook_bytes` writes sheets of tables (each with an optional line
chart over one of them) with openpyxl. Every text cell is stored as text, so
that a cell from an input file starting with ``=``, ``+``, ``-`` or ``@`` is
never run as a formula; the document dates are fixed and the zip entries
stamped with the same date, so the same input gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["SheetChart", "SheetTable", "WorkbookSheet", "workbook_bytes"]


@dataclass(frozen=True)
class SheetTable:
    """A table on a sheet: a heading, then the frame with its column names."""

    heading: str
    frame: pd.DataFrame
    money_columns: tuple[str, ...] = ()
    share_columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class SheetChart:
    """A line chart over one table of a sheet.

    ``table`` is the index of the table in :attr:`WorkbookSheet.tables`;
    ``category`` its column on the x axis; ``series`` the columns drawn.
    """

    title: str
    table: int
    category: str
    series: tuple[str, ...]
    y_title: str = ""
    x_title: str = ""


@dataclass(frozen=True)
class WorkbookSheet:
    """One sheet: a title line, notes, tables one under the other, a chart."""

    name: str
    title: str
    notes: tuple[str, ...] = ()
    tables: tuple[SheetTable, ...] = ()
    chart: SheetChart | None = None
    widths: dict[str, float] = field(default_factory=dict)


def workbook_bytes(sheets: Sequence[WorkbookSheet], *, created: dt.date, title: str = ""
                   ) -> bytes:
    """The workbook as ``.xlsx`` bytes (same input, same bytes).

    Parameters
    ----------
    sheets
        The sheets, in order (names at most 31 characters, unique).
    created
        The date written as the document's creation and modification date
        (the data date), and on every zip entry.
    title
        The document title.
    """
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        _write_sheet(book, sheet)
    when = dt.datetime(created.year, created.month, created.day)
    book.properties.created = when
    book.properties.modified = when
    book.properties.title = _text(title)
    book.properties.creator = "kentassets"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()
    return _restamp(buffer.getvalue(), when)


def _restamp(data: bytes, when: dt.datetime) -> bytes:
    """The zip again with every entry dated ``when`` (openpyxl stamps them with now)."""
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def _write_sheet(book: Any, sheet: WorkbookSheet) -> None:
    from openpyxl.styles import Font

    ws = book.create_sheet(sheet.name[:31])
    _put(ws.cell(row=1, column=1), sheet.title).font = Font(bold=True, size=14)
    row = 2
    for note in sheet.notes:
        _put(ws.cell(row=row, column=1), note).font = Font(italic=True, color="555555")
        row += 1
    anchors = []
    for table in sheet.tables:
        row += 1
        anchors.append(row + 1)
        row = _write_table(ws, table, row) + 1
    for letter, width in sheet.widths.items():
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = None
    if sheet.chart is not None and sheet.tables:
        _add_chart(ws, sheet, anchors, row + 1)


def _write_table(ws: Any, table: SheetTable, row: int) -> int:
    """Write a heading, the header and the rows from ``row``; the last row written."""
    from openpyxl.styles import Font, PatternFill

    _put(ws.cell(row=row, column=1), table.heading).font = Font(bold=True, size=12)
    header = row + 1
    fill = PatternFill("solid", fgColor="E8EEF4")
    for j, name in enumerate(table.frame.columns, start=1):
        cell = _put(ws.cell(row=header, column=j), str(name))
        cell.font, cell.fill = Font(bold=True), fill
    for i, values in enumerate(table.frame.itertuples(index=False), start=header + 1):
        for j, (name, value) in enumerate(zip(table.frame.columns, values, strict=True),
                                          start=1):
            cell = _put(ws.cell(row=i, column=j), value)
            if name in table.money_columns:
                cell.number_format = "£#,##0"
            elif name in table.share_columns:
                cell.number_format = "0%"
    return header + len(table.frame)


def _put(cell: Any, value: Any) -> Any:
    """Set a cell: numbers as numbers, missing as empty, anything else as text (never a formula)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        cell.value = None
    elif isinstance(value, bool):
        cell.value = "yes" if value else "no"
        cell.data_type = "s"
    elif isinstance(value, int | float):
        cell.value = float(value) if isinstance(value, float) else int(value)
    else:
        cell.value = _text(value)
        cell.data_type = "s"  # text, even when it starts with = + - @
    return cell


def _text(value: Any) -> str:
    """Text without the control characters Excel refuses."""
    return "".join(ch for ch in str(value) if ch in "\t\n" or ord(ch) >= 32)


def _add_chart(ws: Any, sheet: WorkbookSheet, anchors: Sequence[int], row: int) -> None:
    from openpyxl.chart import LineChart, Reference

    spec = sheet.chart
    assert spec is not None
    table = sheet.tables[spec.table]
    header = anchors[spec.table]
    columns = list(table.frame.columns)
    last = header + len(table.frame)
    chart = LineChart()
    chart.title = _text(spec.title)
    chart.y_axis.title = _text(spec.y_title)
    chart.x_axis.title = _text(spec.x_title)
    chart.y_axis.number_format = "£#,##0"
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    chart.height, chart.width = 9.0, 18.0
    for name in spec.series:
        col = columns.index(name) + 1
        chart.add_data(Reference(ws, min_col=col, min_row=header, max_row=last),
                       titles_from_data=True)
    cat = columns.index(spec.category) + 1
    chart.set_categories(Reference(ws, min_col=cat, min_row=header + 1, max_row=last))
    ws.add_chart(chart, f"A{row}")
