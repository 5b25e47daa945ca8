"""The canonical asset schema: column names, categories, CRS and study area.

Every module refers to columns through these constants, never through string
literals, so that a column can be renamed in one place.

Units are in the names: ``gia_m2`` is gross internal area in square metres,
``staff_fte`` full-time-equivalent staff, ``annual_cost_gbp`` annual running
cost in pounds sterling, ``location_precision_m`` the radius in metres within
which the point is believed to lie.
"""

from __future__ import annotations

from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

#: British National Grid. Every canonical frame is in this CRS; distances are metres.
CRS: Final = "EPSG:27700"
#: WGS 84, used by the web maps.
CRS_WGS84: Final = "EPSG:4326"

# --- canonical asset columns -------------------------------------------------
ASSET_ID: Final = "asset_id"
AGENCY: Final = "agency"
NAME: Final = "name"
ADDRESS: Final = "address"
POSTCODE: Final = "postcode"
UPRN: Final = "uprn"
USE: Final = "use"
USE_RAW: Final = "use_raw"
TENURE: Final = "tenure"
TENURE_RAW: Final = "tenure_raw"
GIA_M2: Final = "gia_m2"
STAFF_FTE: Final = "staff_fte"
ANNUAL_COST_GBP: Final = "annual_cost_gbp"
STATUS: Final = "status"
STATUS_RAW: Final = "status_raw"
LEASE_END: Final = "lease_end"
FM_PROVIDER: Final = "fm_provider"
FM_CONTRACT_END: Final = "fm_contract_end"
LOCATION_METHOD: Final = "location_method"
LOCATION_PRECISION_M: Final = "location_precision_m"
DISTRICT_CODE: Final = "district_code"
DISTRICT_NAME: Final = "district_name"
DISTRICT_METHOD: Final = "district_method"
SITE_ID: Final = "site_id"
SENSITIVE: Final = "sensitive"
SOURCE_FILE: Final = "source_file"
SOURCE_ROW: Final = "source_row"
EXTRA: Final = "extra"
GEOMETRY: Final = "geometry"

#: Column order of the canonical asset GeoDataFrame, with pandas dtypes.
ASSET_DTYPES: Final[dict[str, str]] = {
    ASSET_ID: "string",
    AGENCY: "string",
    NAME: "string",
    ADDRESS: "string",
    POSTCODE: "string",
    UPRN: "string",
    USE: "string",
    USE_RAW: "string",
    TENURE: "string",
    TENURE_RAW: "string",
    GIA_M2: "float64",
    STAFF_FTE: "float64",
    ANNUAL_COST_GBP: "float64",
    STATUS: "string",
    STATUS_RAW: "string",
    LEASE_END: "datetime64[ns]",
    FM_PROVIDER: "string",
    FM_CONTRACT_END: "datetime64[ns]",
    LOCATION_METHOD: "string",
    LOCATION_PRECISION_M: "float64",
    DISTRICT_CODE: "string",
    DISTRICT_NAME: "string",
    DISTRICT_METHOD: "string",
    SITE_ID: "string",
    SENSITIVE: "bool",
    SOURCE_FILE: "string",
    SOURCE_ROW: "Int64",
    EXTRA: "string",
}
ASSET_COLUMNS: Final = (*ASSET_DTYPES, GEOMETRY)

#: Field descriptions, used by the README and by notebooks.
FIELD_DOCS: Final[dict[str, str]] = {
    ASSET_ID: "Agency's own identifier for the asset (text). Unique within an agency.",
    AGENCY: "Name of the agency that holds the asset.",
    NAME: "Asset or property name.",
    ADDRESS: "Postal address, one line.",
    POSTCODE: "UK postcode, normalised to upper case with one space (e.g. 'CT20 1HD').",
    UPRN: "Unique Property Reference Number (text; leading zeros kept).",
    USE: "Main use, one of USES.",
    USE_RAW: "The use exactly as written in the source file.",
    TENURE: "Tenure, one of TENURES.",
    TENURE_RAW: "The tenure exactly as written in the source file.",
    GIA_M2: "Gross internal area, square metres.",
    STAFF_FTE: "Staff based at the asset, full-time equivalents.",
    ANNUAL_COST_GBP: "Annual running cost (rent, rates, energy, FM), pounds sterling a year.",
    STATUS: "Occupancy status, one of STATUSES.",
    STATUS_RAW: "The status exactly as written in the source file (kept when it is not "
    "one of STATUSES, e.g. 'Freehold - part let').",
    LEASE_END: "Date the lease ends (leaseholds), or missing.",
    FM_PROVIDER: "Facilities management provider (contractor) as written in the source, "
    "or missing.",
    FM_CONTRACT_END: "Date the facilities management contract ends, or missing.",
    LOCATION_METHOD: "How the point was found, one of LOCATION_METHODS.",
    LOCATION_PRECISION_M: "Radius in metres within which the point is believed to lie.",
    DISTRICT_CODE: "ONS code of the district the asset lies in (e.g. E07000110).",
    DISTRICT_NAME: "Name of that district (e.g. Maidstone).",
    DISTRICT_METHOD: "How the district was assigned, one of DISTRICT_METHODS.",
    SITE_ID: "Identifier shared by records that describe the same building.",
    SENSITIVE: "True where the agency is marked sensitive: published maps generalise it.",
    SOURCE_FILE: "File the record came from (name as given in the manifest).",
    SOURCE_ROW: "Row number in that file as a person sees it in Excel or a text editor.",
    EXTRA: "JSON object holding the source columns that were not mapped to a field.",
    GEOMETRY: "Point in British National Grid (EPSG:27700), metres.",
}

# --- categories --------------------------------------------------------------
USES: Final = (
    "office",
    "library",
    "customer_service",
    "depot",
    "education",
    "health",
    "police",
    "fire",
    "community",
    "residential",
    "land",
    "other",
)
#: Sectors of the public estate an agency belongs to (manifest ``sector``).
SECTORS: Final = (
    "council",
    "police",
    "nhs",
    "fire_and_rescue",
    "voluntary_community",
    "central_government",
)
TENURES: Final = ("freehold", "leasehold", "licence", "other", "unknown")
STATUSES: Final = ("occupied", "part_vacant", "vacant", "surplus", "unknown")
#: Location methods in order of preference, with their default precision in metres.
LOCATION_METHODS: Final[dict[str, float]] = {
    "easting_northing": 1.0,
    "latitude_longitude": 5.0,
    "grid_reference": 1.0,  # replaced by the reference's own resolution
    "geometry": 1.0,
    "postcode": 100.0,
}
DISTRICT_METHODS: Final = ("within", "postcode", "nearest", "outside")

# --- ledger ------------------------------------------------------------------
LEDGER_FILE: Final = "file"
LEDGER_SHEET: Final = "sheet"
LEDGER_ROW: Final = "row"
LEDGER_AGENCY: Final = "agency"
LEDGER_ASSET_ID: Final = "asset_id"
LEDGER_STATUS: Final = "status"
LEDGER_REASON: Final = "reason"
LEDGER_MESSAGE: Final = "message"
LEDGER_COLUMNS: Final = "columns"
LEDGER_WARNINGS: Final = "warnings"
LEDGER_FIELDS: Final = (
    LEDGER_FILE,
    LEDGER_SHEET,
    LEDGER_ROW,
    LEDGER_AGENCY,
    LEDGER_ASSET_ID,
    LEDGER_STATUS,
    LEDGER_REASON,
    LEDGER_MESSAGE,
    LEDGER_COLUMNS,
    LEDGER_WARNINGS,
)

# --- column mapping (how each register's columns were read) --------------------------
MAPPING_FILE: Final = "file"
MAPPING_SHEET: Final = "sheet"
MAPPING_AGENCY: Final = "agency"
MAPPING_COLUMN: Final = "column"
MAPPING_FIELD: Final = "field"
MAPPING_READ_BY: Final = "read_by"
MAPPING_CONVERSION: Final = "conversion"
MAPPING_WARNING: Final = "warning"
MAPPING_NOTE: Final = "note"
#: Columns of the column mapping table: one row per source column of every register.
MAPPING_FIELDS: Final = (
    MAPPING_FILE,
    MAPPING_SHEET,
    MAPPING_AGENCY,
    MAPPING_COLUMN,
    MAPPING_FIELD,
    MAPPING_READ_BY,
    MAPPING_CONVERSION,
    MAPPING_WARNING,
    MAPPING_NOTE,
)

LOADED: Final = "loaded"
EXCLUDED: Final = "excluded"
REJECTED: Final = "rejected"
LEDGER_STATUSES: Final = (LOADED, EXCLUDED, REJECTED)

# --- co-location cluster table --------------------------------------------------
CLUSTER_LABEL: Final = "cluster_label"
COLOCATION_ID: Final = "colocation_id"
IS_COLOCATION: Final = "is_colocation"

# --- demand points (the service reach stage, issue 23) ---------------------------
#: People (or members, visits...) a demand point stands for.
DEMAND: Final = "demand"
#: The service a demand table stands for, or :data:`ALL_SERVICES`.
DEMAND_SERVICE: Final = "service"
ALL_SERVICES: Final = "all"
#: Where the demand comes from: the file, or the default estimate.
DEMAND_SOURCE: Final = "demand_source"
#: True where the demand is an estimate (the default: population shared by postcode).
DEMAND_ESTIMATE: Final = "demand_estimate"

# --- study area ----------------------------------------------------------------
#: Kent's 12 districts and Medway: ONS code -> name.
KENT_AND_MEDWAY: Final[dict[str, str]] = {
    "E07000105": "Ashford",
    "E07000106": "Canterbury",
    "E07000107": "Dartford",
    "E07000108": "Dover",
    "E07000109": "Gravesham",
    "E07000110": "Maidstone",
    "E07000111": "Sevenoaks",
    "E07000112": "Folkestone and Hythe",
    "E07000113": "Swale",
    "E07000114": "Thanet",
    "E07000115": "Tonbridge and Malling",
    "E07000116": "Tunbridge Wells",
    "E06000035": "Medway",
}
#: Default study area: the 13 codes above.
DEFAULT_STUDY_AREA: Final = tuple(KENT_AND_MEDWAY)
#: Three-letter prefixes used in co-location ids (``MAI-03``).
DISTRICT_PREFIXES: Final[dict[str, str]] = {
    "E07000105": "ASH",
    "E07000106": "CAN",
    "E07000107": "DAR",
    "E07000108": "DOV",
    "E07000109": "GRA",
    "E07000110": "MAI",
    "E07000111": "SEV",
    "E07000112": "FOL",
    "E07000113": "SWA",
    "E07000114": "THA",
    "E07000115": "TON",
    "E07000116": "TUN",
    "E06000035": "MED",
}

#: Bounding box of Great Britain in EPSG:27700 (metres), used to reject nonsense.
GB_BOUNDS_M: Final = (0.0, 0.0, 700_000.0, 1_300_000.0)


def district_prefix(code: str, name: str | None = None) -> str:
    """Return the short prefix used in co-location ids for a district.

    Parameters
    ----------
    code
        ONS district code.
    name
        District name, used for districts outside Kent and Medway.

    Returns
    -------
    str
        Three upper-case letters, for example ``"MAI"`` for Maidstone.

    Examples
    --------
    >>> district_prefix("E07000110")
    'MAI'
    >>> district_prefix("E07000999", "Little Snoring")
    'LIT'
    """
    if code in DISTRICT_PREFIXES:
        return DISTRICT_PREFIXES[code]
    letters = "".join(ch for ch in (name or code) if ch.isalpha()).upper()
    return (letters or "XXX")[:3].ljust(3, "X")


def empty_assets() -> gpd.GeoDataFrame:
    """Return an empty canonical asset GeoDataFrame with every column typed.

    Returns
    -------
    geopandas.GeoDataFrame
        No rows, the columns of :data:`ASSET_COLUMNS`, CRS EPSG:27700.

    Examples
    --------
    >>> list(empty_assets().columns)[:3]
    ['asset_id', 'agency', 'name']
    """
    frame = pd.DataFrame({col: pd.Series(dtype=dtype) for col, dtype in ASSET_DTYPES.items()})
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=CRS), crs=CRS)


def empty_ledger() -> pd.DataFrame:
    """Return an empty ledger with its columns typed."""
    return pd.DataFrame(
        {
            LEDGER_FILE: pd.Series(dtype="string"),
            LEDGER_SHEET: pd.Series(dtype="string"),
            LEDGER_ROW: pd.Series(dtype="Int64"),
            LEDGER_AGENCY: pd.Series(dtype="string"),
            LEDGER_ASSET_ID: pd.Series(dtype="string"),
            LEDGER_STATUS: pd.Series(dtype="string"),
            LEDGER_REASON: pd.Series(dtype="string"),
            LEDGER_MESSAGE: pd.Series(dtype="string"),
            LEDGER_COLUMNS: pd.Series(dtype="string"),
            LEDGER_WARNINGS: pd.Series(dtype="string"),
        }
    )


def empty_column_mapping() -> pd.DataFrame:
    """Return an empty column mapping table (:data:`MAPPING_FIELDS`, all text)."""
    return pd.DataFrame({col: pd.Series(dtype="string") for col in MAPPING_FIELDS})


def coerce_assets(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    """Return ``frame`` with the canonical columns, order and dtypes.

    Missing canonical columns are added as missing values; columns beyond the
    schema are kept after the canonical ones.

    Parameters
    ----------
    frame
        A GeoDataFrame (or DataFrame with a ``geometry`` column) in EPSG:27700.

    Returns
    -------
    geopandas.GeoDataFrame
        Same index as ``frame``.
    """
    out = pd.DataFrame(index=frame.index)
    for col, dtype in ASSET_DTYPES.items():
        if col in frame.columns:
            series = frame[col]
        elif dtype == "bool":
            series = pd.Series(False, index=frame.index)
        else:
            series = pd.Series(np.nan, index=frame.index)
        if dtype == "datetime64[ns]":
            out[col] = pd.to_datetime(series, errors="coerce").astype("datetime64[ns]")
        elif dtype == "bool":
            out[col] = series.fillna(False).astype(bool)
        else:
            out[col] = series.astype(dtype)
    for col in frame.columns:
        if col not in out.columns and col != GEOMETRY:
            out[col] = frame[col]
    geometry = frame[GEOMETRY] if GEOMETRY in frame.columns else gpd.GeoSeries(
        [None] * len(frame), index=frame.index
    )
    crs = getattr(frame, "crs", None) or CRS
    return gpd.GeoDataFrame(
        out, geometry=gpd.GeoSeries(geometry, index=frame.index), crs=crs, copy=False
    )
