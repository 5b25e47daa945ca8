"""The loader's entry points: :func:`read_register` for one file,
:func:`read_database_register` for a table, view or query in PostgreSQL/PostGIS, and
:func:`read_manifest` for every register in a manifest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from os import PathLike
from typing import Any, Unpack

import geopandas as gpd

from .._progress import progress as progress_bar
from ..errors import ValidationError
from ..io.database import Database, database_from, read_database_table
from ..io.manifest import Manifest, RegisterSpec, parse_manifest
from ..io.paths import public_source_name
from ..io.postcodes import (
    PostcodeDirectory,
)
from ..io.registers import ReadingOptions, read_register_file
from ..schema import (
    DEFAULT_STUDY_AREA,
)
from .bulk import system_arrow_memory
from .normalise import normalise_register
from .result import LoadResult, combine_results


def read_register(
    path: str | PathLike[str],
    *,
    agency: str,
    columns: Mapping[str, str | Sequence[str]] | None = None,
    crs: str | None = None,
    sensitive: bool = False,
    postcodes: PostcodeDirectory | None = None,
    districts: gpd.GeoDataFrame | None = None,
    study_area: Sequence[str] = DEFAULT_STUDY_AREA,
    source_name: str | None = None,
    **reading: Unpack[ReadingOptions],
) -> LoadResult:
    """Read one agency register into canonical assets and a ledger.

    Parameters
    ----------
    path
        The register: CSV or other delimited text, XLSX, XLS, ODS, or any GIS
        format pyogrio reads (GeoJSON, GeoPackage, Shapefile, ...), GeoParquet.
    agency
        Name of the agency that holds the assets.
    columns
        Field -> source column, overriding recognition (``address`` may be a
        list of columns to join). Fields: :data:`kentassets.io.manifest.COLUMN_FIELDS`.
    crs
        CRS of the coordinates (or geometry) when not British National Grid
        eastings/northings or WGS 84 latitude/longitude.
    **reading
        ``sheet``, ``header_row``, ``encoding``, ``delimiter``, ``names``: how to
        read the file (:class:`~kentassets.io.registers.ReadingOptions`), see
        :func:`kentassets.io.registers.read_register_file`.
    sensitive
        Mark the agency's assets sensitive (published maps generalise them).
    postcodes
        Postcode directory for rows located by postcode (default: the packaged
        ONS Postcode Directory, loaded only when needed).
    districts
        District boundaries (``district_code``, ``district_name``, geometry).
        Default: :func:`kentassets.districts.load_districts` for ``study_area``.
    study_area
        ONS district codes; assets elsewhere are excluded.
    source_name
        Name of the file in the ledger and messages (default: the path as given).

    Returns
    -------
    LoadResult

    Raises
    ------
    RegisterFormatError
        If the file cannot be read, or a mapped column is not in it.
    ValidationError
        If ``columns`` names an unknown field.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from shapely.geometry import box
    >>> kent = gpd.GeoDataFrame({"district_code": ["E07000110"],
    ...     "district_name": ["Maidstone"]}, geometry=[box(570000, 140000, 590000, 170000)],
    ...     crs="EPSG:27700")
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "sites.csv"
    >>> _ = p.write_text("Ref,Name,Easting,Northing\\nA1,Hall,575900,155800\\nA2,Shed,,\\n")
    >>> result = read_register(p, agency="KCC", districts=kent)
    >>> result.ledger["status"].tolist()
    ['loaded', 'rejected']
    >>> result.ledger["reason"].tolist()[1]
    'no_location'
    """
    agency = agency_name(agency)
    shown = source_name or public_source_name(path)  # outputs: never a local absolute path
    # Arrow's allocator for the reading too; the collector is paused only while
    # normalising (spreadsheet readers make reference cycles worth collecting).
    with system_arrow_memory():
        raw = read_register_file(
            path,
            crs=crs,
            display_name=source_name or str(path),  # errors: the path as the user gave it
            **reading,
        )
        return normalise_register(
            raw,
            agency=agency,
            columns=columns,
            crs=crs,
            sensitive=sensitive,
            postcodes=postcodes,
            districts=districts,
            study_area=study_area,
            source_name=shown,
        )


def read_database_register(
    database: str | Database,
    *,
    agency: str,
    table: str | None = None,
    query: str | None = None,
    columns: Mapping[str, str | Sequence[str]] | None = None,
    crs: str | None = None,
    sensitive: bool = False,
    postcodes: PostcodeDirectory | None = None,
    districts: gpd.GeoDataFrame | None = None,
    study_area: Sequence[str] = DEFAULT_STUDY_AREA,
    source_name: str | None = None,
) -> LoadResult:
    """Read one agency register from a PostgreSQL table, view or query.

    The same recognition, location and ledger as :func:`read_register` apply:
    the geometry column is used where there is one (any SRID, transformed to
    EPSG:27700), otherwise postcodes, coordinates or grid references. A row's
    number in the ledger is its position in the result (1 = first; a table is
    read in primary-key order). Needs ``pip install 'kentassets[postgis]'``.

    Parameters
    ----------
    database
        A libpq URL or connection string (``postgresql://kent@gis.example/estate``;
        ``PGPASSWORD``, ``~/.pgpass`` and the other ``PG*`` settings apply), or a
        :class:`~kentassets.io.database.Database`.
    agency
        Name of the agency that holds the assets.
    table, query
        ``schema.table`` (a view too), or a ``SELECT`` run as given in a
        read-only transaction. Give one.
    columns, crs, sensitive, postcodes, districts, study_area
        As for :func:`read_register`; ``crs`` applies to geometry whose SRID is 0.
    source_name
        Name of the register in the ledger and messages (default: the table, or
        ``query (<agency>)``).

    Returns
    -------
    LoadResult

    Raises
    ------
    DatabaseError
        If the connection fails, the table does not exist or the query fails
        (the message masks the password).

    Examples
    --------
    Needs a PostgreSQL server, so not run as a test:

    >>> import kentassets as ka
    >>> result = ka.read_database_register(  # doctest: +SKIP
    ...     "postgresql://kent@gis.example/estate", table="estate.police_sites",
    ...     agency="Kent Police")
    """
    agency = agency_name(agency)
    db = database_from(database)
    shown = source_name or (table.strip() if table else f"query ({agency})")
    raw = read_database_table(db, table=table, query=query, crs=crs, display_name=shown,
                              geometry_column=_mapped(columns, "geometry"))
    return normalise_register(
        raw,
        agency=agency,
        columns=columns,
        crs=crs,
        sensitive=sensitive,
        postcodes=postcodes,
        districts=districts,
        study_area=study_area,
        source_name=shown,
    )


def agency_name(agency: object) -> str:
    """The agency's name, stripped; a :class:`ValidationError` where it is not a name."""
    if not isinstance(agency, str) or not agency.strip():
        raise ValidationError("agency must be a non-empty name, e.g. agency=\"Kent Police\"")
    return agency.strip()


def _mapped(columns: Mapping[str, str | Sequence[str]] | None, name: str) -> str | None:
    """The source column mapped to field ``name``, if one is."""
    value = (columns or {}).get(name)
    return value if isinstance(value, str) else None


def read_manifest(
    path: str | PathLike[str] | Manifest,
    *,
    postcodes: PostcodeDirectory | None = None,
    districts: gpd.GeoDataFrame | None = None,
    progress: bool = True,
) -> LoadResult:
    """Read every register listed in a TOML manifest into one result.

    Parameters
    ----------
    path
        The manifest (format in ``docs/architecture.md``), or a :class:`Manifest`
        already parsed by :func:`kentassets.io.manifest.parse_manifest` (a build
        parses it once and hands it down).
    postcodes
        Postcode directory; default the manifest's ``postcodes`` file, else the
        packaged ONS Postcode Directory.
    districts
        District boundaries already loaded; default
        :func:`kentassets.districts.load_districts` with the manifest's
        ``boundaries`` and ``study_area``.
    progress
        Show a progress bar over the registers.

    Returns
    -------
    LoadResult
        Combined over the registers, with ``site_id`` assigned across agencies
        and ``manifest`` set.

    Raises
    ------
    ManifestError
        If the manifest is malformed or names a missing file.
    RegisterFormatError
        If a register cannot be read.
    """
    manifest = path if isinstance(path, Manifest) else parse_manifest(path)
    if postcodes is None:  # one directory for every register: it caches what it reads
        postcodes = (
            PostcodeDirectory(manifest.postcodes) if manifest.postcodes else PostcodeDirectory()
        )
    if districts is None:
        from .. import districts as _districts

        districts = _districts.load_districts(
            manifest.boundaries, codes=manifest.study_area, postcodes=postcodes
        )
    results = []
    specs: Sequence[RegisterSpec] = manifest.registers
    iterator: Any = specs
    if progress:
        iterator = progress_bar(specs, desc="Loading registers", unit="file")
    for spec in iterator:
        results.append(_read_spec(spec, manifest, postcodes, districts))
    combined = combine_results(results)
    combined.manifest = manifest
    return combined


def _read_spec(
    spec: RegisterSpec,
    manifest: Manifest,
    postcodes: PostcodeDirectory,
    districts: gpd.GeoDataFrame,
) -> LoadResult:
    """One register of a manifest: a file, or a database's table or query."""
    common: dict[str, Any] = {
        "agency": spec.agency,
        "columns": spec.columns,
        "crs": spec.crs,
        "sensitive": spec.sensitive,
        "postcodes": postcodes,
        "districts": districts,
        "study_area": manifest.study_area,
    }
    if spec.database is not None:
        return read_database_register(spec.database, table=spec.table, query=spec.query,
                                      source_name=spec.source_name, **common)
    assert spec.path is not None
    return read_register(
        spec.path,
        sheet=spec.sheet,
        header_row=spec.header_row,
        encoding=spec.encoding,
        delimiter=spec.delimiter,
        names=spec.names,
        source_name=spec.source_name or spec.path.name,
        **common,
    )
