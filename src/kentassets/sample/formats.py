"""Value and file formats the agency writers share: numbers, grid references, CSV, XLSX, ODS.

Everything returns bytes or text; nothing touches the disk. Spreadsheets carry
fixed timestamps (:data:`~.agencies.SAMPLE_TIMESTAMP`) so the same estate gives
byte-identical files.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from ..errors import ValidationError
from .agencies import SAMPLE_TIMESTAMP


def grid_reference(easting_m: float, northing_m: float, *, digits: int = 10) -> str:
    """Format a BNG coordinate as an OS grid reference with two letters.

    Parameters
    ----------
    easting_m, northing_m
        British National Grid coordinates, metres.
    digits
        Total number of figures: 6, 8 or 10.

    Returns
    -------
    str
        For example ``"TQ 75840 55630"``.

    Examples
    --------
    >>> grid_reference(575840, 155630)
    'TQ 75840 55630'
    >>> grid_reference(575840, 155630, digits=8)
    'TQ 7584 5563'
    """
    if digits not in (6, 8, 10):
        raise ValidationError(f"digits must be 6, 8 or 10; got {digits}.")
    e100k, n100k = int(easting_m // 100_000), int(northing_m // 100_000)
    l1 = (19 - n100k) - (19 - n100k) % 5 + (e100k + 10) // 5
    l2 = (19 - n100k) * 5 % 25 + e100k % 5
    l1 += l1 > 7
    l2 += l2 > 7
    half = digits // 2
    e = int(easting_m % 100_000) // 10 ** (5 - half)
    n = int(northing_m % 100_000) // 10 ** (5 - half)
    return f"{chr(65 + l1)}{chr(65 + l2)} {e:0{half}d} {n:0{half}d}"


def to_wgs84(easting: np.ndarray, northing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from pyproj import Transformer

    transformer = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    lon, lat = transformer.transform(easting, northing)
    return np.round(np.asarray(lat), 6), np.round(np.asarray(lon), 6)


def money(values: pd.Series) -> list[str]:
    return [f"\u00a3{v:,.0f}" if not pd.isna(v) else "" for v in values]


def num(values: pd.Series, fmt: str = "{:g}") -> list[str]:
    return [fmt.format(v) if not pd.isna(v) else "" for v in values]


def dates(values: pd.Series, fmt: str) -> list[str]:
    return [v.strftime(fmt) if not pd.isna(v) else "" for v in values]


def csv_bytes(
    header: Sequence[str] | None, rows: Sequence[Sequence[Any]], *, encoding: str,
    delimiter: str = ",", lineterminator: str = "\r\n",
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=lineterminator)
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def _fixed_zip(content: bytes) -> bytes:
    """Rewrite a zip (XLSX/ODS) with fixed entry times and fixed document dates."""
    stamp = SAMPLE_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%S")
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename in ("docProps/core.xml", "meta.xml"):
                text = data.decode("utf-8")
                text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?",
                              stamp + "Z" if info.filename.startswith("docProps") else stamp,
                              text)
                data = text.encode("utf-8")
            fixed = zipfile.ZipInfo(info.filename, date_time=SAMPLE_TIMESTAMP.timetuple()[:6])
            fixed.compress_type = info.compress_type
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, data)
    return out.getvalue()


def xlsx_bytes(
    sheet: str, header: Sequence[str], rows: Sequence[Sequence[Any]], *,
    title_rows: Sequence[str] = (), title: str,
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.properties.creator = "kentassets (synthetic sample data)"
    book.properties.title = title
    book.properties.created = SAMPLE_TIMESTAMP
    book.properties.modified = SAMPLE_TIMESTAMP
    ws = book.active
    assert ws is not None
    ws.title = sheet
    for text in title_rows:
        ws.append([text] if text else [])
    if title_rows:
        ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    ws.append(list(header))
    for cell in ws[len(title_rows) + 1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([None if (isinstance(v, float) and np.isnan(v)) else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_zip(buffer.getvalue())


def py(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return None
    return value


_ODS_NS: Final = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"'
)


def _ods_cell(value: Any) -> str:
    from xml.sax.saxutils import escape, quoteattr

    if value is None or (isinstance(value, float) and np.isnan(value)) or value == "":
        return "<table:table-cell/>"
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = f"{float(value):g}"
        return (f'<table:table-cell office:value-type="float" office:value="{number}">'
                f"<text:p>{number}</text:p></table:table-cell>")
    text = str(value)
    return (f'<table:table-cell office:value-type="string" office:string-value='
            f"{quoteattr(text)}><text:p>{escape(text)}</text:p></table:table-cell>")


def ods_bytes(sheet: str, table: pd.DataFrame, *, title: str) -> bytes:
    """A minimal, deterministic OpenDocument spreadsheet (one sheet, header on row 1).

    Written by hand because odfpy keeps namespaces in module state, so its output
    depends on what was written before in the same process.
    """
    from xml.sax.saxutils import escape, quoteattr

    rows = ["<table:table-row>" + "".join(_ods_cell(str(c)) for c in table.columns)
            + "</table:table-row>"]
    for record in table.itertuples(index=False):
        rows.append("<table:table-row>" + "".join(_ods_cell(py(v)) for v in record)
                    + "</table:table-row>")
    content = (
        f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-content {_ODS_NS} "
        'office:version="1.2"><office:body><office:spreadsheet>'
        f"<table:table table:name={quoteattr(sheet)}>" + "".join(rows)
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    stamp = SAMPLE_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%S")
    meta = (
        f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-meta {_ODS_NS} "
        f'office:version="1.2"><office:meta><dc:title>{escape(title)}</dc:title>'
        "<meta:generator>kentassets (synthetic sample data)</meta:generator>"
        f"<meta:creation-date>{stamp}</meta:creation-date><dc:date>{stamp}</dc:date>"
        "</office:meta></office:document-meta>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data, method in (
            ("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED),
            ("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED),
            ("meta.xml", meta, zipfile.ZIP_DEFLATED),
            ("content.xml", content, zipfile.ZIP_DEFLATED),
        ):
            info = zipfile.ZipInfo(name, date_time=SAMPLE_TIMESTAMP.timetuple()[:6])
            info.compress_type = method
            info.external_attr = 0o644 << 16
            archive.writestr(info, data.encode("utf-8"))
    return out.getvalue()
