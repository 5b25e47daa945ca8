"""Turn agencies' registers into canonical assets, with a ledger for every row.

:func:`read_register` reads one file (through :mod:`kentassets.io.registers`),
recognises its columns, parses numbers, dates and free-text categories, places
each row (eastings/northings, latitude/longitude, OS grid reference, the file's
geometry, or the postcode centroid, in that order of preference), assigns its
district and returns a :class:`LoadResult`: the loaded assets and a ledger that
says, for every data row, whether it was ``loaded``, ``excluded`` or
``rejected`` and why. :func:`read_manifest` does the same for every register in a
manifest and :func:`combine_results` joins results. :func:`assign_sites` gives
records that describe one building a shared ``site_id``.

Everything after reading is vectorised: pandas string methods and numpy over
whole columns, and Python only over the *distinct* values of free-text columns.
"""

from __future__ import annotations

import gc
import json
import logging
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any, TypeAlias

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ._progress import progress as progress_bar
from .errors import RegisterFormatError, ValidationError, where
from .io.manifest import COLUMN_FIELDS, Manifest, RegisterSpec, parse_manifest
from .io.postcodes import (
    PC_DISTRICT,
    PC_EASTING,
    PC_NORTHING,
    WHITESPACE_RE2,
    PostcodeDirectory,
    format_postcodes,
    is_postcode_shaped,
    postcode_keys,
)
from .io.registers import RawTable, read_register_file
from .schema import (
    ADDRESS,
    AGENCY,
    ANNUAL_COST_GBP,
    ASSET_ID,
    CRS,
    DEFAULT_STUDY_AREA,
    DISTRICT_CODE,
    EXCLUDED,
    EXTRA,
    GB_BOUNDS_M,
    GIA_M2,
    LEASE_END,
    LEDGER_AGENCY,
    LEDGER_ASSET_ID,
    LEDGER_COLUMNS,
    LEDGER_FIELDS,
    LEDGER_FILE,
    LEDGER_MESSAGE,
    LEDGER_REASON,
    LEDGER_ROW,
    LEDGER_SHEET,
    LEDGER_STATUS,
    LEDGER_WARNINGS,
    LOADED,
    LOCATION_METHOD,
    LOCATION_METHODS,
    LOCATION_PRECISION_M,
    NAME,
    POSTCODE,
    REJECTED,
    SENSITIVE,
    SITE_ID,
    SOURCE_FILE,
    SOURCE_ROW,
    STAFF_FTE,
    STATUS,
    TENURE,
    TENURE_RAW,
    UPRN,
    USE,
    USE_RAW,
    coerce_assets,
    empty_assets,
    empty_ledger,
)

logger = logging.getLogger(__name__)

# --- reason codes (stable; documented in the ledger) -----------------------------
REASON_NO_LOCATION = "no_location"
REASON_POSTCODE_INVALID = "postcode_invalid"
REASON_POSTCODE_NOT_FOUND = "postcode_not_found"
REASON_COORDINATES_INVALID = "coordinates_invalid"
REASON_OUTSIDE_GB = "outside_great_britain"
REASON_DUPLICATE_ID = "duplicate_asset_id"
REASON_OUTSIDE_STUDY_AREA = "outside_study_area"
REASON_CLOSED = "closed"
#: Every reason code the ledger uses, with what it means.
REASONS: dict[str, str] = {
    REASON_NO_LOCATION: "no coordinates, grid reference, geometry or postcode",
    REASON_POSTCODE_INVALID: "the only location is text that is not a UK postcode",
    REASON_POSTCODE_NOT_FOUND: "the only location is a postcode not in the directory",
    REASON_COORDINATES_INVALID: "coordinates are not numbers and nothing else locates the row",
    REASON_OUTSIDE_GB: "the location lies outside Great Britain",
    REASON_DUPLICATE_ID: "the asset id repeats an earlier row of the same agency",
    REASON_OUTSIDE_STUDY_AREA: "the asset lies outside the study area's districts",
    REASON_CLOSED: "the source marks the record as closed",
}
# Warning codes on loaded rows.
WARN_POSTCODE = "location_from_postcode"
WARN_SWAPPED = "coordinates_swapped"
WARN_NUMBER = "number_unreadable"
WARN_DATE = "date_unreadable"
WARN_FALLBACK = "coordinates_unusable"

#: Site matching: records within this distance (metres) with the same postcode
#: and similar names are one site.
SITE_DISTANCE_M = 25.0
_SITE_GROUP_LIMIT = 200

#: Boundary tolerance passed to :func:`kentassets.districts.assign_districts`, metres.
_DISTRICT_TOLERANCE_M = 50.0
#: Registers with at least this many located rows use the grid look-up first.
_FAST_DISTRICTS_MIN = 20_000
#: Boundary cells of the district grid are split into this many cells a side.
_FINE_GRID = 10
_DISTRICT_COLUMNS = (DISTRICT_CODE, "district_name", "district_method")
_LOCATION_FIELDS = ("easting", "northing", "latitude", "longitude", "grid_ref", "geometry")
_CLOSED = "closed"
_GB_LAT = (49.0, 61.5)
_GB_LON = (-9.5, 2.5)
_SQFT_TO_M2 = 0.09290304


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


#: Recognised source column names per field, most specific first (compared
#: lower case with everything but letters and digits removed).
ALIASES: dict[str, tuple[str, ...]] = {
    ASSET_ID: (
        "assetid", "assetcode", "assetref", "assetreference", "assetnumber", "assetno",
        "propertyref", "propertyreference", "propertyid", "propertycode", "propertynumber",
        "uniqueassetid", "organisationcode", "orgcode", "odscode", "stationnumber",
        "stationcode", "reference", "ref", "id",
    ),
    NAME: (
        "propertyname", "assetname", "sitename", "name", "buildingname", "libraryname",
        "stationname", "organisationname", "distinctivename", "premisesname",
    ),
    ADDRESS: (
        "address", "siteaddress", "fulladdress", "propertyaddress", "stationaddress",
        "assetaddress",
    ),
    POSTCODE: (
        "postcode", "postalcode", "postcodeasgiven", "stationpostcode", "sitepostcode",
        "propertypostcode", "pcds", "pcd", "postcodes", "zip",
    ),
    UPRN: ("uprn", "uniquepropertyreferencenumber", "propertyuprn"),
    USE: (
        "primaryuse", "use", "holdingtype", "propertyuse", "assetuse", "assettype",
        "propertytype", "usetype", "classification", "category", "assetcategory",
        "buildingtype", "type",
    ),
    TENURE: ("tenure", "tenuretype", "tenurestatus", "ownership", "tenurecategory"),
    STATUS: (
        "status", "occupancy", "occupancystatus", "occupationstatus", "tenuredetail",
        "statuscode", "operationalstatus",
    ),
    GIA_M2: (
        "giam2", "gia", "grossinternalaream2", "grossinternalarea", "gifa", "flooraream2",
        "floorarea", "internalaream2", "aream2", "areasqm", "sizem2", "giasqft", "areasqft",
    ),
    STAFF_FTE: ("stafffte", "fte", "staff", "headcount", "numberofstaff", "staffnumbers"),
    ANNUAL_COST_GBP: (
        "annualcostgbp", "annualcost", "annualrunningcost", "runningcost", "runningcosts",
        "totalcost", "costpa", "operatingcost", "cost", "annualrent",
    ),
    LEASE_END: (
        "leaseend", "leaseenddate", "leaseexpiry", "leaseexpirydate", "expirydate",
        "leaseexpires",
    ),
    SITE_ID: ("siteid", "siteref", "sitereference", "sitecode", "site"),
    _CLOSED: ("closedate", "closeddate", "dateclosed", "yearclosed", "closed"),
    "easting": (
        "easting", "eastings", "stationeasting", "geox", "bnge", "oseast1m", "eastingm",
        "xcoordinate", "x", "gridx", "east",
    ),
    "northing": (
        "northing", "northings", "stationnorthing", "geoy", "bngn", "osnrth1m",
        "northingm", "ycoordinate", "y", "gridy", "north",
    ),
    "latitude": ("latitude", "lat", "wgs84latitude", "latwgs84"),
    "longitude": ("longitude", "lon", "long", "lng", "wgs84longitude", "lonwgs84"),
    "grid_ref": (
        "gridref", "gridreference", "osgridref", "osgridreference", "ngr",
        "nationalgridreference",
    ),
    "geometry": ("wkt", "geometry", "geom", "thegeom", "wktgeometry", "shape"),
}
_ADDRESS_PARTS = re.compile(
    r"^(address(line)?\d|addr\d|street(name)?|street\d|locality|town|posttown|city|"
    r"village|district)$"
)

#: NHS ODS headerless layout (epraccur, etrust and relatives): 27 columns.
ODS_COLUMNS: tuple[str, ...] = (
    "Organisation Code", "Name", "National Grouping", "High Level Health Geography",
    "Address Line 1", "Address Line 2", "Address Line 3", "Address Line 4", "Address Line 5",
    "Postcode", "Open Date", "Close Date", "Status Code", "Organisation Sub-Type Code",
    "Commissioner", "Join Provider/Purchaser Date", "Left Provider/Purchaser Date",
    "Contact Telephone Number", "Null 1", "Null 2", "Null 3", "Amended Record Indicator",
    "Null 4", "Provider/Purchaser", "Null 5", "Prescribing Setting", "Null 6",
)


@dataclass(frozen=True)
class _Profile:
    """A known published schema: how to recognise it and what it implies."""

    name: str
    signature: tuple[str, ...]
    default_use: str | None = None
    columns: Mapping[str, str | tuple[str, ...]] = field(default_factory=dict)


#: Known schemas, recognised by their (normalised) column names.
PROFILES: tuple[_Profile, ...] = (
    _Profile("LGTC land and assets", ("uprn", "assetcode", "geox"),
             columns={"status": ("tenuredetail",)}),
    _Profile("LGTC land and assets (2021)", ("uprn", "propertyname", "geox")),
    _Profile("NHS ODS organisation file", ("organisationcode", "highlevelhealthgeography"),
             default_use="health",
             columns={ADDRESS: ("addressline1", "addressline2", "addressline3",
                                "addressline4", "addressline5")}),
    _Profile("NHS Choices hospitals", ("organisationcode", "organisationtype", "latitude"),
             default_use="health",
             columns={ADDRESS: ("address1", "address2", "address3", "city"),
                      STATUS: ()}),
    _Profile("Home Office fire stations", ("stationname", "stationeasting"),
             default_use="fire"),
    _Profile("Fire and rescue station list", ("stationname", "stationnumber"),
             default_use="fire"),
    _Profile("Libraries Hacked libraries", ("libraryname", "typeoflibrary"),
             default_use="library",
             columns={USE: (), UPRN: ("uniquepropertyreferencenumber",)}),
    _Profile("Arts Council England libraries", ("name", "statutory23", "colocated"),
             default_use="library"),
    _Profile("OS Open Map buildings (WKT)", ("wkt", "buildingtheme"),
             columns={NAME: ("distinctivename",), ASSET_ID: ("id",)}),
    _Profile("Police station list", ("stationname", "custodystatusasgiven"),
             default_use="police"),
)

# Free text -> categories: first matching pattern wins (lower-case text).
_USE_RULES: tuple[tuple[str, str], ...] = (
    ("library", r"librar"),
    ("fire", r"fire (station|service|and rescue)|\bfire\b|\bfrs\b"),
    ("police", r"police|constabulary|custody"),
    ("health", r"health|surgery|medical|hospital|clinic|\bgp\b|\bnhs\b|dental|dentist|"
               r"pharmac|practice|mental|cmht|camhs|cypmhs|hospice|treatment|therapy"),
    ("education", r"school|education|college|academy|nursery|universit|pupil referral"),
    ("depot", r"depot|workshop|\byard\b|waste|recycling|transfer station|highways|"
              r"garage|salt barn|industrial|warehouse|store\b|stores\b"),
    ("customer_service", r"customer serv|contact cent|gateway|one stop|information cent"),
    ("office", r"office|admin|civic|town hall|county hall|headquarters|\bhq\b"),
    ("residential", r"residential|housing|dwelling|\bflats?\b|\bhouses?\b|hostel|"
                    r"care home|bungalow|accommodation"),
    ("community", r"community|village hall|\bhall\b|leisure|sport|museum|theatre|"
                  r"cultural|youth|day cent|children.?s cent|arts?\b|gallery|"
                  r"recreation|swimming|pool|centre"),
    ("land", r"\bland\b|open space|park|garden|allot|playing field|woodland|farm|"
             r"verge|common|cemetery|crematori|amenity|field"),
)
_AGENCY_USE_RULES: tuple[tuple[str, str], ...] = (
    ("police", r"police|constabulary"),
    ("fire", r"fire"),
    ("health", r"\bnhs\b|health|\bicb\b|\bccg\b|hospital|trust"),
    ("library", r"librar"),
)
_TENURE_RULES: tuple[tuple[str, str], ...] = (
    ("freehold", r"freehold|owned|ownership|chattel"),
    ("leasehold", r"leasehold|leashold|lease|leased|rented|tenant|ground ?lease"),
    ("licence", r"licen[cs]e"),
)
_STATUS_RULES: tuple[tuple[str, str], ...] = (
    ("part_vacant", r"part(ly|ially)?[ -]?(vacant|empty|occupied)|under.?occupied"),
    ("surplus", r"surplus|disposal|for sale|to be sold|declared"),
    ("vacant", r"vacant|empty|void|unoccupied|disused|mothball|dormant"),
    ("occupied", r"occupied|in use|operational|active|open|^a$|^yes$|leasehold|licen[cs]e"),
)


# --- the result ----------------------------------------------------------------------


@dataclass
class LoadResult:
    """Canonical assets and the ledger that accounts for every input row.

    Attributes
    ----------
    assets
        Loaded rows only, canonical columns (:data:`kentassets.schema.ASSET_COLUMNS`),
        EPSG:27700. Its index labels are ledger index labels.
    ledger
        One row per input data row (:data:`kentassets.schema.LEDGER_FIELDS`).
    column_map
        Source file -> {field: source column(s)} as recognised or mapped.
    manifest
        The manifest, when read through :func:`read_manifest`.
    schemas
        Source file -> name of the published schema recognised by its column
        names (for example ``"LGTC land and assets"``), where one was.
    """

    assets: gpd.GeoDataFrame
    ledger: pd.DataFrame
    column_map: dict[str, dict[str, str]] = field(default_factory=dict)
    manifest: Manifest | None = None
    schemas: dict[str, str] = field(default_factory=dict)

    def summary(self) -> pd.DataFrame:
        """Per agency: rows read, loaded, excluded, rejected and the top reasons.

        Returns
        -------
        pandas.DataFrame
            Columns ``agency``, ``rows``, ``loaded``, ``excluded``, ``rejected``,
            ``warnings`` (loaded rows with a warning) and ``top_reasons``, with a
            final ``All`` row.
        """
        ledger = self.ledger
        columns = ["agency", "rows", LOADED, EXCLUDED, REJECTED, "warnings", "top_reasons"]
        if len(ledger) == 0:
            return pd.DataFrame(columns=columns)
        status = ledger[LEDGER_STATUS].astype(str)
        frame = pd.DataFrame(
            {
                "agency": ledger[LEDGER_AGENCY].astype(str),
                LOADED: status == LOADED,
                EXCLUDED: status == EXCLUDED,
                REJECTED: status == REJECTED,
                "warnings": (status == LOADED)
                & ledger[LEDGER_WARNINGS].fillna("").astype(str).ne(""),
                "reason": ledger[LEDGER_REASON].fillna("").astype(str),
            }
        )
        grouped = frame.groupby("agency", sort=True)
        out = grouped[[LOADED, EXCLUDED, REJECTED, "warnings"]].sum().astype(int)
        out.insert(0, "rows", grouped.size())

        def top(reasons: pd.Series) -> str:
            counts = reasons[reasons != ""].value_counts().head(3)
            return "; ".join(f"{k} ({v})" for k, v in counts.items())

        out["top_reasons"] = grouped["reason"].agg(top)
        out = out.reset_index()
        total = pd.DataFrame(
            {
                "agency": ["All"],
                "rows": [int(out["rows"].sum())],
                LOADED: [int(out[LOADED].sum())],
                EXCLUDED: [int(out[EXCLUDED].sum())],
                REJECTED: [int(out[REJECTED].sum())],
                "warnings": [int(out["warnings"].sum())],
                "top_reasons": [top(frame["reason"])],
            }
        )
        return pd.concat([out, total], ignore_index=True)[columns]

    def _repr_html_(self) -> str:
        summary = self.summary()
        head = (
            f"<p><b>LoadResult</b>: {len(self.assets):,} assets loaded from "
            f"{len(self.ledger):,} rows in {self.ledger[LEDGER_FILE].nunique()} file(s).</p>"
        )
        return head + summary.to_html(index=False, escape=True)

    def __repr__(self) -> str:
        return (
            f"LoadResult({len(self.assets)} assets, {len(self.ledger)} ledger rows, "
            f"{self.ledger[LEDGER_FILE].nunique() if len(self.ledger) else 0} files)"
        )


# --- public functions -------------------------------------------------------------------


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
    shown = source_name or str(path)
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
            display_name=shown,
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
    path: str | PathLike[str],
    *,
    postcodes: PostcodeDirectory | None = None,
    districts: gpd.GeoDataFrame | None = None,
    progress: bool = True,
) -> LoadResult:
    """Read every register listed in a TOML manifest into one result.

    Parameters
    ----------
    path
        The manifest (format in ``docs/architecture.md``).
    postcodes
        Postcode directory; default the manifest's ``postcodes`` file, else the
        packaged ONS Postcode Directory.
    districts
        District boundaries; default :func:`kentassets.districts.load_districts`
        with the manifest's ``boundaries`` and ``study_area``.
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
    manifest = parse_manifest(path)
    if postcodes is None:  # one directory for every register: it caches what it reads
        postcodes = (
            PostcodeDirectory(manifest.postcodes) if manifest.postcodes else PostcodeDirectory()
        )
    if districts is None:
        from . import districts as _districts

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


def combine_results(results: Sequence[LoadResult]) -> LoadResult:
    """Join several results into one, re-checking asset ids across files.

    The ledgers are stacked (new index ``0..n-1``), the assets keep pointing at
    their ledger rows, an asset id already loaded for the same agency from an
    earlier file is rejected (``duplicate_asset_id``), and ``site_id`` is
    assigned across everything.

    Parameters
    ----------
    results
        Results of :func:`read_register`.

    Returns
    -------
    LoadResult
    """
    ledgers: list[pd.DataFrame] = []
    asset_frames: list[gpd.GeoDataFrame] = []
    column_map: dict[str, dict[str, str]] = {}
    schemas: dict[str, str] = {}
    offset = 0
    for result in results:
        ledger = result.ledger.copy()
        positions = ledger.index.get_indexer(result.assets.index)
        ledger.index = pd.RangeIndex(offset, offset + len(ledger))
        assets = result.assets.copy()
        assets.index = pd.Index(positions + offset, dtype="int64")
        ledgers.append(ledger)
        asset_frames.append(assets)
        column_map.update(result.column_map)
        schemas.update(result.schemas)
        offset += len(ledger)
    if not ledgers:
        return LoadResult(empty_assets(), empty_ledger(), {}, None)
    ledger = pd.concat(ledgers) if len(ledgers) > 1 else ledgers[0]
    frames = [a for a in asset_frames if len(a)]
    assets = (
        gpd.GeoDataFrame(pd.concat(frames), crs=CRS) if frames else empty_assets()
    )
    if len(assets):
        ids = assets[ASSET_ID].astype("string")
        dup = pd.DataFrame({"a": assets[AGENCY].astype("string"), "i": ids}).duplicated(
            keep="first"
        ) & ids.notna()
        if dup.any():
            key = assets[AGENCY].astype(str) + "\x00" + ids.astype(str)
            first_label = pd.Series(assets.index, index=assets.index).groupby(key).transform(
                "first"
            )
            labels = assets.index[dup.to_numpy()]
            firsts = first_label.loc[labels].to_numpy()
            here = ledger.loc[labels]
            there = ledger.loc[firsts].set_axis(labels)
            ledger.loc[labels, LEDGER_STATUS] = REJECTED
            ledger.loc[labels, LEDGER_REASON] = REASON_DUPLICATE_ID
            ledger.loc[labels, LEDGER_MESSAGE] = (
                "Asset id '" + here[LEDGER_ASSET_ID].astype(str) + "' of "
                + here[LEDGER_AGENCY].astype(str) + " was already loaded from "
                + there[LEDGER_FILE].astype(str) + " row " + there[LEDGER_ROW].astype(str)
                + "; this record (" + here[LEDGER_FILE].astype(str) + " row "
                + here[LEDGER_ROW].astype(str) + ") was not loaded. Give each asset its own "
                "id, or remove the repeated record."
            )
            assets = assets.loc[~dup.to_numpy()]
        assets = assets.copy()
        assets[SITE_ID] = assign_sites(assets)
    return LoadResult(coerce_assets(assets), ledger, column_map, None, schemas)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many geometries.

    Each shapely geometry is a tracked Python object: building a million of them
    triggers hundreds of collections that walk every object alive, and so does
    every later allocation while they are young, which costs several times the
    building itself. Nothing built here forms cycles. The collector's state is
    restored on leaving (also when it was already paused by the caller).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def _system_arrow_memory() -> Iterator[None]:
    """Let Arrow allocate from the C library's allocator while loading.

    A register of a million rows makes many short-lived Arrow buffers of tens
    of megabytes. Arrow's default pool (mimalloc or jemalloc) hands freed pages
    back to the operating system within milliseconds, so each new buffer is
    faulted in afresh; the C allocator keeps and reuses them. Measured on a
    1,000,000-row register: 1.30 s with mimalloc, 1.13 s with the system pool
    (the first call 1.87 s and 1.22 s). The pool in use before is restored on
    leaving, unless something else changed it meanwhile.
    """
    import pyarrow as pa

    before = pa.default_memory_pool()
    if before.backend_name == "system":
        yield
        return
    ours = pa.system_memory_pool()
    pa.set_memory_pool(ours)
    try:
        yield
    finally:
        if pa.default_memory_pool().backend_name == ours.backend_name:
            pa.set_memory_pool(before)


@contextmanager
def _bulk_work() -> Iterator[None]:
    """Conditions for building large frames quickly (see :func:`_gc_paused` and
    :func:`_system_arrow_memory`); everything is restored on leaving."""
    with _gc_paused(), _system_arrow_memory():
        yield


# --- normalisation (pure) ----------------------------------------------------------------


@_bulk_work()
def normalise_register(
    raw: RawTable,
    *,
    agency: str,
    columns: Mapping[str, str | Sequence[str]] | None = None,
    crs: str | None = None,
    sensitive: bool = False,
    postcodes: PostcodeDirectory | None = None,
    districts: gpd.GeoDataFrame | None = None,
    study_area: Sequence[str] = DEFAULT_STUDY_AREA,
    source_name: str | None = None,
) -> LoadResult:
    """Turn a raw table (from :func:`read_register_file`) into a :class:`LoadResult`.

    This is :func:`read_register` without the reading; see it for the parameters.
    Python's cyclic garbage collector is paused while it runs, and Arrow
    allocates from the system allocator (see :func:`_bulk_work`).
    """
    shown = source_name or str(raw.path)
    frame = raw.frame
    profile = None
    if raw.headerless and not columns and _is_ods_layout(frame):
        frame = frame.copy()
        frame.columns = pd.Index(_ods_names(frame.shape[1]))
        raw = RawTable(**{**raw.__dict__, "frame": frame, "headerless": False})
    mapping, profile = resolve_columns(
        list(frame.columns), columns, shown=shown, sheet=raw.sheet
    )
    n = len(frame)
    rows = pd.Series(raw.rows, index=frame.index)
    ctx = _Context(shown, raw.sheet, rows, n)

    # Values --------------------------------------------------------------------
    text: dict[str, pd.Series] = {}
    for fld in (ASSET_ID, NAME, POSTCODE, UPRN, USE, TENURE, STATUS, SITE_ID, _CLOSED):
        col = mapping.get(fld)
        if isinstance(col, str):
            text[fld] = _clean_text(frame[col])
    address_cols = mapping.get(ADDRESS)
    if address_cols:
        text[ADDRESS] = _join_columns(frame, _as_list(address_cols))

    generated = ASSET_ID not in text
    ids = text.get(ASSET_ID)
    stem = Path(shown).stem
    if ids is None:
        asset_ids = pd.Series(stem + "#" + rows.astype(str), index=frame.index, dtype="string")
        no_id = pd.Series(True, index=frame.index)
    else:
        no_id = ids.isna()
        asset_ids = ids.copy()
        if no_id.any():  # generated ids only for the rows without one
            fallback_ids = pd.Series(
                stem + "#" + rows[no_id].astype(str), index=frame.index[no_id], dtype="string"
            )
            asset_ids = ids.fillna(fallback_ids)
    # Say so: an id made up from the file and row is not the agency's own reference.
    ctx.warn(
        no_id,
        "asset_id_generated: no asset id in the file; the id is made from the file name "
        "and row. Map the agency's own reference column to asset_id in the manifest.",
    )

    numbers: dict[str, pd.Series] = {}
    for fld in (GIA_M2, STAFF_FTE, ANNUAL_COST_GBP):
        col = mapping.get(fld)
        if isinstance(col, str):
            scale = _SQFT_TO_M2 if fld == GIA_M2 and _is_sqft_name(col) else 1.0
            values, bad = parse_numbers(frame[col], area=fld == GIA_M2)
            numbers[fld] = values * scale
            ctx.warn_values(WARN_NUMBER, bad, frame[col], col, "read as missing")
    lease_end = None
    if isinstance(mapping.get(LEASE_END), str):
        col = str(mapping[LEASE_END])
        lease_end, bad = parse_dates(frame[col])
        ctx.warn_values(WARN_DATE, bad, frame[col], col, "not a date, read as missing")

    # Exclusion of closed records -----------------------------------------------
    if _CLOSED in text:
        closed_col = str(mapping[_CLOSED])
        closed = text[_CLOSED].notna() & ~text[_CLOSED].str.fullmatch(r"(?i)no|n|false|0")
        closed = closed.fillna(False).astype(bool)
        ctx.set_status(
            closed,
            EXCLUDED,
            REASON_CLOSED,
            lambda m: "The source marks this record closed ("
            + closed_col
            + " '"
            + text[_CLOSED][m].fillna("")
            + "'); it is not a current asset. Remove the close mark if it is still in use.",
            closed_col,
        )
    status_col = mapping.get(STATUS)
    if STATUS in text and profile is not None and profile.name.startswith("NHS ODS"):
        closed = text[STATUS].str.upper().eq("C").fillna(False).astype(bool) & ctx.open()
        ctx.set_status(
            closed,
            EXCLUDED,
            REASON_CLOSED,
            f"The source marks this record closed ({status_col} 'C'); it is not a "
            "current asset.",
            str(status_col),
        )

    # Location ---------------------------------------------------------------------
    loc = _locate(raw, frame, mapping, crs, ctx, text.get(POSTCODE), postcodes)

    # Duplicate ids ----------------------------------------------------------------
    if not generated:
        eligible = ctx.open() | ctx.has(EXCLUDED)
        eligible &= ids.notna() if ids is not None else False
        keyed = asset_ids if eligible.all() else asset_ids.where(eligible)
        as_ints = _fixed_width_ints(keyed.array)
        if as_ints is not None and bool((np.diff(np.sort(as_ints)) != 0).all()):
            dup = pd.Series(False, index=frame.index)  # every id distinct: one sort says so
        else:
            id_codes = _factorize_codes(keyed)
            has_id = id_codes >= 0
            # Codes are numbered in order of appearance: a row is the first with its
            # id exactly where its code exceeds every code before it.
            before = np.maximum.accumulate(np.concatenate([[-1], id_codes[:-1]]))
            seen = has_id & (id_codes > before)
            dup = pd.Series(has_id & ~seen, index=frame.index) & eligible
        if dup.any():
            first_row = rows.where(eligible).groupby(asset_ids.where(eligible)).transform("first")
            id_col = str(mapping[ASSET_ID])
            def message(m: pd.Series) -> pd.Series:
                return (
                "Asset id '"
                + asset_ids[m].fillna("")
                + "' already appears in row "
                + first_row[m].astype("Int64").astype(str)
                + " of "
                + shown
                + "; only the first is loaded. Give each asset its own id, or remove the "
                "repeated row."
                )

            ctx.reopen(dup & ctx.has(EXCLUDED))
            ctx.set_status(dup, REJECTED, REASON_DUPLICATE_ID, message, id_col)

    # Districts ----------------------------------------------------------------------
    candidates = ctx.open()
    placed = _Placed.empty(n)
    if candidates.any():
        if districts is None:
            from . import districts as _districts

            districts = _districts.load_districts(codes=tuple(study_area), postcodes=postcodes)
        pc_district = loc.postcode_district
        assigned = _assign_districts(
            loc.x[candidates],
            loc.y[candidates],
            districts,
            postcode_districts=None if pc_district is None else pc_district[candidates],
        )
        to_place = candidates.to_numpy()
        if to_place.all():  # the usual case: no million-row masked assignment
            placed = assigned
        else:
            placed.set_rows(to_place, assigned)
        outside = candidates & ~pd.Series(placed.within(study_area), index=frame.index)
        ctx.set_status(
            outside,
            EXCLUDED,
            REASON_OUTSIDE_STUDY_AREA,
            lambda m: "The location ("
            + loc.x[m].round(0).astype("Int64").astype(str)
            + ", "
            + loc.y[m].round(0).astype("Int64").astype(str)
            + ", from "
            + loc.method[m].fillna("")
            + ") lies outside the study area's districts. Check the coordinates, or add "
            "the district to study_area.",
            loc.columns,
        )

    # Assets ----------------------------------------------------------------------------
    loaded = ctx.open()
    ctx.load_open()
    keep = loaded.to_numpy()
    idx = frame.index[keep]
    use_raw = text.get(USE)
    tenure_raw = text.get(TENURE)
    status_raw = text.get(STATUS)
    use_factors = None if use_raw is None else _factorize(use_raw)
    use = categorise_use(
        use_raw,
        names=text.get(NAME),
        agency=agency,
        default=profile.default_use if profile else None,
        index=frame.index,
        factorized=use_factors,
    )
    tenure = categorise(tenure_raw, _TENURE_RULES, default="other", index=frame.index)
    status = categorise(status_raw, _STATUS_RULES, default="unknown", index=frame.index)
    if use_factors is not None:  # "Buildings Declared Surplus" in a use column
        use_codes, use_values = use_factors
        surplus_value = np.array(
            [bool(_SURPLUS_USE.search(str(v))) for v in use_values], dtype=bool
        )
        if surplus_value.any():
            surplus = _spread_codes(use_codes, surplus_value, missing=False)
            declared = surplus & (status == "unknown").to_numpy(dtype=bool)
            if declared.any():
                status = status.mask(declared, "surplus")
    postcode_out = None
    postcode_key_codes = None  # per row, for site matching
    if POSTCODE in text:
        # The distinct postcodes once: formatted, and keyed for site matching.
        pc_codes, pc_values = _factorize(text[POSTCODE])
        if len(pc_values):
            formatted = format_postcodes(pd.Series(pc_values)).astype("str")
            if bool((formatted.to_numpy(dtype=object) == pc_values).all()):
                postcode_out = text[POSTCODE]  # written in the standard form already
            else:
                postcode_out = pd.Series(
                    formatted.array.take(pc_codes, allow_fill=True), index=frame.index
                )
            key_of_value = _factorize_codes(postcode_keys(formatted).astype("str"))
            if bool((key_of_value == np.arange(len(key_of_value))).all()):
                postcode_key_codes = pc_codes  # one spelling per postcode
            else:
                postcode_key_codes = _spread_codes(pc_codes, key_of_value)
        else:
            postcode_out = format_postcodes(text[POSTCODE])
    data: dict[str, Any] = {
        ASSET_ID: _take(asset_ids, idx),
        AGENCY: _constant_text(agency, idx),
        NAME: _maybe(text.get(NAME), idx),
        ADDRESS: _maybe(text.get(ADDRESS), idx),
        POSTCODE: _maybe(postcode_out, idx),
        UPRN: _maybe(text.get(UPRN), idx),
        USE: _take(use, idx),
        USE_RAW: _maybe(use_raw, idx),
        TENURE: _take(tenure, idx),
        TENURE_RAW: _maybe(tenure_raw, idx),
        GIA_M2: _maybe(numbers.get(GIA_M2), idx, "float64"),
        STAFF_FTE: _maybe(numbers.get(STAFF_FTE), idx, "float64"),
        ANNUAL_COST_GBP: _maybe(numbers.get(ANNUAL_COST_GBP), idx, "float64"),
        STATUS: _take(status, idx),
        LEASE_END: _maybe(lease_end, idx, "datetime64[ns]"),
        LOCATION_METHOD: loc.method_of(keep, idx),
        LOCATION_PRECISION_M: _take(loc.precision, idx),
        DISTRICT_CODE: placed.column(DISTRICT_CODE, keep, idx),
        "district_name": placed.column("district_name", keep, idx),
        "district_method": placed.column("district_method", keep, idx),
        SENSITIVE: pd.Series(bool(sensitive), index=idx),
        SOURCE_FILE: _constant_text(shown, idx),
        SOURCE_ROW: _take(rows, idx).astype("Int64"),
    }
    agency_site = text.get(SITE_ID)
    if agency_site is not None:
        data["_agency_site"] = _take(agency_site, idx)
    used = _used_columns(mapping)
    unmapped = [c for c in frame.columns if c not in used]
    if not unmapped:
        data[EXTRA] = _constant_text("{}", idx)
    elif len(idx):
        data[EXTRA] = _extra_json(frame[unmapped].take(idx.to_numpy()))
    else:
        data[EXTRA] = pd.Series([], index=idx, dtype="string")
    xs = _take(loc.x, idx).to_numpy(dtype=float)
    ys = _take(loc.y, idx).to_numpy(dtype=float)
    geometry = gpd.points_from_xy(xs, ys, crs=CRS)
    # copy=False: the frame is new, so the GeoDataFrame need not copy every column.
    assets = gpd.GeoDataFrame(
        pd.DataFrame(data, index=idx, copy=False), geometry=geometry, crs=CRS, copy=False
    )
    hints = _SiteHints(
        xs=xs,
        ys=ys,
        postcode_key_codes=None if postcode_key_codes is None else postcode_key_codes[keep],
    )
    assets[SITE_ID] = _assign_sites(assets, hints=hints)
    if "_agency_site" in assets.columns:
        assets = assets.drop(columns=["_agency_site"])
    assets = coerce_assets(assets)

    ledger = ctx.ledger(agency, asset_ids)
    column_map = {shown: {k: _column_label(v) for k, v in mapping.items()}}
    schemas = {shown: profile.name} if profile is not None else {}
    if logger.isEnabledFor(logging.INFO):
        counts = ledger[LEDGER_STATUS].value_counts().to_dict()
        logger.info("%s (%s): %d rows: %s", shown, agency, n, counts)
    return LoadResult(assets, ledger, column_map, None, schemas)


def _assign_districts(
    x: pd.Series,
    y: pd.Series,
    districts: gpd.GeoDataFrame,
    *,
    postcode_districts: pd.Series | None,
    cell_m: float = 500.0,
) -> _Placed:
    """District code, name and method per point, as :func:`districts.assign_districts`.

    For large registers, points in grid cells that lie wholly inside one
    district (further than the boundary tolerance from its edge) are assigned
    by a table look-up; only the rest go through the full spatial join, which
    gives the same answer for them.
    """
    from . import districts as _districts

    if postcode_districts is not None:
        postcode_districts = postcode_districts.reset_index(drop=True)
    columns = list(_DISTRICT_COLUMNS)
    tolerance_m = _DISTRICT_TOLERANCE_M

    def spatial_join(where_: np.ndarray) -> pd.DataFrame:
        with _gc_paused():
            geometry = gpd.points_from_xy(x.to_numpy()[where_], y.to_numpy()[where_])
        points = gpd.GeoDataFrame(index=x.index[where_], geometry=geometry, crs=CRS)
        pc = (
            None
            if postcode_districts is None
            else postcode_districts[where_].set_axis(points.index)
        )
        out = _districts.assign_districts(
            points, districts, tolerance_m=tolerance_m, postcode_districts=pc
        )
        return pd.DataFrame({c: out[c].astype("str") for c in columns}, index=points.index)

    if len(x) < _FAST_DISTRICTS_MIN:
        placed = _Placed.empty(len(x))
        everywhere = np.ones(len(x), dtype=bool)
        placed.set_rows(everywhere, spatial_join(everywhere))
        return placed
    bng = districts.to_crs(CRS) if districts.crs is not None else districts
    polygons = bng.geometry.to_numpy()
    x0, y0, x1, y1 = shapely.total_bounds(polygons)
    nx, ny = int(np.ceil((x1 - x0) / cell_m)), int(np.ceil((y1 - y0) / cell_m))
    xs = x.to_numpy(dtype=float)
    ys = y.to_numpy(dtype=float)
    # Cell numbers, computed in place: a million points make every temporary count.
    ix = np.subtract(xs, x0)
    ix /= cell_m
    np.floor(ix, out=ix)
    iy = np.subtract(ys, y0)
    iy /= cell_m
    np.floor(iy, out=iy)
    on_grid = (ix >= 0) & (ix < nx) & (iy >= 0) & (iy < ny)
    iy *= nx
    iy += ix
    iy[~on_grid] = 0
    flat = iy.astype(np.int64)
    del ix, iy
    # Only the cells that hold points are tested against the districts.
    occupied = np.flatnonzero(np.bincount(flat[on_grid], minlength=nx * ny))
    ox0 = x0 + cell_m * (occupied % nx)
    oy0 = y0 + cell_m * (occupied // nx)
    cells = shapely.box(ox0, oy0, ox0 + cell_m, oy0 + cell_m)
    occupied_district = np.full(len(cells), -1, dtype=np.int32)
    inners = []
    for number, polygon in enumerate(polygons):
        # A metre of margin: the buffer's chords cut its arcs a little short.
        inner = shapely.buffer(polygon, -(tolerance_m + 1.0))
        shapely.prepare(inner)
        inners.append(inner)
        inside = shapely.contains(inner, cells) & (occupied_district < 0)
        occupied_district[inside] = number
    cell_district = np.full(nx * ny, -1, dtype=np.int32)
    cell_district[occupied] = occupied_district
    found = cell_district[flat]
    found[~on_grid] = -1
    # Cells that straddle a boundary: look again, at a finer grid, in the fine
    # cells that hold points.
    again = np.flatnonzero((found < 0) & on_grid)
    if len(again):
        sub = cell_m / _FINE_GRID
        fine_nx = nx * _FINE_GRID
        fine_x = np.floor((xs[again] - x0) / sub).astype(np.int64)
        fine_y = np.floor((ys[again] - y0) / sub).astype(np.int64)
        fine_cells, position = np.unique(fine_y * fine_nx + fine_x, return_inverse=True)
        bx = x0 + sub * (fine_cells % fine_nx)
        by = y0 + sub * (fine_cells // fine_nx)
        boxes = shapely.box(bx, by, bx + sub, by + sub)
        hit_polygon, hit_box = shapely.STRtree(boxes).query(
            np.asarray(inners, dtype=object), predicate="contains"
        )
        fine = np.full(len(boxes), -1, dtype=np.int32)
        order = np.argsort(hit_polygon, kind="stable")[::-1]  # first district wins
        fine[hit_box[order]] = hit_polygon[order]
        found[again] = fine[position]
    sure = found >= 0
    placed = _Placed(
        positions=found,
        table=pd.DataFrame(
            {
                DISTRICT_CODE: bng[DISTRICT_CODE].astype("str").to_numpy(),
                "district_name": bng["district_name"].astype("str").to_numpy(),
                "district_method": "within",
            },
            dtype="str",
        ),
    )
    if not sure.all():
        # The rest through the full spatial join.
        placed.set_rows(~sure, spatial_join(~sure))
    logger.debug("Districts: %d of %d points by grid look-up", int(sure.sum()), len(x))
    return placed


@dataclass
class _Placed:
    """District code, name and method per point, as a position (-1: none) in a
    short table of the distinct (code, name, method) triples: one take per
    column builds the text when it is needed."""

    positions: np.ndarray
    table: pd.DataFrame  # _DISTRICT_COLUMNS, text; a RangeIndex

    @classmethod
    def empty(cls, n: int) -> _Placed:
        return cls(
            positions=np.full(n, -1, dtype=np.int32),
            table=pd.DataFrame({c: pd.array([], dtype="str") for c in _DISTRICT_COLUMNS}),
        )

    def set_rows(self, rows: np.ndarray, values: _Placed | pd.DataFrame) -> None:
        """Give the ``rows`` (a mask) the ``values`` (one per masked row)."""
        if isinstance(values, _Placed):
            codes, distinct = values.positions, values.table
        else:
            triples = values[list(_DISTRICT_COLUMNS)]
            codes = triples.groupby(list(_DISTRICT_COLUMNS), dropna=False, sort=False).ngroup()
            codes = codes.to_numpy()
            first = np.unique(codes, return_index=True)[1]
            distinct = values.iloc[first][list(_DISTRICT_COLUMNS)].astype("str")
        base = len(self.table)
        self.table = pd.concat(
            [self.table, distinct.reset_index(drop=True)] if base else [distinct],
            ignore_index=True,
        )
        self.positions[rows] = np.where(codes >= 0, base + codes, -1)

    def column(self, name: str, rows: np.ndarray, index: pd.Index) -> pd.Series:
        """The text of column ``name`` for the ``rows`` (a mask), labelled ``index``."""
        positions = self.positions if rows.all() else self.positions[rows]
        return _spread(positions, self.table[name].array, index, "str")

    def within(self, codes: Sequence[str]) -> np.ndarray:
        """Per point, whether its district is one of ``codes``."""
        entry = self.table[DISTRICT_CODE].isin(list(codes)).to_numpy(dtype=bool)
        return _spread_codes(self.positions, entry, missing=False)


# --- column recognition ------------------------------------------------------------------


def _is_ods_layout(frame: pd.DataFrame) -> bool:
    if frame.shape[1] not in (26, 27) or len(frame) == 0:
        return False
    sample = frame.head(200)
    code_ok = sample.iloc[:, 0].str.fullmatch(r"[A-Z0-9]{3,6}").fillna(False).mean() > 0.9
    postcode_ok = is_postcode_shaped(sample.iloc[:, 9]).mean() > 0.8
    return bool(code_ok and postcode_ok)


def _ods_names(width: int) -> list[str]:
    return list(ODS_COLUMNS[:width])


def _profile_for(keys: set[str]) -> _Profile | None:
    for profile in PROFILES:
        if all(s in keys for s in profile.signature):
            return profile
    return None


def resolve_columns(
    source_columns: Sequence[str],
    explicit: Mapping[str, str | Sequence[str]] | None = None,
    *,
    shown: str = "register",
    sheet: str | None = None,
) -> tuple[dict[str, str | list[str]], _Profile | None]:
    """Decide which source column feeds which field.

    The explicit mapping wins; other fields are recognised from the column
    names (known published schemas first, then generic names).

    Parameters
    ----------
    source_columns
        Column names of the file.
    explicit
        Field -> source column(s) from the manifest.
    shown, sheet
        For messages.

    Returns
    -------
    tuple
        ``(mapping, profile)``: field -> column (``address`` may be a list), and
        the recognised published schema or ``None``.

    Raises
    ------
    ValidationError
        If ``explicit`` names an unknown field.
    RegisterFormatError
        If ``explicit`` names a column that is not in the file.

    Examples
    --------
    >>> mapping, profile = resolve_columns(["UPRN", "AssetCode", "GeoX", "GeoY", "PostCode"])
    >>> mapping["asset_id"], mapping["easting"], profile.name
    ('AssetCode', 'GeoX', 'LGTC land and assets')
    """
    explicit = dict(explicit or {})
    unknown = sorted(set(explicit) - set(COLUMN_FIELDS))
    if unknown:
        raise ValidationError(
            f"{shown}: unknown field(s) in the column mapping: {', '.join(unknown)}. "
            f"Allowed fields: {', '.join(COLUMN_FIELDS)}."
        )
    present = {str(c) for c in source_columns}
    by_key: dict[str, str] = {}
    for col in source_columns:
        by_key.setdefault(_key(col), str(col))
    missing: list[str] = []
    mapping: dict[str, str | list[str]] = {}
    for fld, value in explicit.items():
        wanted = [value] if isinstance(value, str) else list(value)
        found = []
        for name in wanted:
            if name in present:
                found.append(name)
            elif _key(name) in by_key:
                found.append(by_key[_key(name)])
            else:
                missing.append(f'{fld} = "{name}"')
        if found:
            mapping[fld] = found if fld == ADDRESS else found[0]
    if missing:
        listed = ", ".join(f'"{c}"' for c in source_columns[:40])
        raise RegisterFormatError(
            f"{where(shown, sheet=sheet)}: the column mapping names column(s) not in the "
            f"file: {'; '.join(missing)}. The file's columns are {listed}. Correct the "
            "names in [register.columns]."
        )
    profile = _profile_for(set(by_key))
    used = {c for v in mapping.values() for c in _as_list(v)}

    def take(fld: str, candidates: Sequence[str]) -> None:
        if fld in mapping or fld in explicit:
            return
        for alias in candidates:
            col = by_key.get(alias)
            if col is not None and col not in used:
                mapping[fld] = col
                used.add(col)
                return

    if profile is not None:
        for fld, aliases in profile.columns.items():
            if fld in explicit:
                continue
            if not aliases:
                mapping.pop(fld, None)
                explicit[fld] = ""  # recognised as "not in this schema"
                continue
            if fld == ADDRESS:
                cols = [by_key[a] for a in aliases if a in by_key and by_key[a] not in used]
                if cols:
                    mapping[ADDRESS] = cols
                    used.update(cols)
            else:
                take(fld, aliases)
    order = [
        ASSET_ID, UPRN, POSTCODE, "easting", "northing", "latitude", "longitude", "grid_ref",
        "geometry", NAME, USE, TENURE, STATUS, GIA_M2, STAFF_FTE, ANNUAL_COST_GBP, LEASE_END,
        SITE_ID, _CLOSED,
    ]
    for fld in order:
        take(fld, ALIASES[fld])
    if ADDRESS not in mapping and ADDRESS not in explicit:
        single = next(
            (by_key[a] for a in ALIASES[ADDRESS] if a in by_key and by_key[a] not in used), None
        )
        parts = [
            str(c)
            for c in source_columns
            if _ADDRESS_PARTS.match(_key(c)) and str(c) not in used and str(c) != single
        ]
        cols = ([single] if single else []) + parts
        if cols:
            mapping[ADDRESS] = cols
            used.update(cols)
    # A lone half of a coordinate pair is no use: leave it in extra.
    for a, b in (("easting", "northing"), ("latitude", "longitude")):
        if (a in mapping) != (b in mapping):
            if a in explicit or b in explicit:
                have = a if a in mapping else b
                raise RegisterFormatError(
                    f"{where(shown, sheet=sheet)}: {have} is mapped but {b if have == a else a}"
                    " is not. Map both columns of the coordinate pair."
                )
            mapping.pop(a, None)
            mapping.pop(b, None)
    explicit_blank = {k for k, v in explicit.items() if v == ""}
    for k in explicit_blank:
        mapping.pop(k, None)
    return mapping, profile


def _as_list(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _used_columns(mapping: Mapping[str, str | list[str]]) -> set[str]:
    return {c for v in mapping.values() for c in _as_list(v)}


def _column_label(value: str | Sequence[str]) -> str:
    return value if isinstance(value, str) else " + ".join(value)


def _is_sqft_name(column: str) -> bool:
    return bool(re.search(r"sq\.? ?f|ft2|ft²|square ?f", column.lower()))


# --- values -------------------------------------------------------------------------------


def _clean_text(series: pd.Series) -> pd.Series:
    import pyarrow as pa
    import pyarrow.compute as pc

    text = series if series.dtype == "str" else series.astype("str")
    if not _plain_edges(text):
        text = text.str.strip()
    if isinstance(text.array, pd.arrays.ArrowStringArray):
        # One Arrow if_else: pandas' mask() rebuilds the array through a slower path.
        array = text.array._pa_array
        empty = pc.equal(pc.binary_length(array), 0)
        if not pc.any(empty).as_py():
            return text
        cleaned = pc.if_else(empty, pa.scalar(None, type=array.type), array)
        return pd.Series(pd.array(cleaned, dtype=text.dtype), index=text.index, name=text.name)
    return text.mask(text == "")


def _plain_edges(text: pd.Series) -> bool:
    """True when no value starts or ends with a byte that could be whitespace, so
    ``str.strip()`` would change nothing. Looks at two bytes per value with numpy;
    anything outside printable ASCII at an edge answers False (strip it)."""
    import pyarrow as pa

    if not isinstance(text.array, pd.arrays.ArrowStringArray):
        return False
    for chunk in text.array._pa_array.chunks:
        if not pa.types.is_large_string(chunk.type):
            return False
        n = len(chunk)
        if n == 0:
            continue
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int64)
        offsets = offsets[chunk.offset : chunk.offset + n + 1]
        if chunk.buffers()[2] is None:
            continue  # every value empty
        data = np.frombuffer(chunk.buffers()[2], dtype=np.uint8)
        starts, ends = offsets[:-1], offsets[1:]
        filled = ends > starts
        edges = np.concatenate([data[starts[filled]], data[ends[filled] - 1]])
        if ((edges <= 32) | (edges >= 127)).any():
            return False
    return True


def _join_columns(frame: pd.DataFrame, cols: list[str]) -> pd.Series:
    parts = [_clean_text(frame[c]).str.replace(r"\s*\n\s*", ", ", regex=True) for c in cols]
    joined = parts[0].fillna("")
    for part in parts[1:]:
        joined = joined.str.cat(part.fillna(""), sep=", ")
    joined = joined.str.replace(r"(,\s*)+", ", ", regex=True).str.strip(", ")
    return joined.mask(joined == "")


def _constant_text(value: str | None, idx: pd.Index, dtype: str = "string") -> pd.Series:
    """``pd.Series(value, index=idx, dtype=dtype)`` for text, built straight from buffers.

    ``dtype`` is ``"string"`` or ``"str"``; ``None`` gives missing values.
    """
    import pyarrow as pa

    target = pd.StringDtype() if dtype == "string" else pd.Series([], dtype=dtype).dtype
    if getattr(target, "storage", None) != "pyarrow":
        missing = pd.NA if dtype == "string" else np.nan
        return pd.Series(missing if value is None else value, index=idx, dtype=dtype)
    n = len(idx)
    if value is None:
        array = pa.nulls(n, pa.large_string())
    else:
        data = value.encode("utf-8")
        offsets = np.arange(n + 1, dtype=np.int64) * len(data)
        array = pa.LargeStringArray.from_buffers(
            n, pa.py_buffer(offsets), pa.py_buffer(data * n)
        )
    return pd.Series(pd.array(array, dtype=target), index=idx)


def _fill(base: pd.Series, mask: pd.Series, value: str) -> pd.Series:
    """``base.mask(mask, value)`` for one text value, with one Arrow ``if_else``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = base.array
    if not (
        isinstance(array, pd.arrays.ArrowStringArray)
        and base.dtype == "str"
        and mask.index.equals(base.index)
    ):
        return base.mask(mask, value)
    flags = mask.to_numpy(dtype=bool)
    if flags.all():
        return _constant_text(value, base.index, "str").rename(base.name)
    if not flags.any():
        return base
    chunked = array._pa_array
    filled = pc.if_else(pa.array(flags), pa.scalar(value, type=chunked.type), chunked)
    return pd.Series(pd.array(filled, dtype=base.dtype), index=base.index, name=base.name)


def _maybe(series: pd.Series | None, idx: pd.Index, dtype: str = "string") -> pd.Series:
    if series is None:
        if dtype == "string":
            return _constant_text(None, idx)
        if dtype == "datetime64[ns]":
            return pd.Series(pd.NaT, index=idx, dtype=dtype)
        return pd.Series(pd.NA if dtype == "string" else np.nan, index=idx, dtype=dtype)
    return _take(series, idx)


def _take(series: pd.Series, idx: pd.Index) -> pd.Series:
    """``series[idx]`` for a RangeIndex-labelled series: a positional take, no hashing."""
    if isinstance(series.index, pd.RangeIndex) and series.index.start == 0 and (
        series.index.step == 1
    ):
        if len(idx) == len(series):  # every row: idx is 0..n-1, nothing to take
            return series.set_axis(idx)
        return series.take(idx.to_numpy())
    return series.loc[idx]


_SURPLUS_USE = re.compile(r"(?i)surplus|for disposal")


def parse_numbers(series: pd.Series, *, area: bool = False) -> tuple[pd.Series, pd.Series]:
    """Parse numbers written as text: ``"£1,234"``, ``"1,200 m2"``, ``"12k"``.

    Parameters
    ----------
    series
        Text values.
    area
        Convert square feet (``"1,000 sq ft"``) to square metres.

    Returns
    -------
    tuple of pandas.Series
        Float values (NaN where missing or unreadable) and a boolean mask of the
        cells that held text that is not a number (for example ``"TBC"``).

    Examples
    --------
    >>> values, bad = parse_numbers(pd.Series(["£1,234", "1,200 m2", "TBC", None, "12k"]))
    >>> values.tolist()[:2], bad.tolist()
    ([1234.0, 1200.0], [False, False, True, False, False])
    """
    fast = _arrow_floats(series)
    if fast is not None:  # every cell a plain number or blank
        return fast, pd.Series(False, index=series.index)
    import pyarrow as pa
    import pyarrow.compute as pc

    # Vectorised in Arrow's RE2 kernels: a million cells of "£1,234" take a
    # fraction of a second, not a Python call each.
    text = pa.array(series.astype("str").array)
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    text = pc.utf8_trim_whitespace(text.cast(pa.large_string()))
    blank = np.asarray(pc.fill_null(pc.equal(text, ""), True), dtype=bool)
    values = _plain_floats(text)
    rest_rows = np.flatnonzero(np.isnan(values) & ~blank)
    if len(rest_rows):
        rest = pc.utf8_lower(text.take(pa.array(rest_rows)))
        negative = _matches(rest, r"^\(.*\)$")
        rest = pc.utf8_trim(rest, "()")
        rest = pc.replace_substring_regex(rest, _NUMBER_CLEAN_RE2, "")
        unit = pc.struct_field(pc.extract_regex(rest, f"(?P<unit>{_UNIT_TAIL_RE2})"), "unit")
        rest = pc.replace_substring_regex(rest, _UNIT_TAIL_RE2, "")
        parsed = _plain_floats(rest)
        parsed[_matches(unit, "^k$")] *= 1000.0
        if area:
            parsed[_matches(unit, r"^(?:sq\.?ft\.?|sqft|ft2|ft²)$")] *= _SQFT_TO_M2
        parsed[negative] *= -1.0
        values[rest_rows] = parsed
    values[np.isinf(values)] = np.nan  # "1e309", "inf": not a usable quantity
    bad = np.isnan(values) & ~blank
    return pd.Series(values, index=series.index), pd.Series(bad, index=series.index)


#: A number as Arrow can cast it: optional sign, digits, decimals and exponent.
_PLAIN_NUMBER_RE2 = r"^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$"
#: What to drop from number text (RE2): currency, commas, whitespace (as Python's
#: ``\s``), "GBP" and "per annum" wordings.
_NUMBER_CLEAN_RE2 = (
    rf"[£$€,{WHITESPACE_RE2}]|gbp|p\.?a\.?$|per ?annum$|/ ?(?:yr|year|annum)$"
)
#: A unit at the end of number text (RE2): areas, FTE, "k" for thousands.
_UNIT_TAIL_RE2 = r"(?:m2|m²|sq\.?m\.?|sqm|square ?metres?|fte|k|sq\.?ft\.?|sqft|ft2|ft²)$"


def _matches(text: Any, pattern: str) -> np.ndarray:
    """Where Arrow text matches an RE2 ``pattern`` (False where missing)."""
    import pyarrow.compute as pc

    return np.asarray(pc.fill_null(pc.match_substring_regex(text, pattern), False), dtype=bool)


def _plain_floats(text: Any) -> np.ndarray:
    """Arrow text to floats where it is a plain number, NaN elsewhere."""
    import pyarrow as pa
    import pyarrow.compute as pc

    out = np.full(len(text), np.nan)
    plain = _matches(text, _PLAIN_NUMBER_RE2)
    if plain.any():
        cast = pc.cast(text.filter(pa.array(plain)), pa.float64())
        out[plain] = cast.to_numpy(zero_copy_only=False)
    return out


def _arrow_floats(series: pd.Series) -> pd.Series | None:
    """Cast text to floats with Arrow when every cell is a plain number, else None."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        arrow = pa.array(series.array, from_pandas=True)
        if not pa.types.is_string(arrow.type) and not pa.types.is_large_string(arrow.type):
            return None
        values = pc.cast(arrow, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError):
        return None
    out = values.to_numpy(zero_copy_only=False)
    if np.isinf(out).any():
        return None  # "inf": let the slow path flag it
    return pd.Series(out, index=series.index, dtype="float64")


def parse_dates(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse dates written in the common UK ways (day first), ISO or ``YYYYMMDD``.

    Returns
    -------
    tuple of pandas.Series
        ``datetime64[ns]`` values (NaT where missing or unreadable) and a boolean
        mask of cells holding text that is not a date.

    Examples
    --------
    >>> values, bad = parse_dates(pd.Series(["31/03/2027", "2027-03-31", "20270331", "soon"]))
    >>> [str(v.date()) if pd.notna(v) else None for v in values], bad.tolist()[-1]
    (['2027-03-31', '2027-03-31', '2027-03-31', None], True)
    """
    text = series.astype("string").str.strip()
    blank = text.isna() | (text == "")
    compact = text.str.fullmatch(r"\d{8}").fillna(False).astype(bool)
    iso = text.str.match(r"\d{4}-\d{2}-\d{2}").fillna(False).astype(bool)
    out = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
    if compact.any():
        out[compact] = _ns_dates(pd.to_datetime(text[compact], format="%Y%m%d", errors="coerce"))
    if iso.any():
        out[iso] = _ns_dates(
            pd.to_datetime(text[iso].str[:10], format="%Y-%m-%d", errors="coerce")
        )
    rest = ~blank & ~compact & ~iso
    if rest.any():
        out[rest] = _ns_dates(
            pd.to_datetime(text[rest], format="mixed", dayfirst=True, errors="coerce")
        )
    bad = out.isna() & ~blank
    return out, bad.astype(bool)


def _ns_dates(values: pd.Series) -> pd.Series:
    """``datetime64[ns]``; dates it cannot hold (before 1677 or after 2262, such as
    the "no end" placeholder 31/12/9999) become NaT, i.e. unreadable."""
    fits = values.notna() & (values >= pd.Timestamp.min) & (values <= pd.Timestamp.max)
    return values.where(fits).astype("datetime64[ns]")


Factorized: TypeAlias = tuple[np.ndarray, np.ndarray]
"""``(codes, uniques)`` of a text column, as :func:`_factorize` gives them."""


def categorise(
    raw: pd.Series | None,
    rules: Sequence[tuple[str, str]],
    *,
    default: str,
    index: pd.Index,
    missing: str = "unknown",
    factorized: Factorized | None = None,
) -> pd.Series:
    """Map free text to a category with ordered regular-expression rules.

    The rules run once per distinct value, so a million rows with twenty
    distinct values cost twenty matches.

    Parameters
    ----------
    raw
        The text (``None``: no such column, every row ``missing``).
    rules
        ``(category, pattern)`` pairs, tried in order on the lower-case text.
    default
        Category of text that no rule matches.
    index
        Index of the result.
    missing
        Category of missing text.
    factorized
        ``raw`` factorized already (see :func:`_factorize`), to skip doing it again.

    Examples
    --------
    >>> categorise(pd.Series(["Freehold - part let", "Leashold", None]), _TENURE_RULES,
    ...            default="other", index=pd.RangeIndex(3)).tolist()
    ['freehold', 'leasehold', 'unknown']
    """
    if raw is None:
        return _constant_text(missing, index, "str")
    codes, table = _category_codes(raw, rules, default, missing, factorized)
    return _spread(codes, table, index, "str")


def _category_codes(
    raw: pd.Series,
    rules: Sequence[tuple[str, str]],
    default: str,
    missing: str,
    factorized: Factorized | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Per row, a position in a table of categories (the last entry: ``missing``)."""
    codes, uniques = factorized if factorized is not None else _factorize(raw)
    compiled = [(cat, re.compile(pattern)) for cat, pattern in rules]

    def one(value: object) -> str:
        lowered = " ".join(str(value).lower().split())
        for cat, pattern in compiled:
            if pattern.search(lowered):
                return cat
        return default

    table = np.array([one(v) for v in uniques] + [missing], dtype=object)
    return np.where(codes >= 0, codes, len(uniques)), table


def _spread(codes: np.ndarray, table: Any, index: pd.Index, dtype: str) -> pd.Series:
    """Text column ``table[codes]`` (code -1: missing), taken in Arrow (no Python
    string per row)."""
    return pd.Series(pd.array(table, dtype=dtype).take(codes, allow_fill=True), index=index)


def categorise_use(
    raw: pd.Series | None,
    *,
    names: pd.Series | None,
    agency: str,
    default: str | None,
    index: pd.Index,
    factorized: Factorized | None = None,
) -> pd.Series:
    """Use category from the use column, else the schema's, the name's or the agency's.

    ``factorized`` is as for :func:`categorise`.

    Examples
    --------
    >>> categorise_use(pd.Series(["Open Space Land and Allottments", None]), names=None,
    ...                agency="Kent Police", default=None, index=pd.RangeIndex(2)).tolist()
    ['land', 'police']
    """
    if raw is None:
        codes, table = np.zeros(len(index), dtype=np.int64), np.array([""], dtype=object)
    else:
        codes, table = _category_codes(raw, _USE_RULES, "other", "", factorized)
    blank_entry = table == ""
    if not blank_entry.any() or not (blank := blank_entry[codes]).any():
        return _spread(codes, table, index, "string")
    if default:
        return _spread(codes, np.where(blank_entry, default, table), index, "string")
    # The name and agency fill only the rows without a use.
    use = _spread(codes, table, index, "str")
    rows = index[blank]
    by_name = categorise(
        None if names is None else names[blank],
        _USE_RULES,
        default="",
        index=rows,
        missing="",
    )
    agency_use = categorise(
        pd.Series([agency]), _AGENCY_USE_RULES, default="other", index=pd.RangeIndex(1)
    ).iloc[0]
    fill = by_name.mask(by_name == "", agency_use).astype("str")
    return _put(use, pd.Series(blank, index=index), fill.set_axis(rows)).astype("string")


def _extra_json(frame: pd.DataFrame) -> pd.Series:
    """One JSON object per row of ``frame`` (text cells), built column by column."""
    if frame.shape[1] == 0:
        return _constant_text("{}", frame.index)
    joined: pd.Series | None = None
    for column in frame.columns:
        key = json.dumps(str(column), ensure_ascii=False)
        raw = frame[column]
        text = raw if raw.dtype == "str" else raw.astype("str")
        value = '"' + text.str.replace("\\", "\\\\", regex=False).str.replace(
            '"', '\\"', regex=False
        ) + '"'
        controls = text.str.contains(r"[\x00-\x1f]", regex=True).fillna(False).astype(bool)
        if controls.any():
            value = value.mask(
                controls, text[controls].map(lambda v: json.dumps(v, ensure_ascii=False))
            )
        piece = (key + ":" + value).fillna(key + ":null")
        joined = piece if joined is None else joined + "," + piece
    assert joined is not None
    return ("{" + joined + "}").astype("string")


#: A message: fixed text, one text per row, or a function of the row mask that
#: builds the text for the masked rows only.
Message: TypeAlias = "str | pd.Series | Callable[[pd.Series], pd.Series]"


# --- ledger bookkeeping ----------------------------------------------------------------------


#: Row statuses in the order of :attr:`_Context.state`'s codes ("": not yet decided).
_STATUSES: tuple[str, ...] = ("", LOADED, EXCLUDED, REJECTED)


class _Context:
    """Per-row status, reason, message, columns and warnings while normalising.

    Messages may be given as a function of the row mask, so that text is built
    only for the rows it applies to.
    """

    def __init__(self, shown: str, sheet: str | None, rows: pd.Series, n: int) -> None:
        self.shown = shown
        self.sheet = sheet
        self.rows = rows
        index = rows.index
        blank = _constant_text("", index, "str")  # shared: pandas copies on write
        # Status as small integer codes (positions in _STATUSES): cheap to test.
        self.state = np.zeros(len(index), dtype=np.int8)
        self.reason = blank.copy(deep=False)
        self.message = blank.copy(deep=False)
        self.columns = blank.copy(deep=False)
        self.warnings = blank.copy(deep=False)

    def open(self) -> pd.Series:
        """Rows not yet loaded, excluded or rejected."""
        return pd.Series(self.state == 0, index=self.rows.index)

    def has(self, status: str) -> pd.Series:
        """Rows with ``status``."""
        return pd.Series(self.state == _STATUSES.index(status), index=self.rows.index)

    def reopen(self, mask: pd.Series) -> None:
        """Make the ``mask`` rows open again (their reasons are overwritten next)."""
        self.state[mask.to_numpy(dtype=bool)] = 0

    def load_open(self) -> None:
        """Mark every open row loaded."""
        self.state[self.state == 0] = _STATUSES.index(LOADED)

    @property
    def status(self) -> pd.Series:
        """Status per row as text ("" while open)."""
        table = np.array(_STATUSES, dtype=object)
        return _spread(self.state.astype(np.int64), table, self.rows.index, "str")

    @staticmethod
    def _text(value: Message, mask: pd.Series) -> pd.Series:
        if callable(value):
            out = value(mask)
        elif isinstance(value, pd.Series):
            out = value[mask]
        else:
            out = pd.Series(value, index=mask.index[mask.to_numpy()])
        return out.astype("str")

    def set_status(
        self,
        mask: pd.Series,
        status: str,
        reason: str,
        message: Message,
        columns: Message,
    ) -> None:
        mask = (mask & self.open()).fillna(False).astype(bool)
        if not mask.any():
            return
        self.state[mask.to_numpy(dtype=bool)] = _STATUSES.index(status)
        self.reason = _fill(self.reason, mask, reason)
        self.message = _put(self.message, mask, self._text(message, mask))
        self.columns = _put(self.columns, mask, self._text(columns, mask))

    def warn(self, mask: pd.Series, message: Message) -> None:
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        text = self._text(message, mask)
        current = self.warnings[mask]
        earlier = (current != "").fillna(False).astype(bool)
        if earlier.any():  # join only where the row already has a warning
            text = text.mask(earlier, current[earlier] + "; " + text[earlier])
        self.warnings = _put(self.warnings, mask, text)

    def warn_values(
        self, code: str, bad: pd.Series, values: pd.Series, column: str, what: str
    ) -> None:
        if not bad.any():
            return
        self.warn(
            bad,
            lambda m: f"{code}: {column} '"
            + values[m].astype("str").fillna("").str.slice(0, 40)
            + f"' {what}",
        )
        rows = self.rows[bad].tolist()
        examples = ", ".join(repr(v[:40]) for v in values[bad].astype(str).unique()[:3])
        # The ledger carries this for every row; the log is for debugging only.
        logger.info(
            "%s: %d value(s) not readable (%s); read as missing.",
            where(self.shown, sheet=self.sheet, rows=rows, column=column),
            len(rows),
            examples,
        )

    def ledger(self, agency: str, asset_ids: pd.Series) -> pd.DataFrame:
        index = self.rows.index
        return pd.DataFrame(
            {
                LEDGER_FILE: _constant_text(self.shown, index, "str"),
                LEDGER_SHEET: _constant_text(self.sheet, index, "str"),
                LEDGER_ROW: self.rows.astype("Int64"),
                LEDGER_AGENCY: _constant_text(agency, index, "str"),
                LEDGER_ASSET_ID: asset_ids.astype("str"),
                LEDGER_STATUS: self.status,
                LEDGER_REASON: self.reason,
                LEDGER_MESSAGE: self.message,
                LEDGER_COLUMNS: self.columns,
                LEDGER_WARNINGS: self.warnings,
            },
            index=index,
        )[list(LEDGER_FIELDS)]


def _put(base: pd.Series, mask: pd.Series, values: pd.Series) -> pd.Series:
    """``base.mask(mask, values)`` where ``values`` holds the masked rows in order.

    Text columns are replaced with one Arrow operation (or taken whole when every
    row is masked) instead of aligning a million labels; anything else falls back
    to :meth:`pandas.Series.mask`.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    values = values.astype(base.dtype) if values.dtype != base.dtype else values
    flags = mask.to_numpy(dtype=bool)
    if (
        base.dtype == "str"
        and isinstance(base.array, pd.arrays.ArrowStringArray)
        and isinstance(values.array, pd.arrays.ArrowStringArray)
        and mask.index.equals(base.index)
        and values.index.equals(base.index[flags])
    ):
        if flags.all():
            return values.set_axis(base.index)
        replaced = pc.replace_with_mask(
            base.array._pa_array.combine_chunks(),
            pa.array(flags),
            values.array._pa_array.combine_chunks(),
        )
        return pd.Series(pd.array(replaced, dtype=base.dtype), index=base.index, name=base.name)
    return base.mask(mask, values)


# --- location ---------------------------------------------------------------------------------


@dataclass
class _Located:
    """Where each row is, and how it was found.

    The method and the columns it used are kept as codes (-1: not placed) into
    ``ways``, one ``(method, columns)`` pair per way a row was placed, and
    turned into text only for the rows that need it.
    """

    x: pd.Series
    y: pd.Series
    precision: pd.Series
    way: np.ndarray
    ways: list[tuple[str, str]]
    postcode_district: pd.Series | None

    def _text(self, part: int, rows: np.ndarray | None) -> pd.Series:
        codes = self.way if rows is None else self.way[rows]
        index = self.x.index if rows is None else self.x.index[rows]
        return _spread(codes, [way[part] for way in self.ways], index, "str")

    @property
    def method(self) -> pd.Series:
        """``location_method`` per row (missing where not placed)."""
        return self._text(0, None)

    @property
    def columns(self) -> pd.Series:
        """The source columns each row's location came from."""
        return self._text(1, None)

    def method_of(self, rows: np.ndarray, index: pd.Index) -> pd.Series:
        """``location_method`` of the ``rows`` (a mask), labelled ``index``."""
        return self._text(0, None if rows.all() else rows).set_axis(index)


def _flags(mask: pd.Series) -> np.ndarray:
    """A boolean mask as a numpy array, missing read as False."""
    if mask.dtype == bool:
        return mask.to_numpy()
    return mask.fillna(False).astype(bool).to_numpy()


def _in_gb(x: pd.Series, y: pd.Series) -> pd.Series:
    x0, y0, x1, y1 = GB_BOUNDS_M
    return ((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)).fillna(False).astype(bool)


def _geographic(crs: str | None) -> bool:
    if crs is None:
        return False
    import pyproj

    return bool(pyproj.CRS.from_user_input(crs).is_geographic)


def _transform(
    x: pd.Series, y: pd.Series, source: str
) -> tuple[pd.Series, pd.Series]:
    from pyproj import Transformer

    transformer = Transformer.from_crs(source, CRS, always_xy=True)
    ex, ny = transformer.transform(x.to_numpy(dtype=float), y.to_numpy(dtype=float))
    ex = np.where(np.isfinite(ex), ex, np.nan)
    ny = np.where(np.isfinite(ny), ny, np.nan)
    return pd.Series(ex, index=x.index), pd.Series(ny, index=y.index)


def _locate(
    raw: RawTable,
    frame: pd.DataFrame,
    mapping: Mapping[str, str | list[str]],
    crs: str | None,
    ctx: _Context,
    postcode: pd.Series | None,
    postcodes: PostcodeDirectory | None,
) -> _Located:
    index = frame.index
    n = len(index)
    xs = np.full(n, np.nan)
    ys = np.full(n, np.nan)
    precisions = np.full(n, np.nan)
    way = np.full(n, -1, dtype=np.int64)  # position in ways; -1: not placed yet
    ways: list[tuple[str, str]] = []
    # Why a row could not be placed, in the order the methods were tried.
    noted = np.zeros(n, dtype=bool)
    problem = _constant_text("", index, "str")
    problem_reason = problem.copy(deep=False)
    problem_cols = problem.copy(deep=False)

    def unplaced_rows() -> pd.Series:
        return pd.Series(way < 0, index=index)

    def place(
        mask: pd.Series, px: pd.Series, py: pd.Series, how: str, prec: pd.Series | float,
        cols: str,
    ) -> None:
        nonlocal xs, ys, precisions
        flags = _flags(mask) & (way < 0)
        if not flags.any():
            return
        # The values are read by position: line them up with the frame first.
        px, py = px.reindex(index), py.reindex(index)
        vx = px.to_numpy(dtype=float)
        vy = py.to_numpy(dtype=float)
        vp = prec.reindex(index).to_numpy(dtype=float) if isinstance(prec, pd.Series) else prec
        if flags.all():  # the first way places every row: take the values whole
            xs, ys = vx, vy
            precisions = vp if isinstance(vp, np.ndarray) else np.full(n, vp)
        else:
            xs[flags] = vx[flags]
            ys[flags] = vy[flags]
            precisions[flags] = vp[flags] if isinstance(vp, np.ndarray) else vp
        way[flags] = len(ways)
        ways.append((how, cols))

    def note(mask: pd.Series, reason: str, message: Message, cols: str) -> None:
        nonlocal problem, problem_reason, problem_cols
        flags = _flags(mask) & (way < 0) & ~noted
        if not flags.any():
            return
        mask = pd.Series(flags, index=index)
        problem = _put(problem, mask, _Context._text(message, mask))
        problem_reason = _fill(problem_reason, mask, reason)
        problem_cols = _fill(problem_cols, mask, cols)
        noted[flags] = True

    geographic_crs = _geographic(crs)
    # 1-2. coordinate pairs ------------------------------------------------------------
    pairs: list[tuple[str, str, str]] = []
    if "easting" in mapping:
        pairs.append(("easting", str(mapping["easting"]), str(mapping["northing"])))
    if "latitude" in mapping:
        pairs.append(("latitude", str(mapping["longitude"]), str(mapping["latitude"])))
    def locate_pair(kind: str, col_x: str, col_y: str) -> None:
            vx, bad_x = parse_numbers(frame[col_x])
            vy, bad_y = parse_numbers(frame[col_y])
            cols = f"{col_x};{col_y}"
            both = vx.notna() & vy.notna()
            bad = (bad_x | bad_y) & ~both
            note(
                bad,
                REASON_COORDINATES_INVALID,
                lambda m: col_x + " / " + col_y + " '"
                + frame[col_x][m].astype("str").fillna("").str.slice(0, 60)
                + "', '" + frame[col_y][m].astype("str").fillna("").str.slice(0, 60)
                + "' are not numbers. Correct them, or map other columns in the manifest.",
                cols,
            )
            zero = both & (vx == 0) & (vy == 0)
            both &= ~zero
            looks_degrees = (vx.abs() <= 180) & (vy.abs() <= 90)
            as_degrees = kind == "latitude" or geographic_crs
            if kind == "easting" and not geographic_crs and both.any():
                # Columns named X/Y or Easting/Northing holding degrees: read as lon/lat.
                as_degrees = bool(looks_degrees[both].mean() > 0.8)
            if as_degrees:
                lon, lat = vx.copy(), vy.copy()
                swapped = (
                    both
                    & lat.between(*_GB_LON)
                    & lon.between(*_GB_LAT)
                    & ~(lat.between(*_GB_LAT) & lon.between(*_GB_LON))
                )
                if swapped.any():
                    lon, lat = lon.mask(swapped, vy), lat.mask(swapped, vx)
                    ctx.warn(
                        swapped,
                        lambda m: f"{WARN_SWAPPED}: {col_y} and {col_x} were swapped (latitude "
                        + vx[m].astype(str) + ", longitude " + vy[m].astype(str)
                        + "); read the other way round. Correct the source.",
                    )
                plausible = both & (lat.abs() <= 90) & (lon.abs() <= 180)
                source = crs if geographic_crs and crs else "EPSG:4326"
                ex, ny = _transform(lon.where(plausible), lat.where(plausible), source)
                ok = plausible & _in_gb(ex, ny) & lat.between(*_GB_LAT) & lon.between(*_GB_LON)
                precision_m = LOCATION_METHODS["latitude_longitude"]
                place(ok, ex, ny, "latitude_longitude", precision_m, cols)
                note(
                    both & ~ok,
                    REASON_OUTSIDE_GB,
                    lambda m: "Latitude/longitude (" + lat[m].astype(str) + ", "
                    + lon[m].astype(str) + ") lie outside Great Britain. Correct the coordinates.",
                    cols,
                )
            else:
                ex, ny = (vx, vy) if crs in (None, CRS, "EPSG:27700") else _transform(vx, vy, crs)
                ok = both & _in_gb(ex, ny)
                place(ok, ex, ny, "easting_northing", LOCATION_METHODS["easting_northing"], cols)
                note(
                    both & ~ok,
                    REASON_OUTSIDE_GB,
                    lambda m: "Easting/northing (" + vx[m].astype(str) + ", " + vy[m].astype(str)
                    + ") lie outside Great Britain (0–700,000 E, 0–1,300,000 N). Correct "
                    "them, or give the coordinate system as crs in the manifest.",
                    cols,
                )
            ctx.warn(
                zero & postcode.notna() if postcode is not None else zero,
                f"{WARN_FALLBACK}: {col_x}/{col_y} are 0, 0 (a placeholder)",
            )

    for kind, col_x, col_y in pairs:
        locate_pair(kind, col_x, col_y)

    # 3. grid references ---------------------------------------------------------------------
    if "grid_ref" in mapping:
        col = str(mapping["grid_ref"])
        gx, gy, res, bad = parse_grid_references(frame[col])
        ok = gx.notna()
        place(ok, gx, gy, "grid_reference", (res * np.sqrt(2) / 2).clip(lower=1.0), col)
        note(
            bad,
            REASON_COORDINATES_INVALID,
            lambda m: col + " '" + frame[col][m].astype("str").fillna("")
            + "' is not an OS grid reference (e.g. 'TQ 75840 55630', 6 to 10 figures). "
            "Correct it.",
            col,
        )

    # 4. geometry -----------------------------------------------------------------------------
    geoms = None
    geom_col = ""
    if raw.geometry is not None:
        geoms = raw.geometry.set_axis(index).to_numpy()
        geom_col = "geometry"
    elif "geometry" in mapping:
        geom_col = str(mapping["geometry"])
        text = frame[geom_col].astype("string")
        with np.errstate(invalid="ignore", over="ignore"):  # unreadable: in the ledger
            parsed = shapely.from_wkt(
                text.fillna("").to_numpy(dtype=object), on_invalid="ignore"
            )
        present = shapely.is_geometry(parsed) & ~shapely.is_empty(parsed)
        note(
            text.notna() & ~pd.Series(present, index=index),
            REASON_COORDINATES_INVALID,
            geom_col + " is not readable geometry (WKT). Correct it.",
            geom_col,
        )
        bounds = shapely.bounds(parsed[present]) if present.any() else np.empty((0, 4))
        degrees = bool(len(bounds)) and bool(np.nanmax(np.abs(bounds)) <= 180)
        wkt_crs = crs if crs is not None else ("EPSG:4326" if degrees else CRS)
        series = gpd.GeoSeries(np.where(present, parsed, None), index=index, crs=wkt_crs)
        if wkt_crs not in (CRS, "EPSG:27700"):
            series = series.to_crs(CRS)
        geoms = series.to_numpy()
    if geoms is not None:
        present = shapely.is_geometry(geoms) & ~shapely.is_empty(np.where(
            shapely.is_geometry(geoms), geoms, shapely.Point()))
        point_type = shapely.get_type_id(geoms) == 0
        with np.errstate(invalid="ignore"):  # degenerate polygons: checked below
            surface = shapely.point_on_surface(geoms)
        anchor = np.where(present & ~point_type, surface, geoms)
        gxv = np.where(present, shapely.get_x(np.where(present, anchor, shapely.Point(0, 0))),
                       np.nan)
        gyv = np.where(present, shapely.get_y(np.where(present, anchor, shapely.Point(0, 0))),
                       np.nan)
        bnds = shapely.bounds(geoms)  # NaN for missing and empty geometries
        with np.errstate(invalid="ignore"):
            half_diag = np.hypot(bnds[:, 2] - bnds[:, 0], bnds[:, 3] - bnds[:, 1]) / 2
        prec = np.where(point_type, LOCATION_METHODS["geometry"], np.fmax(half_diag, 1.0))
        gxs = pd.Series(gxv, index=index)
        gys = pd.Series(gyv, index=index)
        present_s = pd.Series(present, index=index)
        ok = present_s & _in_gb(gxs, gys)
        place(ok, gxs, gys, "geometry", pd.Series(prec, index=index), geom_col)
        note(
            present_s & ~ok,
            REASON_OUTSIDE_GB,
            "The geometry lies outside Great Britain. Check the file's coordinate system "
            "(crs in the manifest).",
            geom_col,
        )

    # 5. postcodes ------------------------------------------------------------------------------
    postcode_district: pd.Series | None = None
    if postcode is not None:
        pc_col = str(mapping[POSTCODE])
        need = unplaced_rows() & postcode.notna()
        if need.any():
            directory = postcodes or PostcodeDirectory()
            # Everything below works on the distinct postcodes of the rows that
            # need one (a register repeats them), then spreads back by code.
            flags = need.to_numpy(dtype=bool)
            all_codes, all_uniques = pd.factorize(postcode, use_na_sentinel=True)
            used = np.zeros(len(all_uniques), dtype=bool)
            used[all_codes[flags]] = True
            chosen = np.flatnonzero(used)
            renumber = np.full(len(all_uniques), -1, dtype=np.int64)
            renumber[chosen] = np.arange(len(chosen))
            row_code = np.where(flags, renumber[np.maximum(all_codes, 0)], -1)
            distinct = pd.Series(np.asarray(all_uniques, dtype=object)[chosen])
            shaped_u = is_postcode_shaped(distinct).to_numpy(dtype=bool)
            found_u = directory.lookup(distinct[shaped_u]).reindex(distinct.index)
            text_u = format_postcodes(distinct).astype("str").array
            shaped = pd.Series(flags & shaped_u[np.maximum(row_code, 0)], index=index)
            wanted = need & shaped
            wanted_code = np.where(wanted.to_numpy(dtype=bool), row_code, -1)
            safe_code = np.maximum(wanted_code, 0)
            pex = pd.Series(
                np.where(wanted_code >= 0, found_u[PC_EASTING].to_numpy(float)[safe_code], np.nan),
                index=index,
            )
            pny = pd.Series(
                np.where(
                    wanted_code >= 0, found_u[PC_NORTHING].to_numpy(float)[safe_code], np.nan
                ),
                index=index,
            )

            def pc_text(m: pd.Series) -> pd.Series:
                taken = text_u.take(row_code[m.to_numpy(dtype=bool)], allow_fill=True)
                return pd.Series(taken, index=index[m.to_numpy(dtype=bool)]).fillna("")

            def per_postcode(m: pd.Series, before: str, after: str) -> pd.Series:
                # The text for each distinct postcode once, then taken per row.
                phrases = (before + pd.Series(text_u) + after).astype("str").array
                taken = phrases.take(row_code[m.to_numpy(dtype=bool)], allow_fill=True)
                return pd.Series(taken, index=index[m.to_numpy(dtype=bool)])

            hit = wanted & pex.notna() & pny.notna()
            place(hit, pex, pny, "postcode", LOCATION_METHODS["postcode"], pc_col)
            ctx.warn(
                hit,
                lambda m: per_postcode(
                    m,
                    f"{WARN_POSTCODE}: placed at the centroid of postcode ",
                    " (about 100 m); add coordinates for a precise location",
                ),
            )
            postcode_district = pd.Series(
                found_u[PC_DISTRICT].astype("string").array.take(wanted_code, allow_fill=True),
                index=index,
            )
            note(
                wanted & ~hit,
                REASON_POSTCODE_NOT_FOUND,
                lambda m: "Postcode '" + pc_text(m)
                + "' is not in the postcode directory (" + directory.source
                + "); it may be retired or mistyped, and the row has no coordinates. "
                "Correct the postcode, or add easting/northing.",
                pc_col,
            )
            note(
                need & ~shaped,
                REASON_POSTCODE_INVALID,
                lambda m: "'" + postcode[m].fillna("") + "' in " + pc_col
                + " is not a UK postcode, and the row has no coordinates. Give the postcode "
                "(e.g. ME14 1XQ) or add easting/northing.",
                pc_col,
            )
    located = _Located(
        pd.Series(xs, index=index),
        pd.Series(ys, index=index),
        pd.Series(precisions, index=index),
        way,
        ways,
        postcode_district,
    )
    # Rows placed by a later method after an earlier one failed: say so.
    fell_back = pd.Series((way >= 0) & noted, index=index)
    if fell_back.any():
        method = located.method
        ctx.warn(
            fell_back,
            lambda m: f"{WARN_FALLBACK}: " + problem[m] + " Used " + method[m].fillna("") + ".",
        )

    # Rejections ---------------------------------------------------------------------------------
    unplaced = unplaced_rows() & ctx.open()
    with_problem = unplaced & pd.Series(noted, index=index)
    for reason in problem_reason[with_problem].unique():
        mask = with_problem & (problem_reason == reason)
        ctx.set_status(mask, REJECTED, str(reason), problem, problem_cols)
    location_cols = [
        _column_label(v) for k, v in mapping.items() if k in (*_LOCATION_FIELDS, POSTCODE)
    ]
    if raw.geometry is not None:
        location_cols.append("geometry")
    described = ", ".join(location_cols) if location_cols else "none recognised"
    ctx.set_status(
        unplaced & ~pd.Series(noted, index=index),
        REJECTED,
        REASON_NO_LOCATION,
        "The row has no location: the location columns ("
        + described
        + ") are blank. Add easting/northing, latitude/longitude, a grid reference or a "
        "postcode, or map the right columns in the manifest.",
        ";".join(location_cols),
    )
    return located


_LETTERS = "ABCDEFGHJKLMNOPQRSTUVWXYZ"  # no I
_FIRST_OFFSETS = {"S": (0, 0), "T": (5, 0), "N": (0, 5), "O": (5, 5), "H": (0, 10), "J": (5, 10)}


def parse_grid_references(
    series: pd.Series,
) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """Parse OS grid references (``"TQ 75840 55630"``, ``"TQ7555"``... 4 to 10 figures).

    Returns
    -------
    tuple of pandas.Series
        Easting and northing of the centre of the referenced square (metres,
        NaN where unreadable), the square's side in metres, and a mask of
        non-blank cells that are not grid references.

    Examples
    --------
    >>> e, n, res, bad = parse_grid_references(pd.Series(["TQ 75840 55630", "TR1457", "x"]))
    >>> e.tolist()[:2], n.tolist()[:2], res.tolist()[:2], bad.tolist()
    ([575840.5, 614500.0], [155630.5, 157500.0], [1.0, 1000.0], [False, False, True])
    """
    text = series.astype("string").str.upper().str.strip()
    parts = text.str.extract(r"^([HJNOST][A-HJ-Z])\s*(\d+)\s*(\d*)$")
    letters, first, second = parts[0], parts[1], parts[2].fillna("")
    split = second == ""
    length = first.str.len()
    east_digits = first.where(~split)
    north_digits = second.where(~split)
    for size in (2, 3, 4, 5):
        m = (split & (length == 2 * size)).fillna(False).astype(bool)
        if m.any():
            east_digits = east_digits.mask(m, first[m].str[:size])
            north_digits = north_digits.mask(m, first[m].str[size:])
    n_e = east_digits.str.len()
    valid = (
        letters.notna()
        & (n_e == north_digits.str.len())
        & n_e.between(2, 5)
    ).fillna(False).astype(bool)
    res = pd.Series(np.nan, index=series.index)
    res[valid] = 10.0 ** (5 - n_e[valid].astype(float))
    e_num = pd.to_numeric(east_digits.where(valid), errors="coerce").astype(float)
    n_num = pd.to_numeric(north_digits.where(valid), errors="coerce").astype(float)
    first_letter = letters.str[0]
    second_letter = letters.str[1]
    fx = first_letter.map(lambda c: _FIRST_OFFSETS.get(c, (np.nan, np.nan))[0]).astype(float)
    fy = first_letter.map(lambda c: _FIRST_OFFSETS.get(c, (np.nan, np.nan))[1]).astype(float)
    pos = second_letter.map(lambda c: _LETTERS.find(c) if isinstance(c, str) else -1)
    pos = pd.to_numeric(pos, errors="coerce").astype(float)
    sx = pos % 5
    sy = 4 - pos // 5
    easting = (fx + sx) * 100_000 + e_num * res + res / 2
    northing = (fy + sy) * 100_000 + n_num * res + res / 2
    easting = easting.where(valid & (pos >= 0))
    northing = northing.where(valid & (pos >= 0))
    blank = text.isna() | (text == "")
    bad = (easting.isna() & ~blank).astype(bool)
    return easting, northing, res.where(easting.notna()), bad


# --- sites ----------------------------------------------------------------------------

_NAME_STOP = frozenset(
    {"the", "of", "and", "at", "a", "in", "on", "ltd", "limited", "plc", "&", "st", "saint"}
)


def _name_tokens(value: Any) -> frozenset[str]:
    if not isinstance(value, str):
        return frozenset()
    words = re.findall(r"[a-z0-9]+", value.lower())
    return frozenset(w for w in words if w not in _NAME_STOP and len(w) > 1)


def _similar(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return False
    common = len(a & b)
    return common / max(len(a), len(b)) >= 0.5


def assign_sites(
    assets: gpd.GeoDataFrame, *, distance_m: float = SITE_DISTANCE_M
) -> pd.Series:
    """Give records that describe the same building one ``site_id``.

    Records share a site when they

    * share a UPRN (leading zeros ignored), or
    * share a postcode, lie within ``distance_m`` of each other and have similar
      names: the same name once case and punctuation are ignored, or, between
      different agencies, half the words of the longer name in common, or
    * carry the same agency site reference (``_agency_site`` column), or
    * already share a ``site_id`` from the same ``source_file``.

    Records are not merged. Everything is vectorised except the word
    comparison, which runs only inside postcodes shared by several agencies.

    Parameters
    ----------
    assets
        Canonical assets.
    distance_m
        Largest distance between two records of one site, metres.

    Returns
    -------
    pandas.Series
        ``site_id`` (``"S000001"``...), same index as ``assets``, numbered in
        order of first appearance.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> assets = gpd.GeoDataFrame({"uprn": ["0100", "100", None],
    ...     "postcode": [None, None, None], "name": ["A", "B", "C"]},
    ...     geometry=[Point(0, 0), Point(500, 0), Point(9, 9)], crs="EPSG:27700")
    >>> assign_sites(assets).tolist()
    ['S000001', 'S000001', 'S000002']
    """
    return _assign_sites(assets, distance_m=distance_m)


@dataclass
class _SiteHints:
    """What :func:`normalise_register` already knows about its assets, by position:
    the point coordinates and the postcode look-up key codes (-1: none)."""

    xs: np.ndarray
    ys: np.ndarray
    postcode_key_codes: np.ndarray | None = None


def _assign_sites(
    assets: gpd.GeoDataFrame,
    *,
    distance_m: float = SITE_DISTANCE_M,
    hints: _SiteHints | None = None,
) -> pd.Series:
    """:func:`assign_sites`, reusing what the caller computed already (``hints``)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(assets)
    if n == 0:
        return pd.Series([], index=assets.index, dtype="string", name=SITE_ID)
    if hints is not None:
        xs, ys = hints.xs, hints.ys
    else:
        geometry = assets.geometry.to_numpy()
        xs = shapely.get_x(geometry)
        ys = shapely.get_y(geometry)
    links: list[np.ndarray] = []

    def link_groups(keys: pd.Series) -> None:
        # Records with the same key (missing: none) are one site, however far apart.
        codes = _factorize_codes(keys.reset_index(drop=True))
        valid = codes >= 0
        if valid.any():
            link_first(*_first_of_group(codes[valid], np.flatnonzero(valid)), near_only=False)

    def link_first(members: np.ndarray, first: np.ndarray, *, near_only: bool) -> None:
        # Each member is linked to the first record of its group.
        repeated = members != first
        members, first = members[repeated], first[repeated]
        if near_only:
            close = np.hypot(xs[members] - xs[first], ys[members] - ys[first]) <= distance_m
            members, first = members[close], first[close]
        links.append(np.stack([members, first]))

    if UPRN in assets.columns and assets[UPRN].notna().any():
        uprn = _clean_text(assets[UPRN].astype("str")).str.lstrip("0")
        link_groups(uprn.mask(uprn == ""))
    if "_agency_site" in assets.columns:
        link_groups(
            assets[AGENCY].astype("str") + "\x00" + assets["_agency_site"].astype("str")
        )
    if SITE_ID in assets.columns and SOURCE_FILE in assets.columns:
        # Sites found earlier within one file (e.g. from the agency's own site
        # references) are kept when files are combined.
        link_groups(assets[SOURCE_FILE].astype("str") + "\x00" + assets[SITE_ID].astype("str"))
    if POSTCODE in assets.columns and NAME in assets.columns:
        names = assets[NAME].astype("str").reset_index(drop=True)
        # Postcode keys and plain names of the distinct values only, spread back
        # as codes (-1: missing).
        if hints is not None and hints.postcode_key_codes is not None:
            key_codes = hints.postcode_key_codes
        else:
            postcode_codes, postcode_values = _factorize(assets[POSTCODE])
            key_values = postcode_keys(pd.Series(postcode_values)).astype("str")
            key_codes = _spread_codes(postcode_codes, _factorize_codes(key_values))
        name_codes, name_values = _factorize(names)
        plain_values = _plain_names(pd.Series(name_values, dtype=object)).astype("str")
        plain_of_value = _factorize_codes(plain_values)
        plain_codes = _spread_codes(name_codes, plain_of_value)
        # Group on (postcode key, plain name) pairs by their codes: the same groups
        # as the joined text "key|plain" (plain names hold no "|").
        both = (key_codes >= 0) & (plain_codes >= 0)
        width = int(plain_of_value.max()) + 1 if len(plain_of_value) else 1
        if both.all():
            members = np.arange(n)
            pair = key_codes * max(width, 1) + plain_codes
        else:
            members = np.flatnonzero(both)
            pair = key_codes[members] * max(width, 1) + plain_codes[members]
        if len(members):
            link_first(*_first_of_group(pair, members), near_only=True)
        if AGENCY in assets.columns and assets[AGENCY].nunique() > 1:
            keys = _via_uniques(assets[POSTCODE], postcode_keys).reset_index(drop=True)
            links.extend(_fuzzy_site_links(keys, names, assets[AGENCY], xs, ys, distance_m))
    edges = np.concatenate(links, axis=1) if links else np.empty((2, 0), dtype=np.int64)
    graph = coo_matrix((np.ones(edges.shape[1]), (edges[0], edges[1])), shape=(n, n))
    _count, labels = connected_components(graph, directed=False)
    return pd.Series(
        _numbered_ids("S", _in_order_of_appearance(labels) + 1, 6),
        index=assets.index,
        dtype="string",
        name=SITE_ID,
    )


def _in_order_of_appearance(labels: np.ndarray) -> np.ndarray:
    """Renumber ``labels`` 0, 1, 2... in the order they first appear.

    SciPy's connected components already come numbered so (each component is
    labelled when its first node is met); one pass checks that, and only
    otherwise are they factorized.
    """
    labels = np.asarray(labels, dtype=np.int64)
    if len(labels) == 0:
        return labels
    highest_before = np.maximum.accumulate(labels)
    if labels[0] == 0 and bool((labels[1:] <= highest_before[:-1] + 1).all()):
        return labels
    return np.asarray(pd.factorize(labels)[0], dtype=np.int64)


def _numbered_ids(
    prefix: str, numbers: np.ndarray, width: int
) -> pd.api.extensions.ExtensionArray:
    """``prefix`` + zero-padded ``numbers`` (as ``str.zfill(width)``), built with numpy.

    Equivalent to ``prefix + pd.Series(numbers).astype(str).str.zfill(width)`` for
    non-negative integers, without formatting a million numbers one by one.
    """
    import pyarrow as pa

    numbers = np.asarray(numbers, dtype=np.int64)
    n = len(numbers)
    top = int(numbers.max()) if n else 0
    digits = max(width, len(str(top)))
    head = prefix.encode()
    if n == 0 or top < 0 or int(numbers.min()) < 0 or not head.isascii():
        text = prefix + pd.Series(numbers).astype(str).str.zfill(width)
        return pd.array(text.to_numpy(dtype=object), dtype="string")
    # A byte matrix, digits right-aligned; numbers longer than ``width`` keep all
    # their digits, shorter ones are padded to ``width`` (as zfill does).
    size = len(head) + digits
    matrix = np.empty((n, size), dtype=np.uint8)
    matrix[:, : len(head)] = np.frombuffer(head, dtype=np.uint8)
    # Digit by digit from the right; 32-bit arithmetic where the numbers allow
    # (twice as fast), and a multiply-subtract in place of a second division.
    rest = numbers.astype(np.int32) if top < 2**31 else numbers.copy()
    for column in range(size - 1, len(head) - 1, -1):
        quotient = rest // 10
        matrix[:, column] = rest - quotient * 10 + ord("0")
        rest = quotient
    if digits == width:
        data = matrix.tobytes()
        offsets = np.arange(0, (n + 1) * size, size, dtype=np.int64)
    else:
        own = np.maximum(np.floor(np.log10(np.maximum(numbers, 1))).astype(np.int64) + 1, 1)
        lengths = np.maximum(own, width)
        keep = np.arange(size)[None, :] >= (size - lengths)[:, None]
        keep[:, : len(head)] = True
        data = matrix[keep].tobytes()
        offsets = np.concatenate([[0], np.cumsum(lengths + len(head))]).astype(np.int64)
    array = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))
    return pd.array(array, dtype="string")


def _plain_names(names: pd.Series) -> pd.Series:
    """Lower case, words only: 'Library, Maidstone' and 'LIBRARY MAIDSTONE' agree."""
    lowered = names.astype("str").str.lower()
    return lowered.str.replace(r"[^a-z0-9]+", " ", regex=True).str.strip()


def _fuzzy_site_links(
    keys: pd.Series,
    names: pd.Series,
    agencies: pd.Series,
    xs: np.ndarray,
    ys: np.ndarray,
    distance_m: float,
) -> list[np.ndarray]:
    """Pairs of records of different agencies at one postcode with similar names."""
    frame = pd.DataFrame(
        {"k": keys.to_numpy(), "a": agencies.astype("str").to_numpy(), "p": np.arange(len(keys))}
    ).dropna(subset=["k"])
    if len(frame) < 2:
        return []
    grouped = frame.groupby("k")["a"]
    shared = (grouped.transform("nunique") > 1) & (grouped.transform("size") <= _SITE_GROUP_LIMIT)
    frame = frame[shared.to_numpy()]
    if len(frame) == 0:
        return []
    pairs = frame.merge(frame, on="k", suffixes=("_a", "_b"))
    pairs = pairs[(pairs["p_a"] < pairs["p_b"]) & (pairs["a_a"] != pairs["a_b"])]
    a = pairs["p_a"].to_numpy()
    b = pairs["p_b"].to_numpy()
    close = np.hypot(xs[a] - xs[b], ys[a] - ys[b]) <= distance_m
    a, b = a[close], b[close]
    if len(a) == 0:
        return []
    values = names.to_numpy(dtype=object)
    tokens = {i: _name_tokens(values[i]) for i in np.unique(np.r_[a, b])}
    alike = np.fromiter(
        (_similar(tokens[i], tokens[j]) for i, j in zip(a, b, strict=True)),
        dtype=bool,
        count=len(a),
    )
    return [np.stack([a[alike], b[alike]])] if alike.any() else []


def _factorize(series: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(series)``: codes in order of appearance (-1 where missing) and
    the distinct values as an object array; via Arrow for Arrow-backed text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = series.array if isinstance(series, pd.Series) else series
    if isinstance(array, pd.arrays.ArrowStringArray) and len(array):
        chunked = array._pa_array
        encoded = pc.dictionary_encode(
            chunked.combine_chunks() if isinstance(chunked, pa.ChunkedArray) else chunked
        )
        codes = np.asarray(encoded.indices.fill_null(-1).to_numpy(), dtype=np.int64)
        return codes, np.asarray(encoded.dictionary.to_numpy(zero_copy_only=False), dtype=object)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64), np.asarray(uniques, dtype=object)


def _first_of_group(keys: np.ndarray, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pair each position with the smallest position that has the same key.

    ``keys`` are non-negative integers and ``positions`` distinct non-negative
    integers, one per key. Returns ``(positions, first)`` in an order of its own.
    Where the key and the position fit together in 63 bits (the usual case), one
    (SIMD) sort of the packed values groups equal keys with positions ascending,
    without an index sort and the gathers it needs.

    Examples
    --------
    >>> _first_of_group(np.array([7, 3, 7, 3]), np.array([10, 11, 12, 13]))
    (array([11, 13, 10, 12]), array([11, 11, 10, 10]))
    """
    keys = np.asarray(keys, dtype=np.int64)
    positions = np.asarray(positions, dtype=np.int64)
    if len(keys) == 0:
        return positions, positions.copy()
    shift = max(int(positions.max()).bit_length(), 1)
    if int(keys.max()).bit_length() + shift <= 63:
        packed = np.sort((keys << shift) | positions)
        ordered_keys = packed >> shift
        ordered = packed & ((1 << shift) - 1)
    else:
        order = np.lexsort((positions, keys))  # by key, then position
        ordered_keys, ordered = keys[order], positions[order]
    opens = np.empty(len(keys), dtype=bool)
    opens[0] = True
    np.not_equal(ordered_keys[1:], ordered_keys[:-1], out=opens[1:])
    group = np.cumsum(opens) - 1
    return ordered, ordered[opens][group]


def _spread_codes(codes: np.ndarray, of_value: np.ndarray, *, missing: Any = -1) -> np.ndarray:
    """Per-row values from per-distinct-value ones (code -1 gives ``missing``);
    by default codes from codes, -1 staying -1."""
    # A trailing entry answers code -1.
    return np.append(np.asarray(of_value), missing)[codes]


def _factorize_codes(series: pd.Series | np.ndarray) -> np.ndarray:
    """``pd.factorize(series)[0]``: see :func:`_factorize`; without the uniques.

    Text whose values all have the same length of at most 8 bytes (identifiers
    such as ``P0001234``) is compared as 64-bit integers, which hash much faster.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    array = series.array if isinstance(series, pd.Series) else series
    if not (isinstance(array, pd.arrays.ArrowStringArray) and len(array)):
        return _factorize(series)[0]
    as_ints = _fixed_width_ints(array)
    if as_ints is not None:
        codes, _ = pd.factorize(as_ints)
        return np.asarray(codes, dtype=np.int64)
    chunked = array._pa_array
    text = chunked.combine_chunks() if isinstance(chunked, pa.ChunkedArray) else chunked
    encoded = pc.dictionary_encode(text)
    return np.asarray(encoded.indices.fill_null(-1).to_numpy(), dtype=np.int64)


def _fixed_width_ints(array: Any) -> np.ndarray | None:
    """Text values of one length of at most 8 bytes, none missing, as 64-bit
    integers (equal text, equal integer); ``None`` for any other array."""
    import pyarrow as pa

    if not isinstance(array, pd.arrays.ArrowStringArray) or not len(array):
        return None
    chunked = array._pa_array
    text = chunked.combine_chunks() if isinstance(chunked, pa.ChunkedArray) else chunked
    n = len(text)
    if text.null_count or not pa.types.is_large_string(text.type):
        return None
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int64)
    offsets = offsets[text.offset : text.offset + n + 1]
    width = int(offsets[1] - offsets[0])
    if not (0 < width <= 8 and int(offsets[-1] - offsets[0]) == n * width) or not bool(
        (np.diff(offsets) == width).all()
    ):
        return None
    data = np.frombuffer(text.buffers()[2], dtype=np.uint8)
    cells = data[offsets[0] : offsets[0] + n * width].reshape(n, width)
    padded = np.zeros((n, 8), dtype=np.uint8)
    padded[:, :width] = cells
    return padded.view(np.uint64).ravel()


def _via_uniques(series: pd.Series, func: Any) -> pd.Series:
    """Apply a Series -> Series function to the distinct values only, then spread back.

    Registers repeat the same postcodes, uses and tenures many times: working on
    the distinct values turns a million-row job into a few thousand.
    """
    codes, uniques = _factorize(series)
    if len(uniques) == 0:
        return func(series)
    done = func(pd.Series(uniques))
    if pd.api.types.is_bool_dtype(done.dtype):
        values = done.to_numpy(dtype=bool)
        return pd.Series(
            np.where(codes >= 0, values[np.maximum(codes, 0)], False), index=series.index
        )
    taken = done.astype("str").array.take(codes, allow_fill=True)
    return pd.Series(taken, index=series.index)
