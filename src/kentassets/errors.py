"""Exception types. Every message says what is wrong, where, and how to fix it."""

from __future__ import annotations

from collections.abc import Sequence
from os import PathLike


class KentAssetsError(Exception):
    """Base class of every error kentassets raises on purpose.

    The CLI prints these as one line and exits non-zero. Catch this class to
    handle any problem with the inputs or parameters in one place.

    Parameters
    ----------
    message
        What is wrong, where, what was found and how to fix it.

    Examples
    --------
    >>> import kentassets as ka
    >>> estate = ka.sample_estate()
    >>> try:
    ...     ka.find_colocations(estate.assets, eps_m=0)
    ... except ka.KentAssetsError as exc:
    ...     print(type(exc).__name__, "between 1 and" in str(exc))
    ValidationError True
    """


class RegisterFormatError(KentAssetsError):
    """A register file cannot be read: wrong format, sheet, encoding or header.

    Parameters
    ----------
    message
        The file (and sheet, row, column where known), what was found and how to
        fix it.

    Examples
    --------
    >>> import kentassets as ka
    >>> ka.read_register("no-such-register.csv", agency="Kent Police")
    Traceback (most recent call last):
    ...
    kentassets.errors.RegisterFormatError: no-such-register.csv: ...
    """


class ManifestError(KentAssetsError):
    """A manifest is malformed, names a missing file or has unknown keys.

    Parameters
    ----------
    message
        The manifest, every problem found in it and how to fix them.

    Examples
    --------
    >>> import kentassets as ka
    >>> ka.parse_manifest("no-such-manifest.toml")
    Traceback (most recent call last):
    ...
    kentassets.errors.ManifestError: no-such-manifest.toml: manifest not found...
    """


class ValidationError(KentAssetsError, ValueError):
    """A parameter or a value is out of its allowed range.

    Also a :class:`ValueError`, so code that catches ``ValueError`` keeps working.

    Parameters
    ----------
    message
        The parameter, the value given and the allowed range.

    Examples
    --------
    >>> import kentassets as ka
    >>> ka.ClusterParams(eps_m=0)
    Traceback (most recent call last):
    ...
    kentassets.errors.ValidationError: eps_m must be between 1 and 10000, got 0...
    >>> issubclass(ka.ValidationError, ValueError)
    True
    """


class CoordinateSystemError(KentAssetsError):
    """Data is in the wrong coordinate reference system for the operation.

    Parameters
    ----------
    message
        The CRS found, the one needed and how to reproject.

    Examples
    --------
    >>> import kentassets as ka
    >>> lonlat = ka.sample_estate().assets.to_crs("EPSG:4326")
    >>> ka.find_colocations(lonlat)
    Traceback (most recent call last):
    ...
    kentassets.errors.CoordinateSystemError: assets are in a geographic CRS (EPSG:4326)...
    """


class BoundaryDataError(KentAssetsError):
    """District boundaries are missing, unreadable, or do not cover the study area.

    Parameters
    ----------
    message
        The file or district codes at fault and where to get usable boundaries.

    Examples
    --------
    >>> import kentassets as ka
    >>> ka.load_districts("no-such-boundaries.geojson")
    Traceback (most recent call last):
    ...
    kentassets.errors.BoundaryDataError: no-such-boundaries.geojson: boundary file not found...
    """


class BasemapError(KentAssetsError):
    """A base map file is missing, is not an OS product kentassets knows, or is empty here.

    Parameters
    ----------
    message
        The file, the layers found in it and which OS GeoPackages are accepted.

    Examples
    --------
    >>> import kentassets.io.basemap as basemap
    >>> basemap.read_basemap("no-such-basemap.gpkg", (0, 0, 1, 1))
    Traceback (most recent call last):
    ...
    kentassets.errors.BasemapError: no-such-basemap.gpkg: base map file not found...
    """


class OutputError(KentAssetsError):
    """An output folder cannot be written safely.

    Raised, for example, rather than write into a folder that holds files
    kentassets did not create: user files are never overwritten.

    Parameters
    ----------
    message
        The folder, what is in the way and which folder to use instead.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import kentassets as ka
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = (Path(tmp) / "my-notes.txt").write_text("not kentassets'")
    ...     try:
    ...         ka.write_sample_estate(tmp)
    ...     except ka.OutputError as exc:
    ...         print(type(exc).__name__, "my-notes.txt" in str(exc))
    SampleEstateError True
    """


class DecisionsError(KentAssetsError):
    """A workshop decisions file has unknown columns or rows that cannot be read.

    Every problem of the file is listed at once: the file, the row as seen in
    Excel, the column and how to fix it.

    Parameters
    ----------
    message
        The file and every problem found in it.

    Examples
    --------
    >>> import pandas as pd
    >>> from kentassets.rounds.decisions import check_decisions
    >>> check_decisions(pd.DataFrame({"colocation_id": ["MAI-01"], "staus": ["done"]}),
    ...                 current_ids=["MAI-01"], source="decisions.csv")
    Traceback (most recent call last):
    ...
    kentassets.errors.DecisionsError: decisions.csv: unknown column(s) 'staus'...
    """


class BuildFolderError(KentAssetsError):
    """A folder given as a previous round (or to compare) is not a kentassets output.

    Parameters
    ----------
    message
        The folder, what is missing and which folder to give instead.

    Examples
    --------
    >>> import kentassets as ka
    >>> ka.compare_builds("no-such-folder", "no-such-folder")  # doctest: +SKIP
    Traceback (most recent call last):
    ...
    kentassets.errors.BuildFolderError: no-such-folder: not a kentassets output folder...
    """


class BenchmarkError(KentAssetsError):
    """A benchmark table (the shipped one or a user's override) is malformed.

    Parameters
    ----------
    message
        The file, the ``[use.figure]`` key at fault, what was found and how to fix it.

    Examples
    --------
    >>> import kentassets as ka
    >>> from kentassets.io.benchmarks import read_benchmarks
    >>> read_benchmarks("no-such-benchmarks.toml")
    Traceback (most recent call last):
    ...
    kentassets.errors.BenchmarkError: no-such-benchmarks.toml: benchmark file not found...
    """


class DatabaseError(KentAssetsError):
    """A PostgreSQL database cannot be read or written: the connection, a table, a schema.

    The message names the database with its password masked
    (``postgresql://kent:***@db.example/estate``), the table or schema at fault and
    how to fix it; a driver's own message is carried over, masked the same way.

    Parameters
    ----------
    message
        The database (password masked), the table, query or schema, what went
        wrong and how to fix it.

    Examples
    --------
    >>> from kentassets.io.database import mask_conninfo
    >>> mask_conninfo("postgresql://kent:s3cret@db.example/estate")
    'postgresql://kent:***@db.example/estate'
    """


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
