"""Parse and check the TOML manifest that lists an estate's register files.

The manifest is data only: it is read with :mod:`tomllib`, never evaluated, and
every key is checked against the documented set, so a misspelt key is reported
by name instead of being ignored. Paths are resolved relative to the manifest.

Example manifest::

    title = "Kent and Medway public estate"
    data_date = 2026-10-31
    study_area = ["E07000105", "E06000035"]

    [[register]]
    path = "kcc/property.csv"
    agency = "Kent County Council"
    header_row = 3

    [register.columns]
    asset_id = "Property Ref"
    address = ["Address 1", "Town"]

    [[register]]                    # a table, a view or a query in PostgreSQL/PostGIS
    database_env = "ESTATE_DB"      # or database = "postgresql://kent@gis.example/estate"
    table = "estate.police_sites"   # or query = "SELECT ... FROM ..."
    agency = "Kent Police"

    [output]                        # also write the build's tables to a database
    database_env = "ESTATE_DB"
    schema = "kentassets"
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from os import PathLike
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..errors import KentAssetsError, ManifestError
from ..schema import DEFAULT_STUDY_AREA, SECTORS
from .database import DEFAULT_SCHEMA, Database, DatabaseOutput, database_from
from .paths import public_source_name

#: Fields a register's ``[register.columns]`` table may map, besides the
#: canonical ones: location sources and the agency's own site reference.
LOCATION_FIELDS = ("easting", "northing", "latitude", "longitude", "grid_ref", "geometry")
#: Every field name accepted in ``[register.columns]``.
COLUMN_FIELDS = (
    "asset_id",
    "name",
    "address",
    "postcode",
    "uprn",
    "use",
    "tenure",
    "gia_m2",
    "staff_fte",
    "annual_cost_gbp",
    "status",
    "lease_end",
    "fm_provider",
    "fm_contract_end",
    "site_id",
    "closed",
    *LOCATION_FIELDS,
)
_TOP_KEYS = (
    "title",
    "data_date",
    "synthetic",
    "study_area",
    "boundaries",
    "postcodes",
    "benchmarks",
    "previous",
    "decisions",
    "basemap",
    "register",
    "demand",
    "reach",
    "reach_distance",
    "reach_services",
    "reach_thresholds_m",
    "output",
)
_DEMAND_KEYS = ("path", "count", "service", "columns", "crs", "sheet", "header_row",
                "encoding", "delimiter")
#: Values of ``reach_distance``.
REACH_DISTANCES = ("straight", "network")
_REGISTER_KEYS = (
    "path",
    "database",
    "database_env",
    "table",
    "query",
    "agency",
    "sensitive",
    "sector",
    "crs",
    "sheet",
    "header_row",
    "encoding",
    "delimiter",
    "names",
    "columns",
)
#: Register keys that only apply to files.
_FILE_KEYS = ("sheet", "header_row", "encoding", "delimiter", "names")
_OUTPUT_KEYS = ("database", "database_env", "schema", "create_schema")
_DISTRICT_CODE = re.compile(r"^[EWSN]\d{8}$")


@dataclass(frozen=True)
class RegisterSpec:
    """One register file listed in a manifest.

    Attributes
    ----------
    path
        Absolute path of the file (resolved relative to the manifest); ``None``
        for a database register.
    agency
        Name of the agency that holds the assets.
    columns
        Field -> source column (``address`` may name several columns to join).
    crs
        CRS of coordinates or geometry when the file does not say.
    sheet
        Worksheet (spreadsheets) or layer (GeoPackage).
    header_row
        Row number of the header as seen in Excel (1-based).
    encoding, delimiter
        Text-file options; detected when missing.
    names
        Column names for headerless files.
    sensitive
        Published outputs generalise this agency's assets.
    source_name
        The name the file goes by in messages, the ledger and every output: the path
        as written when it stays below the manifest, else the file name (never a
        local absolute path; :func:`kentassets.io.paths.public_source_name`).
    sector
        The agency's sector (``council``, ``police``, ``nhs``, ``fire_and_rescue``,
        ``voluntary_community``, ``central_government``); ``None``: recognised
        from the agency's name where it can be.
    database
        The PostgreSQL database of a database register (``None`` for a file).
    table, query
        A database register's ``schema.table`` (or view), or its ``SELECT``.
    """

    path: Path | None
    agency: str
    columns: Mapping[str, str | list[str]] = field(default_factory=dict)
    crs: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    encoding: str | None = None
    delimiter: str | None = None
    names: tuple[str, ...] | None = None
    sensitive: bool = False
    source_name: str = ""
    sector: str | None = None
    database: Database | None = None
    table: str | None = None
    query: str | None = None


@dataclass(frozen=True)
class DemandSpec:
    """One ``[[demand]]`` table: people (members, visits...) at points, for reach.

    Attributes
    ----------
    path
        Absolute path of the file.
    count
        The column of people (members, visits...) of each row.
    service
        The service it stands for (``library``...); ``None``: every service.
    columns
        Location fields -> source columns, when not recognised.
    crs, sheet, header_row, encoding, delimiter
        Reading options, as for registers.
    source_name
        The file's name in the ledger and outputs (never a local absolute path).
    """

    path: Path
    count: str
    service: str | None = None
    columns: Mapping[str, str | list[str]] = field(default_factory=dict)
    crs: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    encoding: str | None = None
    delimiter: str | None = None
    source_name: str = ""


@dataclass(frozen=True)
class Manifest:
    """A parsed manifest: the estate's registers and shared settings."""

    path: Path
    title: str = "Public estate"
    data_date: date | None = None
    synthetic: bool = False
    study_area: tuple[str, ...] = DEFAULT_STUDY_AREA
    boundaries: Path | None = None
    postcodes: Path | None = None
    registers: tuple[RegisterSpec, ...] = ()
    #: A TOML file overriding rows of the benchmark table (issue 14).
    benchmarks: Path | None = None
    #: The previous round's output folder (need not exist yet: a first round).
    previous: Path | None = None
    #: The workshop decisions file (.csv or .xlsx).
    decisions: Path | None = None
    basemap: Path | None = None  # an OS GeoPackage drawn under the assets on every map
    #: Service reach (issue 23): the council's own demand tables, whether the stage
    #: runs (``None``: the build's option decides), the distance and what is measured.
    demand: tuple[DemandSpec, ...] = ()
    reach: bool | None = None
    reach_distance: str | None = None
    reach_services: tuple[str, ...] | None = None
    reach_thresholds_m: tuple[float, ...] | None = None
    #: The ``[output]`` table: a database the build's tables are also written to.
    output: DatabaseOutput | None = None

    @property
    def sectors(self) -> dict[str, str]:
        """Agency -> sector, for the registers whose ``sector`` the manifest gives."""
        return {spec.agency: spec.sector for spec in self.registers if spec.sector}

    @property
    def sensitive_agencies(self) -> frozenset[str]:
        """Agencies marked ``sensitive = true`` in any of their registers."""
        return frozenset(spec.agency for spec in self.registers if spec.sensitive)


def parse_manifest(path: str | PathLike[str] | Manifest) -> Manifest:
    """Read and check a TOML manifest.

    Every problem found is gathered and reported in one :class:`ManifestError`.

    Parameters
    ----------
    path
        The manifest file, or a :class:`Manifest` already parsed, returned as it
        is (so that a build parses its manifest once and hands it down).

    Returns
    -------
    Manifest
        With every path resolved relative to the manifest's folder.

    Raises
    ------
    ManifestError
        If the file is missing or is not TOML, a key is unknown or has the wrong
        type, a required key is missing, or a named file does not exist.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.csv").write_text("Name,Postcode\\nHall,ME14 1XQ\\n")
    >>> _ = (folder / "m.toml").write_text('[[register]]\\npath = "a.csv"\\nagency = "KCC"\\n')
    >>> parse_manifest(folder / "m.toml").registers[0].agency
    'KCC'

    The sample estate's manifest, as :func:`kentassets.read_manifest` parsed it:

    >>> import kentassets as ka
    >>> manifest = ka.sample_estate().manifest
    >>> manifest.synthetic, len(manifest.registers), len(manifest.study_area)
    (True, 10, 13)
    >>> manifest.registers[0].agency
    'Kent County Council'
    >>> parse_manifest(manifest) is manifest  # already parsed: handed back as it is
    True
    """
    if isinstance(path, Manifest):
        return path
    path = Path(path)
    data = _read_toml(path)
    base = path.resolve().parent
    problems: list[str] = []

    unknown = sorted(set(data) - set(_TOP_KEYS))
    if unknown:
        problems.append(
            f"unknown key(s) {', '.join(repr(k) for k in unknown)}; allowed: "
            f"{', '.join(_TOP_KEYS)}"
        )
    title = _typed(data, "title", str, "Public estate", problems, "")
    data_date = _data_date(data, problems)
    synthetic = _typed(data, "synthetic", bool, False, problems, "")
    study_area = _study_area(data.get("study_area"), problems)
    boundaries = _optional_file(data, "boundaries", base, problems, "")
    postcodes = _optional_file(data, "postcodes", base, problems, "")
    benchmarks = _optional_file(data, "benchmarks", base, problems, "")
    decisions = _optional_file(data, "decisions", base, problems, "")
    previous = _optional_file(data, "previous", base, problems, "", must_exist=False)
    basemap = _optional_file(data, "basemap", base, problems, "")
    output = _output(data.get("output"), problems)

    registers = _registers(data, base, problems)
    reach = _reach_keys(data, base, problems)

    if problems:
        listed = "; ".join(problems)
        raise ManifestError(f"{path}: {len(problems)} problem(s): {listed}.")
    return Manifest(
        **reach,
        path=path,
        title=title,
        data_date=data_date,
        synthetic=synthetic,
        study_area=study_area,
        boundaries=boundaries,
        postcodes=postcodes,
        registers=registers,
        benchmarks=benchmarks,
        previous=previous,
        decisions=decisions,
        basemap=basemap,
        output=output,
    )


def _data_date(data: Mapping[str, Any], problems: list[str]) -> date | None:
    """The manifest's ``data_date`` (a TOML date; a datetime keeps its date)."""
    data_date = data.get("data_date")
    if data_date is not None and not isinstance(data_date, date):
        problems.append(f"data_date must be a TOML date such as 2026-10-31, not {data_date!r}")
        return None
    if isinstance(data_date, date) and hasattr(data_date, "date"):
        data_date = data_date.date()  # a datetime: keep the date
    return data_date


def _registers(data: Mapping[str, Any], base: Path, problems: list[str]
               ) -> tuple[RegisterSpec, ...]:
    """The ``[[register]]`` tables, checked (at least one is required)."""
    raw_registers = data.get("register", [])
    if not isinstance(raw_registers, list) or not raw_registers:
        problems.append(
            "no [[register]] tables: list at least one register with path and agency"
        )
        raw_registers = []
    registers = []
    for number, raw in enumerate(raw_registers, start=1):
        spec = _register(raw, number, base, problems)
        if spec is not None:
            registers.append(spec)
    return tuple(registers)


def _read_toml(path: Path) -> dict[str, Any]:
    """The manifest file's TOML tables, or a :class:`ManifestError` saying what to fix."""
    if not path.is_file():
        raise ManifestError(
            f"{path}: manifest not found. Check the path, or run `kentassets demo` to see "
            "an example manifest."
        )
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ManifestError(
            f"{path}: manifest is not UTF-8 text ({exc}). Save it as UTF-8."
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"{path}: not valid TOML: {exc}. Fix the syntax.") from exc


def _typed(
    table: Mapping[str, Any],
    key: str,
    kind: type,
    default: Any,
    problems: list[str],
    prefix: str,
) -> Any:
    value = table.get(key, default)
    if value is None:
        return default
    if kind is int and isinstance(value, bool):
        problems.append(f"{prefix}{key} must be a whole number, not {value!r}")
        return default
    if not isinstance(value, kind):
        problems.append(f"{prefix}{key} must be {kind.__name__}, not {value!r}")
        return default
    return value


def _study_area(value: Any, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return DEFAULT_STUDY_AREA
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        problems.append('study_area must be a list of ONS district codes, e.g. ["E07000110"]')
        return DEFAULT_STUDY_AREA
    bad = [v for v in value if not _DISTRICT_CODE.match(v.strip())]
    if bad:
        problems.append(
            f"study_area has codes that are not ONS district codes: {', '.join(bad)} "
            "(expected e.g. E07000110)"
        )
    return tuple(v.strip() for v in value)


def _optional_file(
    table: Mapping[str, Any], key: str, base: Path, problems: list[str], prefix: str,
    *, must_exist: bool = True,
) -> Path | None:
    """A path relative to the manifest; reported when it does not exist (unless
    ``must_exist`` is false: a previous round's folder may not exist yet)."""
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{prefix}{key} must be a path (text), not {value!r}")
        return None
    resolved = (base / value).resolve()
    if must_exist and not resolved.exists():
        problems.append(
            f"{prefix}{key} names a file that does not exist: {value!r} (looked for "
            f"{resolved}); paths are relative to the manifest"
        )
        return None
    return resolved


def _register(
    raw: Any, number: int, base: Path, problems: list[str]
) -> RegisterSpec | None:
    prefix = f"register {number}: "
    if not isinstance(raw, dict):
        problems.append(f"{prefix}must be a [[register]] table")
        return None
    _unknown_keys(raw, _REGISTER_KEYS, prefix, problems)
    count = len(problems)
    agency = raw.get("agency")
    if not isinstance(agency, str) or not agency.strip():
        problems.append(f"{prefix}agency is required (the name of the agency)")
    source = _register_source(raw, prefix, base, problems)
    crs = _typed(raw, "crs", str, None, problems, prefix)
    sheet = _typed(raw, "sheet", str, None, problems, prefix)
    header_row = _typed(raw, "header_row", int, None, problems, prefix)
    if isinstance(header_row, int) and header_row < 1:
        problems.append(f"{prefix}header_row must be 1 or more (the row as seen in Excel)")
    encoding = _encoding(raw, problems, prefix)
    delimiter = _delimiter(raw, problems, prefix)
    sensitive = _typed(raw, "sensitive", bool, False, problems, prefix)
    sector = _typed(raw, "sector", str, None, problems, prefix)
    if sector is not None and sector not in SECTORS:
        problems.append(f"{prefix}sector {sector!r} is not one of {', '.join(SECTORS)}")
    names = _names(raw, problems, prefix)
    columns = _columns(raw.get("columns", {}), prefix, problems)
    if len(problems) > count or source is None:
        return None
    return RegisterSpec(
        path=source.path,
        agency=str(agency).strip(),
        columns=MappingProxyType(columns),
        crs=crs,
        sheet=sheet,
        header_row=header_row,
        encoding=encoding,
        delimiter=delimiter,
        names=names,
        sensitive=sensitive,
        source_name=source.name or f"query ({str(agency).strip()})",
        sector=sector,
        database=source.database,
        table=source.table,
        query=source.query,
    )


@dataclass(frozen=True)
class _Source:
    """Where a register's rows come from: a file, or a database's table or query."""

    name: str
    path: Path | None = None
    database: Database | None = None
    table: str | None = None
    query: str | None = None


def _unknown_keys(
    raw: Mapping[str, Any], allowed: tuple[str, ...], prefix: str, problems: list[str]
) -> list[str]:
    """The keys of a table that are not ``allowed``, reported once."""
    unknown = sorted(set(raw) - set(allowed))
    if unknown:
        problems.append(
            f"{prefix}unknown key(s) {', '.join(repr(k) for k in unknown)}; allowed: "
            f"{', '.join(allowed)}"
        )
    return unknown


def _register_source(
    raw: dict[str, Any], prefix: str, base: Path, problems: list[str]
) -> _Source | None:
    """The register's file (``path``), or its database and ``table`` or ``query``."""
    source = raw.get("path")
    in_database = any(k in raw for k in ("database", "database_env", "table", "query"))
    if not in_database:
        if not isinstance(source, str) or not source.strip():
            problems.append(
                f"{prefix}path is required (the register file, relative to the manifest), "
                "or database (or database_env) with table or query"
            )
            return None
        file_path = _optional_file(raw, "path", base, problems, prefix)
        if file_path is None:
            return None
        return _Source(public_source_name(str(source), base=base), path=file_path)
    if source is not None:
        problems.append(
            f"{prefix}reads a file (path) or a database (database or database_env with "
            "table or query), not both"
        )
        return None
    for key in _FILE_KEYS:
        if key in raw:
            problems.append(f"{prefix}{key} applies to files only, not to a database register")
    database = _database(raw, prefix, problems)
    table = _typed(raw, "table", str, None, problems, prefix)
    query = _typed(raw, "query", str, None, problems, prefix)
    if (table is None) == (query is None):
        problems.append(
            f'{prefix}give exactly one of table (table = "schema.table", a view too) or '
            'query (query = "SELECT ...")'
        )
        return None
    if table is not None and not table.strip():
        problems.append(f"{prefix}table is empty; write it as schema.table")
        return None
    if database is None:
        return None
    return _Source(table.strip() if table else "", database=database, table=table and
                   table.strip(), query=query)


def _database(raw: Mapping[str, Any], prefix: str, problems: list[str]) -> Database | None:
    """The ``database`` connection string, or the one in the ``database_env`` variable."""
    url = _typed(raw, "database", str, None, problems, prefix)
    env = _typed(raw, "database_env", str, None, problems, prefix)
    if url is None and env is None:
        problems.append(
            f'{prefix}database (database = "postgresql://user@host/dbname") or database_env '
            '(the name of an environment variable holding it) is required'
        )
        return None
    try:
        return database_from(url, env=env)
    except KentAssetsError as exc:
        problems.append(f"{prefix}{exc}")
        return None


def _output(raw: Any, problems: list[str]) -> DatabaseOutput | None:
    """The ``[output]`` table: the database and schema the build's tables go to."""
    if raw is None:
        return None
    prefix = "output: "
    if not isinstance(raw, dict):
        problems.append("output must be a table: [output] with database and schema")
        return None
    unknown = _unknown_keys(raw, _OUTPUT_KEYS, prefix, problems)
    database = _database(raw, prefix, problems)
    schema = _typed(raw, "schema", str, DEFAULT_SCHEMA, problems, prefix)
    create = _typed(raw, "create_schema", bool, False, problems, prefix)
    if not str(schema).strip():
        problems.append(f"{prefix}schema is empty; name the schema the tables go to")
        return None
    if database is None or unknown:
        return None
    return DatabaseOutput(database, schema=str(schema).strip(), create_schema=create)


def _encoding(raw: dict[str, Any], problems: list[str], prefix: str) -> str | None:
    """The register's ``encoding``, checked to be one Python knows."""
    import codecs

    encoding = _typed(raw, "encoding", str, None, problems, prefix)
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            problems.append(f"{prefix}encoding {encoding!r} is not known; try utf-8 or cp1252")
    return encoding


def _delimiter(raw: dict[str, Any], problems: list[str], prefix: str) -> str | None:
    """The register's one-character ``delimiter`` (``"tab"`` or ``"\\t"`` for a tab)."""
    delimiter = _typed(raw, "delimiter", str, None, problems, prefix)
    if delimiter is not None and len(delimiter) != 1 and delimiter not in ("\\t", "tab"):
        problems.append(f"{prefix}delimiter must be one character, not {delimiter!r}")
    if delimiter in ("\\t", "tab"):
        delimiter = "\t"
    return delimiter


def _names(raw: dict[str, Any], problems: list[str], prefix: str) -> tuple[str, ...] | None:
    """The column ``names`` of a headerless file, or ``None``."""
    names_raw = raw.get("names")
    if names_raw is None:
        return None
    if not isinstance(names_raw, list) or not all(isinstance(n, str) for n in names_raw):
        problems.append(f"{prefix}names must be a list of column names")
        return None
    return tuple(names_raw)


def _columns(raw: Any, prefix: str, problems: list[str]) -> dict[str, str | list[str]]:
    if not isinstance(raw, dict):
        problems.append(f"{prefix}columns must be a table of field = \"Source column\"")
        return {}
    unknown = sorted(set(raw) - set(COLUMN_FIELDS))
    if unknown:
        problems.append(
            f"{prefix}columns has unknown field(s) {', '.join(repr(k) for k in unknown)}; "
            f"allowed: {', '.join(COLUMN_FIELDS)}"
        )
    out: dict[str, str | list[str]] = {}
    for key, value in raw.items():
        if key in unknown:
            continue
        if isinstance(value, str):
            out[key] = value
        elif (
            key == "address"
            and isinstance(value, list)
            and value
            and all(isinstance(v, str) for v in value)
        ):
            out[key] = list(value)
        else:
            allowed = "a column name or a list of names" if key == "address" else "a column name"
            problems.append(f"{prefix}columns.{key} must be {allowed}, not {value!r}")
    return out


def _tables(data: Mapping[str, Any], key: str, problems: list[str]) -> list[Any]:
    """The ``[[key]]`` tables (an empty list when there are none)."""
    value = data.get(key, [])
    if not isinstance(value, list):
        problems.append(f"{key} must be written as [[{key}]] tables")
        return []
    return value


def _demand(raw: Any, number: int, base: Path, problems: list[str]) -> DemandSpec | None:
    """One ``[[demand]]`` table, checked."""
    prefix = f"demand {number}: "
    if not isinstance(raw, dict):
        problems.append(f"{prefix}must be a [[demand]] table")
        return None
    unknown = sorted(set(raw) - set(_DEMAND_KEYS))
    if unknown:
        problems.append(f"{prefix}unknown key(s) {', '.join(repr(k) for k in unknown)}; "
                        f"allowed: {', '.join(_DEMAND_KEYS)}")
    count_before = len(problems)
    source = raw.get("path")
    if not isinstance(source, str) or not source.strip():
        problems.append(f"{prefix}path is required (the demand file, relative to the manifest)")
    count = raw.get("count")
    if not isinstance(count, str) or not count.strip():
        problems.append(f'{prefix}count is required: the column of people, e.g. count = '
                        '"Population"')
    file_path = _optional_file(raw, "path", base, problems, prefix) if source else None
    service = _typed(raw, "service", str, None, problems, prefix)
    header_row = _typed(raw, "header_row", int, None, problems, prefix)
    spec_columns = _columns(raw.get("columns", {}), prefix, problems)
    options = {key: _typed(raw, key, str, None, problems, prefix) for key in ("crs", "sheet")}
    encoding = _encoding(raw, problems, prefix)
    delimiter = _delimiter(raw, problems, prefix)
    if len(problems) > count_before or file_path is None:
        return None
    return DemandSpec(path=file_path, count=str(count).strip(), service=service,
                      columns=MappingProxyType(spec_columns), header_row=header_row,
                      encoding=encoding, delimiter=delimiter,
                      source_name=public_source_name(str(source), base=base), **options)


def _reach_keys(data: Mapping[str, Any], base: Path, problems: list[str]) -> dict[str, Any]:
    """``[[demand]]``, ``reach``, ``reach_distance``, ``reach_services`` and
    ``reach_thresholds_m``, as :class:`Manifest` keywords."""
    demand = tuple(table for number, raw in enumerate(_tables(data, "demand", problems), 1)
                   if (table := _demand(raw, number, base, problems)) is not None)
    reach = _typed(data, "reach", bool, None, problems, "")
    distance = _typed(data, "reach_distance", str, None, problems, "")
    if distance is not None and distance not in REACH_DISTANCES:
        problems.append(f"reach_distance {distance!r} is not one of "
                        f"{', '.join(REACH_DISTANCES)}")
        distance = None
    services = data.get("reach_services")
    if services is not None and (not isinstance(services, list) or not services
                                 or not all(isinstance(v, str) for v in services)):
        problems.append('reach_services must be a list of uses, e.g. ["library", "health"]')
        services = None
    thresholds = data.get("reach_thresholds_m")
    if thresholds is not None and (
            not isinstance(thresholds, list) or not thresholds
            or not all(isinstance(v, int | float) and not isinstance(v, bool) and v > 0
                       for v in thresholds)):
        problems.append("reach_thresholds_m must be a list of distances in metres, e.g. "
                        "[1000, 2000, 5000]")
        thresholds = None
    return {"demand": demand, "reach": reach, "reach_distance": distance,
            "reach_services": tuple(services) if services else None,
            "reach_thresholds_m": tuple(float(t) for t in thresholds) if thresholds else None}
