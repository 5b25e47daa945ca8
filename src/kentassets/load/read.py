"""The loader's entry points: :func:`read_register` for one file and
:func:`read_manifest` for every register in a manifest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from os import PathLike
from typing import Any

import geopandas as gpd

from .._progress import progress as progress_bar
from ..errors import ValidationError
from ..io.manifest import Manifest, RegisterSpec, parse_manifest
from ..io.paths import public_source_name
from ..io.postcodes import (
    PostcodeDirectory,
)
from ..io.registers import read_register_file
from ..schema import (
    DEFAULT_STUDY_AREA,
)
from .bulk import _system_arrow_memory
from .normalise import normalise_register
from .result import LoadResult, combine_results


def read_register(
    path: str | PathLike[str],
    *,
    agency: str,
    columns: Mapping[str, str | Sequence[str]] | None = None,
    crs: str | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    names: Sequence[str] | None = None,
    sensitive: bool = False,
    postcodes: PostcodeDirectory | None = None,
    districts: gpd.GeoDataFrame | None = None,
    study_area: Sequence[str] = DEFAULT_STUDY_AREA,
    source_name: str | None = None,
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
    sheet, header_row, encoding, delimiter, names
        Reading options, see :func:`kentassets.io.registers.read_register_file`.
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
    if not isinstance(agency, str) or not agency.strip():
        raise ValidationError("agency must be a non-empty name, e.g. agency=\"Kent Police\"")
    shown = source_name or public_source_name(path)  # outputs: never a local absolute path
    # Arrow's allocator for the reading too; the collector is paused only while
    # normalising (spreadsheet readers make reference cycles worth collecting).
    with _system_arrow_memory():
        raw = read_register_file(
            path,
            sheet=sheet,
            header_row=header_row,
            encoding=encoding,
            delimiter=delimiter,
            names=names,
            crs=crs,
            display_name=source_name or str(path),  # errors: the path as the user gave it
        )
        return normalise_register(
            raw,
            agency=agency.strip(),
            columns=columns,
            crs=crs,
            sensitive=sensitive,
            postcodes=postcodes,
            districts=districts,
            study_area=study_area,
            source_name=shown,
        )


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
        results.append(
            read_register(
                spec.path,
                agency=spec.agency,
                columns=spec.columns,
                crs=spec.crs,
                sheet=spec.sheet,
                header_row=spec.header_row,
                encoding=spec.encoding,
                delimiter=spec.delimiter,
                names=spec.names,
                sensitive=spec.sensitive,
                postcodes=postcodes,
                districts=districts,
                study_area=manifest.study_area,
                source_name=spec.source_name or spec.path.name,
            )
        )
    combined = combine_results(results)
    combined.manifest = manifest
    return combined
