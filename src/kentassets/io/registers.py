"""Read any register file into a raw table of text, with row numbers as people see them.

This is the only module of the loader that touches the disk. It does not
interpret values: every cell comes back as text (missing where blank), the
header is found and made unique, and each data row carries the row number a
person sees in Excel or a text editor (1-based, header and title rows counted).
:mod:`kentassets.load` turns the raw table into canonical assets.

Formats are recognised by their content first and their extension second:
delimited text (delimiter sniffed, including ``¬``; encoding detected among
UTF-8, UTF-8 with BOM, UTF-16, cp1252 and latin-1), XLSX, legacy XLS (also when
misnamed ``.xlsx``), ODS, and every vector format pyogrio reads (GeoJSON,
GeoPackage, Shapefile, FlatGeobuf, ...) plus GeoParquet. Vector geometry is
reprojected to British National Grid.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any, Final, TypedDict

import geopandas as gpd
import numpy as np
import pandas as pd

from ..errors import CoordinateSystemError, RegisterFormatError, where
from ..schema import CRS
from .spreadsheets import cell_text, read_workbook

logger = logging.getLogger(__name__)

#: Largest file read by default, in megabytes. Larger files fail before reading.
MAX_FILE_MB = 1024.0
#: Longest cell accepted, in characters (Excel's own limit is 32,767).
MAX_CELL_CHARS = 32_767
#: Delimiters tried when sniffing, most common first.
DELIMITERS = (",", ";", "\t", "|", "\xac", ":", "^", "~")
#: Rows examined to find the header.
_HEADER_SCAN_ROWS = 30
_SAMPLE_BYTES = 256 * 1024
_VECTOR_EXTENSIONS = {
    ".geojson",
    ".json",
    ".gpkg",
    ".shp",
    ".fgb",
    ".gml",
    ".kml",
    ".gdb",
    ".sqlite",
    ".tab",
    ".mif",
}
_POSTCODE_LIKE = re.compile(r"^[A-Za-z]{1,2}[0-9][A-Za-z0-9]?\s*[0-9][A-Za-z]{2}$")
_NUMBER_LIKE = re.compile(r"^[-+£$]?\s*[\d,]*\.?\d+\s*%?$")
_LINE_BREAKS = re.compile(r"\r\n|\r|\n")


@dataclass
class RawTable:
    """A register as read from disk: text cells and row numbers.

    Attributes
    ----------
    frame
        One column per source column (unique names), every value text or
        missing, index ``0..n-1``.
    rows
        Row number of each data row as a person sees it (1-based), same length.
    path
        The file (``None`` for a database register: :mod:`kentassets.io.database`).
    sheet
        Worksheet or layer name, where the format has them.
    header_row
        Row number of the header (``None`` for headerless files and vector data).
    headerless
        True when the file has no header line and the names are generated or given.
    geometry
        The file's own geometry (vector formats), in EPSG:27700, same length.
    encoding, delimiter
        What was used to read a text file.
    original_names
        Source column names as written in the file, before de-duplication.
    """

    frame: pd.DataFrame
    rows: np.ndarray
    path: Path | None
    sheet: str | None = None
    header_row: int | None = None
    headerless: bool = False
    geometry: gpd.GeoSeries | None = None
    encoding: str | None = None
    delimiter: str | None = None
    original_names: tuple[str, ...] = field(default_factory=tuple)
    format: str = "delimited"


class ReadingOptions(TypedDict, total=False):
    """How to read a register file, where its own form does not say (all optional).

    ``sheet`` (spreadsheets), ``header_row`` (the header's line or row number as
    seen in Excel, 1-based), ``encoding`` and ``delimiter`` (text files), and
    ``names`` (the column names of a headerless file): see
    :func:`read_register_file`. The readers of registers and demand tables take
    them as keywords of their own.
    """

    sheet: str | None
    header_row: int | None
    encoding: str | None
    delimiter: str | None
    names: Sequence[str] | None


def read_register_file(
    path: str | PathLike[str],
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    names: Sequence[str] | None = None,
    crs: str | None = None,
    display_name: str | None = None,
    max_file_mb: float = MAX_FILE_MB,
    max_cell_chars: int = MAX_CELL_CHARS,
) -> RawTable:
    """Read a register file of any supported format into a :class:`RawTable`.

    Parameters
    ----------
    path
        The file. It is only read, never written.
    sheet
        Worksheet (XLSX, XLS, ODS) or layer (GeoPackage). Default: the first
        sheet that holds data.
    header_row
        Row number of the header as seen in Excel (1-based). Default: detected.
    encoding
        Text encoding. Default: detected (UTF-8, UTF-8 with BOM, UTF-16, cp1252,
        latin-1).
    delimiter
        Field delimiter of a text file. Default: sniffed.
    names
        Column names of a headerless file. The data starts on ``header_row``
        (default 1).
    crs
        CRS of a vector file that does not declare one.
    display_name
        How to name the file in messages (default: the path as given).
    max_file_mb
        Files larger than this fail before any reading.
    max_cell_chars
        A longer cell is an error naming its row and column.

    Returns
    -------
    RawTable

    Raises
    ------
    RegisterFormatError
        If the file is missing, empty, too large, binary, has no data rows, a
        wrong sheet name, or a cell too long.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
    >>> _ = p.write_text("Title\\n\\nName;Postcode\\nHall;ME14 1XQ\\n")
    >>> raw = read_register_file(p)
    >>> raw.header_row, raw.rows.tolist(), raw.frame.loc[0, "Postcode"]
    (3, [4], 'ME14 1XQ')
    """
    path = Path(path)
    shown = display_name or str(path)
    if not path.exists():
        raise RegisterFormatError(f"{shown}: file not found. Check the path.")
    if path.is_dir() and path.suffix.lower() != ".gdb":
        raise RegisterFormatError(f"{shown}: is a folder, not a register file. Name a file.")
    size = path.stat().st_size if path.is_file() else 0
    if path.is_file() and size == 0:
        raise RegisterFormatError(
            f"{shown}: the file is empty (0 bytes). Export the register again."
        )
    if size > max_file_mb * 1024 * 1024:
        raise RegisterFormatError(
            f"{shown}: the file is {size / 1024 / 1024:,.0f} MB, more than the "
            f"{max_file_mb:,.0f} MB limit. Check it is the right file, split it, or raise "
            "max_file_mb."
        )
    kind = detect_format(path)
    logger.debug("Reading %s as %s", shown, kind)
    request = _Request(sheet=sheet, header_row=header_row, encoding=encoding,
                       delimiter=delimiter, names=names, crs=crs)
    raw = READERS[kind](path, shown, request)
    _check_cells(raw, shown, max_cell_chars)
    if len(raw.frame) == 0:
        hint = (
            "the header was found but no data rows follow it"
            if raw.header_row
            else "no data rows were found"
        )
        raise RegisterFormatError(
            f"{where(shown, sheet=raw.sheet)}: {hint}. Check that this is the full export "
            "(and the right sheet)."
        )
    return raw


# --- format detection ----------------------------------------------------------


#: The first bytes of a file -> its kind (checked before the extension).
SIGNATURES: Final[tuple[tuple[bytes, str], ...]] = (
    (b"\xd0\xcf\x11\xe0", "xls"),  # OLE2: legacy Excel
    (b"PAR1", "parquet"),
    (b"SQLite format 3", "vector"),  # GeoPackage, SpatiaLite
)
#: File extension -> kind, when the first bytes do not say; anything else is text.
EXTENSIONS: Final[dict[str, str]] = {
    ".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".ods": "ods",
    ".parquet": "parquet", ".geoparquet": "parquet",
    **dict.fromkeys(_VECTOR_EXTENSIONS, "vector"),
}


def detect_format(path: Path) -> str:
    """The kind of register file (a key of :data:`READERS`): sniffed from its first
    bytes (:data:`SIGNATURES`, a zip's contents), else by its extension
    (:data:`EXTENSIONS`), else ``"delimited"`` text."""
    if path.is_dir():
        return "vector"  # a File Geodatabase folder
    with path.open("rb") as handle:
        head = handle.read(16)
    for signature, kind in SIGNATURES:
        if head.startswith(signature):
            return kind
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    return EXTENSIONS.get(path.suffix.lower(), "delimited")


def _zip_kind(path: Path) -> str:
    """An XLSX or ODS workbook by what the zip holds (or its extension), else a zipped
    GIS file (a shapefile and the like)."""
    try:
        with zipfile.ZipFile(path) as archive:
            listed = archive.namelist()
            if any(n.startswith("xl/") for n in listed):
                return "xlsx"
            if "mimetype" in listed and b"opendocument.spreadsheet" in archive.read("mimetype"):
                return "ods"
    except zipfile.BadZipFile:
        pass
    by_name = EXTENSIONS.get(path.suffix.lower())
    return by_name if by_name in ("xlsx", "ods") else "vector"


@dataclass(frozen=True)
class _Request:
    """How to read one file (the options of :func:`read_register_file`)."""

    sheet: str | None
    header_row: int | None
    encoding: str | None
    delimiter: str | None
    names: Sequence[str] | None
    crs: str | None


def _vector_reader(*, parquet: bool) -> Callable[[Path, str, _Request], RawTable]:
    def read(path: Path, shown: str, request: _Request) -> RawTable:
        return _read_vector(path, shown, sheet=request.sheet, crs=request.crs, parquet=parquet)
    return read


def _workbook_reader(kind: str) -> Callable[[Path, str, _Request], RawTable]:
    def read(path: Path, shown: str, request: _Request) -> RawTable:
        grid, sheet_name = read_workbook(path, shown, kind, request.sheet)
        raw = _table_from_grid(grid, path, shown, sheet_name, request.header_row, request.names)
        raw.format = kind
        return raw
    return read


def _text_reader(path: Path, shown: str, request: _Request) -> RawTable:
    if request.sheet is not None:
        logger.info("%s: sheet %r ignored for a text file", shown, request.sheet)
    return _read_delimited(path, shown, header_row=request.header_row,
                           encoding=request.encoding, delimiter=request.delimiter,
                           names=request.names)


# --- delimited text --------------------------------------------------------------


def scan_text(path: Path, shown: str, *, detect: bool) -> tuple[str, bool]:
    """One pass over a text file's bytes: its encoding, and whether it quotes.

    The encoding (only when ``detect``): a byte-order mark decides; otherwise
    UTF-8 when every byte sequence is valid UTF-8, else a single-byte Windows or
    Latin encoding. A file without a double quote cannot hold a line break
    inside a cell, which lets the reader split lines without tracking quotes.

    Returns
    -------
    tuple
        ``(encoding, quoted)``; the encoding is ``""`` when not ``detect``.

    Raises
    ------
    RegisterFormatError
        If the file holds zero bytes or many control bytes: it is not text.
    """
    with path.open("rb") as handle:
        head = handle.read(_SAMPLE_BYTES)
        if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
            return ("utf-16" if detect else ""), True
        encoding = ""
        if detect:
            if head.startswith(codecs.BOM_UTF8):
                encoding = "utf-8-sig"
            elif b"\x00" in head:
                raise RegisterFormatError(
                    f"{shown}: the file is not text (it contains binary bytes) and is not a "
                    "recognised spreadsheet or GIS format. Export the register as CSV, XLSX, "
                    "ODS or GeoJSON."
                )
            controls = sum(
                head.count(bytes([b])) for b in (*range(1, 9), 11, 12, *range(14, 32))
            )
            if head and controls / len(head) > 0.05:
                raise RegisterFormatError(
                    f"{shown}: the file does not look like text ({controls} control bytes in "
                    "the first block). Export the register as CSV, XLSX, ODS or GeoJSON."
                )
        decoder = codecs.getincrementaldecoder("utf-8")() if detect and not encoding else None
        failed = False
        quoted = False
        block = head
        start = 0
        while block:
            if detect and b"\x00" in block:
                # A zero-filled tail (an interrupted copy or download): fail now,
                # not after reading gigabytes of zeros into one cell.
                at = start + block.index(b"\x00")
                raise RegisterFormatError(
                    f"{shown}: the file holds a binary zero byte at byte {at:,}, so it is not "
                    "a text register; zeros usually mean it is truncated or damaged (an "
                    "interrupted copy or download?). Copy or export the register again."
                )
            quoted = quoted or b'"' in block
            if decoder is not None and not (block.isascii() and not decoder.getstate()[0]):
                # (ASCII with nothing pending is valid UTF-8: no need to decode it.)
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    decoder, failed = None, True
            if quoted and not detect:
                break  # nothing more to learn
            start += len(block)
            block = handle.read(16 * 1024 * 1024)
        if decoder is not None:
            try:
                decoder.decode(b"", final=True)
                encoding = "utf-8"
            except UnicodeDecodeError:
                failed = True
    if failed:
        encoding = _single_byte_encoding(path)
    return encoding, quoted


def _single_byte_encoding(path: Path) -> str:
    """cp1252 is what Excel on Windows writes; latin-1 decodes any byte."""
    try:
        with path.open("rb") as handle:
            cp1252 = codecs.getincrementaldecoder("cp1252")()
            for block in iter(lambda: handle.read(16 * 1024 * 1024), b""):
                cp1252.decode(block)
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def _sniff_delimiter(sample: str, *, complete: bool = True) -> str:
    """Pick the delimiter giving the most consistent number of fields per line."""
    # Only CR and LF end CSV records: str.splitlines() would also split on
    # \x1c-\x1e, \x85, \u2028... inside cells and spoil the field counts.
    lines = _LINE_BREAKS.split(sample)
    if not complete and len(lines) > 1:
        lines = lines[:-1]  # the last line of a partial sample may be cut short
    text = "\n".join(lines[:200])
    # A one-column file: any delimiter that does not occur keeps each line whole.
    unused = next((c for c in DELIMITERS if c not in text), ",")
    best, best_score = unused, (-1.0, 0)
    for candidate in DELIMITERS:
        if candidate not in text:
            continue
        counts: list[int] = []
        try:
            for row in csv.reader(io.StringIO(text), delimiter=candidate):
                if any(cell.strip() for cell in row):
                    counts.append(len(row))
        except csv.Error:
            pass  # a field over csv's size limit: judge by the rows before it
        if not counts:
            continue
        values, freq = np.unique(counts, return_counts=True)
        modal = int(values[freq == freq.max()].max())  # ties: the wider layout
        if modal < 2:
            continue
        # Consistency counts most; more fields break ties (title rows are 1 field).
        share = float((np.asarray(counts) == modal).sum()) / len(counts)
        if share <= 0.5 and len(counts) > 1:
            continue  # no consistent layout with this delimiter
        score = (round(share, 2), modal)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _read_delimited(
    path: Path,
    shown: str,
    *,
    header_row: int | None,
    encoding: str | None,
    delimiter: str | None,
    names: Sequence[str] | None,
) -> RawTable:
    detected, quoted = scan_text(path, shown, detect=encoding is None)
    enc = encoding or detected
    sample = _read_sample(path, shown, enc)
    complete = len(sample) < _SAMPLE_BYTES
    sep = delimiter or _sniff_delimiter(sample, complete=complete)
    head_records, line_after = _head_records(sample, sep, shown)
    header_index, column_names, original, headerless = _resolve_header(
        head_records,
        max((len(r) for r in head_records), default=0),
        names=names,
        header_row=header_row,
        where_text=shown,
        scope="read to find the header",
    )
    skip_lines = line_after[header_index] if header_index >= 0 else 0
    header_number = header_index + 1 if header_index >= 0 and not headerless else None

    frame = _read_records(path, shown, enc, sep, skip_lines, column_names, quoted=quoted)
    first_number = (header_index + 2) if header_index >= 0 else 1
    rows = np.arange(first_number, first_number + len(frame), dtype=np.int64)
    frame, rows = _drop_blank_rows(frame, rows)
    return RawTable(
        frame=frame,
        rows=rows,
        path=path,
        header_row=header_number,
        headerless=headerless,
        encoding=enc,
        delimiter=sep,
        original_names=original,
        format="delimited",
    )


def _read_sample(path: Path, shown: str, enc: str) -> str:
    """The first ``_SAMPLE_BYTES`` characters, to sniff the delimiter and find the header."""
    try:
        with path.open("r", encoding=enc, errors="strict", newline="") as handle:
            sample = handle.read(_SAMPLE_BYTES)
    except UnicodeDecodeError as exc:
        raise RegisterFormatError(
            f"{shown}: cannot be read as {enc} ({exc.reason} at byte {exc.start}). Give the "
            "right encoding (for example encoding = \"cp1252\") or leave it out to detect it."
        ) from exc
    if not sample.strip():
        raise RegisterFormatError(f"{shown}: the file holds only blank lines. Export it again.")
    return sample


def _head_records(sample: str, sep: str, shown: str) -> tuple[list[list[str]], list[int]]:
    """Records in the sample, for header detection, and the line after each (to skip exactly)."""
    reader = csv.reader(io.StringIO(sample), delimiter=sep)
    head_records: list[list[str]] = []
    line_after: list[int] = []
    try:
        for record in reader:
            head_records.append(record)
            line_after.append(reader.line_num)
            if len(head_records) >= _HEADER_SCAN_ROWS:
                break
    except csv.Error as exc:
        # A huge cell in the sample: keep the rows read so far; the full read
        # below names the cell's row and column.
        if not head_records:
            raise RegisterFormatError(
                f"{shown}: cannot split the first row into columns ({exc}). Check the "
                "delimiter and quoting."
            ) from exc
    return head_records, line_after


def _read_records(
    path: Path,
    shown: str,
    enc: str,
    sep: str,
    skip_lines: int,
    column_names: list[str],
    *,
    quoted: bool,
) -> pd.DataFrame:
    """Every record after the header, as text (pyarrow when it can, else pandas)."""
    python_engine = len(sep) != 1 or ord(sep) > 127
    frame = None
    if not python_engine and not enc.lower().replace("_", "-").startswith("utf-16"):
        # Arrow's reader keeps blank lines as empty rows (dropped below, their
        # numbers kept) and skips header lines as csv.reader counts them.
        frame = _read_with_pyarrow(path, enc, sep, skip_lines, column_names, quoted=quoted)
    try:
        if frame is None:
            frame = pd.read_csv(
                path,
                sep=sep,
                encoding=enc,
                header=None,
                names=column_names,
                skiprows=skip_lines,
                dtype=str,
                keep_default_na=False,
                na_values=[""],
                skip_blank_lines=False,
                engine="python" if python_engine else "c",
                index_col=False,
            )
    except UnicodeDecodeError as exc:
        raise RegisterFormatError(
            f"{shown}: cannot be read as {enc} ({exc.reason}). Give the right encoding "
            "(for example encoding = \"cp1252\")."
        ) from exc
    except (pd.errors.ParserError, ValueError, csv.Error) as exc:
        raise RegisterFormatError(
            f"{shown}: cannot split into {len(column_names)} columns with delimiter "
            f"{sep!r}: {exc}. Check the delimiter and quoting, or give delimiter and "
            "header_row in the manifest."
        ) from exc
    except pd.errors.EmptyDataError as exc:
        raise RegisterFormatError(f"{shown}: no data rows after the header.") from exc
    return frame


def _read_with_pyarrow(
    path: Path, encoding: str, sep: str, skip_lines: int, names: list[str], *, quoted: bool
) -> pd.DataFrame | None:
    """Read a delimited file as text with Arrow's multi-threaded reader.

    ``quoted``: whether the file holds a double quote anywhere; without one,
    no cell holds a line break and the reader need not look for them (faster).
    Returns ``None`` when Arrow cannot read it exactly (ragged rows and the
    like); the caller then uses pandas' reader, which reports the problem.
    """
    import pyarrow as pa
    from pyarrow import csv as pa_csv

    try:
        table = pa_csv.read_csv(
            path,
            read_options=pa_csv.ReadOptions(
                skip_rows=skip_lines,
                column_names=names,
                encoding="utf8" if encoding in ("utf-8", "utf-8-sig") else encoding,
                block_size=16 * 1024 * 1024,
            ),
            parse_options=pa_csv.ParseOptions(
                delimiter=sep, newlines_in_values=quoted, ignore_empty_lines=False
            ),
            convert_options=pa_csv.ConvertOptions(
                # large_string is what pandas keeps: no conversion after reading.
                column_types=dict.fromkeys(names, pa.large_string()),
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError, LookupError):
        return None
    frame = table.to_pandas()
    if encoding == "utf-8-sig" and skip_lines == 0 and len(frame.columns):
        return None  # a BOM before the first field: let pandas strip it
    return frame


def _cell_is_data(cell: str) -> bool:
    text = cell.strip()
    return bool(_POSTCODE_LIKE.match(text) or _NUMBER_LIKE.match(text))


def _resolve_header(
    rows: Sequence[Sequence[str | None]],
    width: int,
    *,
    names: Sequence[str] | None,
    header_row: int | None,
    where_text: str,
    scope: str,
) -> tuple[int, list[str], tuple[str, ...], bool]:
    """Where the header is and what the columns are called, for text and sheets.

    ``rows`` are the rows as text (None: an empty cell); ``width`` the widest. Column
    names given in the manifest (``names``) make the file headerless, with the
    data from ``header_row`` (default 1); otherwise ``header_row`` names the
    header row, or the header is found (:func:`_find_header`).

    Returns
    -------
    tuple
        ``(header_index, column_names, original_names, headerless)``; the index
        is that of the header record (-1: none).

    Raises
    ------
    RegisterFormatError
        If ``header_row`` lies beyond ``rows``.
    """
    if names is not None:
        column_names = [str(n) for n in names]
        original = tuple(column_names)
        if len(column_names) < width:  # keep extra fields rather than drop them
            column_names += [f"Column {i}" for i in range(len(column_names) + 1, width + 1)]
        # The record before the data (may be -1).
        return (header_row or 1) - 2, _unique_names(column_names), original, True
    if header_row is not None:
        header_index = header_row - 1
        if header_index >= len(rows):
            raise RegisterFormatError(
                f"{where_text}: header_row {header_row} is beyond the last row {scope} "
                f"({len(rows)}). Give the row number of the header as seen in Excel."
            )
    else:
        header_index = _find_header([[c or "" for c in r] for r in rows[:_HEADER_SCAN_ROWS]])
    if header_index < 0:
        column_names = [f"Column {i}" for i in range(1, width + 1)]
        return header_index, column_names, tuple(column_names), True
    original = tuple(c or "" for c in rows[header_index])
    return header_index, _unique_names(original), original, False


def _find_header(records: list[list[str]]) -> int:
    """Index of the header record in ``records``, or -1 when the file has none.

    The header is the first row that fills most of the table's width with text
    that does not look like data (numbers, postcodes).
    """
    filled = [sum(1 for c in r if c.strip()) for r in records]
    if not filled or max(filled) == 0:
        return 0
    width = max(filled)
    for index, record in enumerate(records):
        if filled[index] == 0 or (filled[index] < max(2, 0.5 * width) and width >= 2):
            continue
        cells = [c for c in record if c.strip()]
        data_like = sum(_cell_is_data(c) for c in cells)
        if data_like == 0 or data_like / len(cells) < 0.2:
            return index
        return -1  # the first full row is data: the file has no header
    return 0


def _unique_names(names: Sequence[Any]) -> list[str]:
    """Make column names unique and non-blank: ``Name``, ``Name (2)``, ``Column 5``."""
    out: list[str] = []
    used: set[str] = set()
    for position, name in enumerate(names, start=1):
        text = "" if name is None or (isinstance(name, float) and np.isnan(name)) else str(name)
        text = " ".join(text.split())
        if not text:
            text = f"Column {position}"
        if text.lower() in used:
            number = 2
            while f"{text} ({number})".lower() in used:
                number += 1
            text = f"{text} ({number})"
        used.add(text.lower())
        out.append(text)
    return out


def _drop_blank_rows(frame: pd.DataFrame, rows: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    if frame.shape[1] == 0:
        return frame, rows
    blank = frame.isna().all(axis=1).to_numpy()
    if blank.any():
        frame = frame.loc[~blank].reset_index(drop=True)
        rows = rows[~blank]
    return frame, rows


# --- spreadsheets -----------------------------------------------------------------


def _table_from_grid(
    grid: list[list[Any]],
    path: Path,
    shown: str,
    sheet: str,
    header_row: int | None,
    names: Sequence[str] | None,
) -> RawTable:
    width = max((len(r) for r in grid), default=0)
    if width == 0 or not any(any(cell_text(c) for c in r) for r in grid):
        raise RegisterFormatError(
            f'{shown}, sheet "{sheet}": the sheet is empty. Choose the sheet that holds the '
            "register (sheet in the manifest)."
        )
    text = [[cell_text(c) for c in r] + [None] * (width - len(r)) for r in grid]
    header_index, column_names, original, headerless = _resolve_header(
        text,
        width,
        names=names,
        header_row=header_row,
        where_text=f'{shown}, sheet "{sheet}"',
        scope="of the sheet",
    )
    body = text[header_index + 1 :] if header_index >= 0 else text
    if len(column_names) > width:
        body = [r + [None] * (len(column_names) - width) for r in body]
    frame = pd.DataFrame(body, columns=column_names, dtype=object).astype("str")
    start = header_index + 2 if header_index >= 0 else 1
    rows = np.arange(start, start + len(frame), dtype=np.int64)
    frame, rows = _drop_blank_rows(frame, rows)
    return RawTable(
        frame=frame.reset_index(drop=True),
        rows=rows,
        path=path,
        sheet=sheet,
        header_row=None if headerless else header_index + 1,
        headerless=headerless,
        original_names=original,
    )


# --- vector formats ------------------------------------------------------------------


def _read_vector(
    path: Path, shown: str, *, sheet: str | None, crs: str | None, parquet: bool
) -> RawTable:
    data = _read_gis(path, shown, sheet=sheet, parquet=parquet)
    frame, geometry = _split_geometry(data, shown, crs=crs)
    original = tuple(str(c) for c in frame.columns)
    names = _unique_names(original)
    frame.columns = pd.Index(names)
    frame = frame.reset_index(drop=True)
    text = pd.DataFrame(
        {col: _series_text(frame[col]) for col in frame.columns}, index=frame.index
    )
    rows = np.arange(1, len(text) + 1, dtype=np.int64)
    if geometry is not None:
        geometry = geometry.reset_index(drop=True)
    return RawTable(
        frame=text,
        rows=rows,
        path=path,
        sheet=sheet,
        header_row=None,
        headerless=False,
        geometry=geometry,
        original_names=original,
        format="parquet" if parquet else "vector",
    )


def _read_gis(
    path: Path, shown: str, *, sheet: str | None, parquet: bool
) -> pd.DataFrame:
    """The GIS file (or GeoParquet) as read, its layer checked against ``sheet``."""
    try:
        if parquet:
            data = gpd.read_parquet(path)
        else:
            import pyogrio

            layers = [str(row[0]) for row in pyogrio.list_layers(path)]
            if sheet is not None and sheet not in layers:
                listed = ", ".join(f'"{name}"' for name in layers)
                raise RegisterFormatError(
                    f'{shown}: there is no layer "{sheet}". The layers are {listed}. Give '
                    "one of them as sheet in the manifest."
                )
            data = gpd.read_file(path, layer=sheet, engine="pyogrio")
    except RegisterFormatError:
        raise
    except Exception as exc:
        raise RegisterFormatError(
            f"{shown}: cannot be read as a GIS file ({type(exc).__name__}: {exc}). Check the "
            "file is complete, or export it as GeoJSON or GeoPackage."
        ) from exc
    return data


def _split_geometry(
    data: pd.DataFrame, shown: str, *, crs: str | None
) -> tuple[pd.DataFrame, gpd.GeoSeries | None]:
    """The attribute columns, and the geometry in British National Grid (None without)."""
    if not isinstance(data, gpd.GeoDataFrame) or data.geometry.name not in data.columns:
        frame = pd.DataFrame(data)
        geometry = None
    else:
        if data.crs is None:
            if crs is None:
                raise CoordinateSystemError(
                    f"{shown}: the file does not say which coordinate system its geometry "
                    'uses. Give crs in the manifest (for example crs = "EPSG:27700").'
                )
            data = data.set_crs(crs)
        elif crs is not None:
            logger.info("%s: declares %s; crs=%s ignored", shown, data.crs, crs)
        try:
            geometry = data.geometry.to_crs(CRS)
        except Exception as exc:
            raise CoordinateSystemError(
                f"{shown}: cannot reproject from {data.crs} to {CRS}: {exc}."
            ) from exc
        frame = pd.DataFrame(data.drop(columns=data.geometry.name))
    return frame, geometry


def _series_text(series: pd.Series) -> pd.Series:
    if pd.api.types.is_float_dtype(series.dtype):
        values = series.to_numpy(dtype=float)
        integral = np.isfinite(values) & (np.mod(values, 1) == 0) & (np.abs(values) < 1e15)
        out = series.astype("str")
        out = out.where(~integral, pd.Series(values, index=series.index).round().astype(
            "Int64"
        ).astype("str"))
        return out.where(series.notna())
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return series.dt.strftime("%Y-%m-%d").astype("str").where(series.notna())
    if series.dtype == object:
        return series.map(cell_text).astype("str").where(series.notna())
    return series.astype("str").where(series.notna())


# --- checks ------------------------------------------------------------------------------


def _check_cells(raw: RawTable, shown: str, max_cell_chars: int) -> None:
    """Fail on a cell longer than ``max_cell_chars`` (a sign of a broken file)."""
    import pyarrow.compute as pc

    for column in raw.frame.columns:
        array = raw.frame[column].array
        if isinstance(array, pd.arrays.ArrowStringArray):
            # Bytes bound characters from above: most files pass on the byte count.
            widest = pc.max(pc.binary_length(array._pa_array)).as_py()
            if widest is None or widest <= max_cell_chars:
                continue
        lengths = raw.frame[column].str.len()
        longest = lengths.max()
        if pd.notna(longest) and longest > max_cell_chars:
            position = int(np.nanargmax(lengths.to_numpy(dtype=float, na_value=np.nan)))
            row = int(raw.rows[position])
            raise RegisterFormatError(
                f"{where(shown, sheet=raw.sheet, rows=row, column=str(column))}: the cell "
                f"holds {int(longest):,} characters, more than the {max_cell_chars:,} allowed. "
                "This usually means an unclosed quote or a wrong delimiter; correct the cell "
                "or the file's quoting."
            )


#: Kind of file (:func:`detect_format`) -> its reader. A new format is a reader and a
#: row here, with its signature or extension above.
READERS: Final[dict[str, Callable[[Path, str, _Request], RawTable]]] = {
    "delimited": _text_reader,
    "xlsx": _workbook_reader("xlsx"),
    "xls": _workbook_reader("xls"),
    "ods": _workbook_reader("ods"),
    "vector": _vector_reader(parquet=False),
    "parquet": _vector_reader(parquet=True),
}
