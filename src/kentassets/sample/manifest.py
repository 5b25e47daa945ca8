"""The sample estate's manifest: how each agency's register is read, as TOML.

:data:`REGISTERS` pairs each agency with its writer, its read options and its
column mapping; :func:`sample_manifest_text` writes them in the documented
manifest format.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import pandas as pd

from .agencies import (
    CANTERBURY,
    FILES,
    FIRE,
    FOLKESTONE,
    KCC,
    MAIDSTONE,
    MEDWAY,
    NHS,
    POLICE,
    SAMPLE_AGENCIES,
    SAMPLE_DATA_DATE,
    SWALE,
    SYNTHETIC_LABEL,
    VOLUNTARY,
)
from .writers import (
    FOLKESTONE_SHEET,
    MAIDSTONE_SHEET,
    POLICE_HEADER_ROW,
    POLICE_SHEET,
    SWALE_NAMES,
    write_canterbury_csv,
    write_fire_geojson,
    write_folkestone_xlsx,
    write_kcc_csv,
    write_maidstone_ods,
    write_medway_csv,
    write_nhs_csv,
    write_police_xlsx,
    write_swale_csv,
    write_voluntary_csv,
)

#: Name of the manifest file written by :func:`write_sample_estate`.
MANIFEST_NAME: Final = "manifest.toml"


@dataclass(frozen=True)
class _Register:
    writer: Callable[[pd.DataFrame], bytes]
    options: tuple[tuple[str, Any], ...]
    columns: tuple[tuple[str, str | tuple[str, ...]], ...]
    comment: str
    notes: tuple[str, ...] = ()


REGISTERS: Final[dict[str, _Register]] = {
    KCC: _Register(
        write_kcc_csv,
        (("crs", "EPSG:27700"), ("encoding", "cp1252"), ("delimiter", ",")),
        (("asset_id", "Asset Code"), ("name", "Property Name"),
         ("address", ("Address Line 1", "Address Line 2", "Town")), ("postcode", "Postcode"),
         ("uprn", "UPRN"), ("use", "Primary Use"), ("tenure", "Tenure Type"),
         ("gia_m2", "GIA (sq m)"), ("staff_fte", "FTE"),
         ("annual_cost_gbp", "Annual Running Cost"), ("status", "Occupancy"),
         ("lease_end", "Lease Expiry"), ("easting", "Easting"), ("northing", "Northing")),
        "CSV exported from a property system: cp1252, CRLF, BNG, money as \"\u00a312,345\".",
    ),
    POLICE: _Register(
        write_police_xlsx,
        (("crs", "EPSG:4326"), ("sheet", POLICE_SHEET), ("header_row", POLICE_HEADER_ROW)),
        (("asset_id", "Site ID"), ("name", "Site Name"), ("address", "Address"),
         ("postcode", "Post Code"), ("use", "Site Type"), ("tenure", "Ownership"),
         ("gia_m2", "Floor Area m2"), ("staff_fte", "Staff (FTE)"),
         ("annual_cost_gbp", "Running Costs (\u00a3)"), ("status", "Status"),
         ("lease_end", "Lease End Date"), ("latitude", "Latitude"),
         ("longitude", "Longitude")),
        "XLSX with three title rows above the header; latitude/longitude.",
        (
            "# A police estate is often treated as sensitive: uncomment the next line to",
            "# publish its assets generalised to 1 km squares, without names or addresses.",
            "# sensitive = true",
        ),
    ),
    FIRE: _Register(
        write_fire_geojson,
        (),
        (("asset_id", "premises_ref"), ("name", "premises_name"),
         ("address", ("street", "town")), ("postcode", "postcode"),
         ("use", "premises_type"), ("tenure", "tenure"),
         ("gia_m2", "gross_internal_area_sqm"), ("staff_fte", "establishment_fte"),
         ("annual_cost_gbp", "annual_cost"), ("status", "status"),
         ("lease_end", "lease_end")),
        "GeoJSON points (EPSG:4326); the location is the file's own geometry.",
    ),
    NHS: _Register(
        write_nhs_csv,
        (("encoding", "utf-8-sig"),),
        (("asset_id", "Property Code"), ("name", "Property"), ("address", "Address"),
         ("postcode", "Postcode"), ("use", "Property Type"), ("tenure", "Tenure"),
         ("gia_m2", "GIA m\u00b2"), ("staff_fte", "WTE"),
         ("annual_cost_gbp", "Revenue Cost \u00a3"), ("status", "Occupancy Status"),
         ("lease_end", "Lease Expiry Date")),
        "CSV (UTF-8 with BOM) with postcodes only: placed at postcode centroids.",
    ),
    MEDWAY: _Register(
        write_medway_csv,
        (),
        (("asset_id", "Ref"), ("name", "Asset Name"), ("address", "Address"),
         ("postcode", "Postcode"), ("uprn", "UPRN"), ("use", "Asset Type"),
         ("tenure", "Tenure"), ("gia_m2", "Area (sqm)"), ("staff_fte", "Staff"),
         ("annual_cost_gbp", "Cost per annum"), ("status", "Occupancy"),
         ("lease_end", "Lease End"), ("grid_ref", "Grid Reference")),
        "CSV with OS grid references (\"TQ 75840 67730\", 8 and 10 figures).",
    ),
    MAIDSTONE: _Register(
        write_maidstone_ods,
        (("crs", "EPSG:27700"), ("sheet", MAIDSTONE_SHEET)),
        (("asset_id", "AssetCode"), ("name", "PropertyName"),
         ("address", "PropertyAddress"), ("postcode", "PostCode"), ("uprn", "UPRN"),
         ("use", "HoldingType"), ("tenure", "TenureType"), ("gia_m2", "GIA"),
         ("staff_fte", "FTE"), ("annual_cost_gbp", "RunningCost"),
         ("status", "OccupancyStatus"), ("lease_end", "LeaseEnd"), ("easting", "GeoX"),
         ("northing", "GeoY")),
        "ODS in the Local Government Transparency Code land and assets shape.",
    ),
    CANTERBURY: _Register(
        write_canterbury_csv,
        (("crs", "EPSG:27700"), ("delimiter", ";")),
        (("asset_id", "Asset No"), ("name", "Name"), ("address", ("Street", "Town")),
         ("postcode", "Postcode"), ("use", "Use"), ("tenure", "Tenure"),
         ("gia_m2", "Floor area"), ("staff_fte", "FTE"), ("annual_cost_gbp", "Annual cost"),
         ("status", "Status"), ("lease_end", "Lease end"), ("easting", "Easting"),
         ("northing", "Northing")),
        "Semicolon-delimited CSV with eastings/northings.",
    ),
    SWALE: _Register(
        write_swale_csv,
        (("crs", "EPSG:27700"), ("names", SWALE_NAMES)),
        (("asset_id", "Ref"), ("name", "Description"), ("address", "Address"),
         ("postcode", "Postcode"), ("use", "Category"), ("tenure", "Tenure"),
         ("gia_m2", "Area"), ("staff_fte", "FTE"), ("annual_cost_gbp", "Cost"),
         ("status", "Status"), ("lease_end", "Lease End"), ("easting", "X"),
         ("northing", "Y")),
        "Headerless CSV: the column names are given here.",
    ),
    FOLKESTONE: _Register(
        write_folkestone_xlsx,
        (("crs", "EPSG:27700"), ("sheet", FOLKESTONE_SHEET)),
        (("asset_id", "Property Ref"), ("name", "Property Name"),
         ("address", ("Street", "Town")), ("postcode", "Postcode"), ("use", "Property Use"),
         ("tenure", "Tenure"), ("gia_m2", "GIA"), ("staff_fte", "FTE"),
         ("annual_cost_gbp", "Annual Cost"), ("status", "Occupancy Status"),
         ("lease_end", "Lease End"), ("easting", "Easting"), ("northing", "Northing")),
        "XLSX, header on row 1, eastings/northings with decimals.",
    ),
    VOLUNTARY: _Register(
        write_voluntary_csv,
        (),
        (("asset_id", "Premises ID"), ("name", "Premises"), ("address", "Address"),
         ("postcode", "Postcode"), ("use", "What it is used for"), ("tenure", "Tenure"),
         ("gia_m2", "Size (m2)"), ("staff_fte", "Paid staff (FTE)"),
         ("annual_cost_gbp", "Yearly running cost"), ("status", "Status")),
        "A fictional voluntary-sector network: CSV, postcodes only, multi-line addresses.",
    ),
}


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def sample_manifest_text(*, agencies: Sequence[str] | None = None) -> str:
    """Return the TOML manifest of the sample estate.

    Parameters
    ----------
    agencies
        Agencies to list, in order; ``None`` lists all of :data:`SAMPLE_AGENCIES`.

    Returns
    -------
    str
        The manifest, in the documented format, with ``synthetic = true``.

    Examples
    --------
    >>> import tomllib
    >>> manifest = tomllib.loads(sample_manifest_text())
    >>> manifest["synthetic"], len(manifest["register"])
    (True, 10)
    """
    names = list(agencies) if agencies is not None else [a.name for a in SAMPLE_AGENCIES]
    lines = [
        "# Kent and Medway public estate: SYNTHETIC SAMPLE DATA.",
        "# Written by kentassets.sample.write_sample_estate. Every asset, name, address,",
        "# area, staff number, cost, tenure and status is invented; only the postcode",
        "# centroids are real (ONS Postcode Directory, Open Government Licence).",
        "",
        f"title = {_toml_value('Kent and Medway public estate (' + SYNTHETIC_LABEL + ')')}",
        f"data_date = {SAMPLE_DATA_DATE.isoformat()}",
        "synthetic = true",
    ]
    for agency in names:
        reg = REGISTERS[agency]
        lines += ["", "# " + reg.comment, "[[register]]",
                  f"path = {_toml_value(FILES[agency])}",
                  f"agency = {_toml_value(agency)}"]
        lines += [f"{key} = {_toml_value(value)}" for key, value in reg.options]
        lines += list(reg.notes)
        lines += ["", "[register.columns]"]
        lines += [f"{key} = {_toml_value(value)}" for key, value in reg.columns]
    return "\n".join(lines) + "\n"
