"""Each agency's register file, in that agency's own format, as bytes.

One write_* function per agency turns its generated frame into the file's
content (CSV, XLSX, GeoJSON, ODS), with the agency's headers and the planted
defects' format-level damage (blank cells, TBC, #REF!, swapped
coordinates, a garbled grid reference).
"""

from __future__ import annotations

import json
from typing import Any, Final

import pandas as pd

from .agencies import (
    MAIDSTONE,
    SAMPLE_DATA_DATE,
)
from .columns import (
    COL_ASSET_ID,
    COL_COST_GBP,
    COL_DEFECT,
    COL_EASTING,
    COL_GIA_M2,
    COL_LEASE_END,
    COL_NAME,
    COL_NORTHING,
    COL_POSTCODE,
    COL_STAFF_FTE,
    COL_STATUS_RAW,
    COL_STREET,
    COL_TENURE_RAW,
    COL_TOWN,
    COL_UPRN,
    COL_USE_RAW,
)
from .formats import (
    csv_bytes,
    dates,
    grid_reference,
    money,
    num,
    ods_bytes,
    py,
    to_wgs84,
    xlsx_bytes,
)


def write_kcc_csv(frame: pd.DataFrame) -> bytes:
    """Kent County Council: cp1252 CSV, CRLF, BNG eastings/northings, money as "£12,345".

    Parameters
    ----------
    frame
        The agency's frame from :func:`generate_sample_estate`.

    Returns
    -------
    bytes
        The file's content.
    """
    east = num(frame[COL_EASTING], "{:.0f}")
    north = num(frame[COL_NORTHING], "{:.0f}")
    postcode = frame[COL_POSTCODE].tolist()
    gia = num(frame[COL_GIA_M2], "{:.0f}")
    for i, kind in enumerate(frame[COL_DEFECT]):
        if kind in ("blank_coordinates_with_postcode", "blank_coordinates_no_postcode"):
            east[i] = north[i] = ""
        if kind == "blank_coordinates_no_postcode":
            postcode[i] = ""
        if kind == "text_in_number_column":
            gia[i] = "TBC"
    rows = zip(
        frame[COL_UPRN], frame[COL_ASSET_ID], frame[COL_NAME], frame[COL_STREET],
        ["" for _ in range(len(frame))], frame[COL_TOWN], postcode, frame[COL_USE_RAW],
        frame[COL_TENURE_RAW], dates(frame[COL_LEASE_END], "%d/%m/%Y"), gia,
        num(frame[COL_STAFF_FTE]), money(frame[COL_COST_GBP]), frame[COL_STATUS_RAW],
        east, north, strict=True,
    )
    return csv_bytes(KCC_HEADER, list(rows), encoding="cp1252")


KCC_HEADER: Final = (
    "UPRN", "Asset Code", "Property Name", "Address Line 1", "Address Line 2", "Town",
    "Postcode", "Primary Use", "Tenure Type", "Lease Expiry", "GIA (sq m)", "FTE",
    "Annual Running Cost", "Occupancy", "Easting", "Northing",
)
POLICE_HEADER: Final = (
    "Site ID", "Site Name", "Address", "Post Code", "Site Type", "Ownership",
    "Lease End Date", "Floor Area m2", "Staff (FTE)", "Running Costs (\u00a3)", "Status",
    "Latitude", "Longitude",
)
POLICE_SHEET: Final = "Estate"
POLICE_HEADER_ROW: Final = 4


def write_police_xlsx(frame: pd.DataFrame) -> bytes:
    """Kent Police: XLSX, title rows above the header (row 4), latitude/longitude.

    Parameters
    ----------
    frame
        The agency's frame from :func:`generate_sample_estate`.

    Returns
    -------
    bytes
        The workbook's content (fixed metadata timestamps).
    """
    lat, lon = to_wgs84(frame[COL_EASTING].to_numpy(), frame[COL_NORTHING].to_numpy())
    lat_out: list[Any] = lat.tolist()
    lon_out: list[Any] = lon.tolist()
    for i, kind in enumerate(frame[COL_DEFECT]):
        if kind == "swapped_lat_lon":
            lat_out[i], lon_out[i] = lon_out[i], lat_out[i]
        elif kind == "blank_coordinates_with_postcode":
            lat_out[i] = lon_out[i] = None
    address = frame[COL_STREET] + ", " + frame[COL_TOWN]
    rows = [
        [py(v) for v in row]
        for row in zip(
            frame[COL_ASSET_ID], frame[COL_NAME], address, frame[COL_POSTCODE],
            frame[COL_USE_RAW], frame[COL_TENURE_RAW], frame[COL_LEASE_END],
            frame[COL_GIA_M2], frame[COL_STAFF_FTE], frame[COL_COST_GBP],
            frame[COL_STATUS_RAW], lat_out, lon_out, strict=True,
        )
    ]
    title = "Kent Police estate register \u2013 SYNTHETIC SAMPLE DATA (not real)"
    return xlsx_bytes(
        POLICE_SHEET, POLICE_HEADER, rows, title=title,
        title_rows=(title, f"Extract date: {SAMPLE_DATA_DATE:%d/%m/%Y}", ""),
    )


FOLKESTONE_HEADER: Final = (
    "Property Ref", "Property Name", "Street", "Town", "Postcode", "Property Use", "Tenure",
    "Lease End", "GIA", "FTE", "Annual Cost", "Occupancy Status", "Easting", "Northing",
)
FOLKESTONE_SHEET: Final = "Property"


def write_folkestone_xlsx(frame: pd.DataFrame) -> bytes:
    """Folkestone & Hythe DC: XLSX sheet "Property", eastings/northings as decimals.

    Parameters
    ----------
    frame
        The agency's frame from :func:`generate_sample_estate`.

    Returns
    -------
    bytes
        The workbook's content.
    """
    fte: list[Any] = [py(v) for v in frame[COL_STAFF_FTE]]
    for i, kind in enumerate(frame[COL_DEFECT]):
        if kind == "text_in_number_column":
            fte[i] = "TBC"
    rows = [
        [py(v) for v in row]
        for row in zip(
            frame[COL_ASSET_ID], frame[COL_NAME], frame[COL_STREET], frame[COL_TOWN],
            frame[COL_POSTCODE], frame[COL_USE_RAW], frame[COL_TENURE_RAW],
            frame[COL_LEASE_END], frame[COL_GIA_M2], fte, frame[COL_COST_GBP],
            frame[COL_STATUS_RAW], frame[COL_EASTING] + 0.4, frame[COL_NORTHING] - 0.3,
            strict=True,
        )
    ]
    return xlsx_bytes(FOLKESTONE_SHEET, FOLKESTONE_HEADER, rows,
                       title="Folkestone & Hythe DC property - SYNTHETIC SAMPLE DATA")


def write_fire_geojson(frame: pd.DataFrame) -> bytes:
    """Kent Fire and Rescue Service: GeoJSON FeatureCollection of EPSG:4326 points.

    Parameters
    ----------
    frame
        The agency's frame from :func:`generate_sample_estate`.

    Returns
    -------
    bytes
        UTF-8 GeoJSON.
    """
    lat, lon = to_wgs84(frame[COL_EASTING].to_numpy(), frame[COL_NORTHING].to_numpy())
    features = []
    for i, row in enumerate(frame.itertuples(index=False)):
        rec = row._asdict()
        geometry = (
            None if rec[COL_DEFECT] == "null_geometry"
            else {"type": "Point", "coordinates": [float(lon[i]), float(lat[i])]}
        )
        lease = rec[COL_LEASE_END]
        features.append({
            "type": "Feature",
            "properties": {
                "premises_ref": rec[COL_ASSET_ID],
                "premises_name": rec[COL_NAME],
                "street": rec[COL_STREET],
                "town": rec[COL_TOWN],
                "postcode": rec[COL_POSTCODE],
                "premises_type": rec[COL_USE_RAW],
                "tenure": rec[COL_TENURE_RAW],
                "lease_end": None if pd.isna(lease) else lease.strftime("%Y-%m-%d"),
                "gross_internal_area_sqm": py(rec[COL_GIA_M2]),
                "establishment_fte": py(rec[COL_STAFF_FTE]),
                "annual_cost": py(rec[COL_COST_GBP]),
                "status": rec[COL_STATUS_RAW],
            },
            "geometry": geometry,
        })
    collection = {
        "type": "FeatureCollection",
        "name": "KFRS premises - synthetic sample data",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        "features": features,
    }
    return (json.dumps(collection, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


NHS_HEADER: Final = (
    "Property Code", "Property", "Address", "Postcode", "Property Type", "Tenure",
    "Lease Expiry Date", "GIA m\u00b2", "WTE", "Revenue Cost \u00a3", "Occupancy Status",
)


def write_nhs_csv(frame: pd.DataFrame) -> bytes:
    """Kent Community Health NHS FT: UTF-8 (with BOM) CSV, postcodes only.

    Parameters
    ----------
    frame
        The agency's frame from :func:`generate_sample_estate`.

    Returns
    -------
    bytes
        The file's content.
    """
    postcode = frame[COL_POSTCODE].tolist()
    for i, kind in enumerate(frame[COL_DEFECT]):
        if kind == "postcode_unnormalised":
            postcode[i] = postcode[i].replace(" ", "").lower()
    rows = zip(
        frame[COL_ASSET_ID], frame[COL_NAME], frame[COL_STREET] + ", " + frame[COL_TOWN],
        postcode, frame[COL_USE_RAW], frame[COL_TENURE_RAW],
        dates(frame[COL_LEASE_END], "%d/%m/%Y"), num(frame[COL_GIA_M2], "{:.0f}"),
        num(frame[COL_STAFF_FTE]), num(frame[COL_COST_GBP], "{:.2f}"),
        frame[COL_STATUS_RAW], strict=True,
    )
    return csv_bytes(NHS_HEADER, list(rows), encoding="utf-8-sig")


MEDWAY_HEADER: Final = (
    "Ref", "Asset Name", "Address", "Postcode", "UPRN", "Asset Type", "Tenure", "Lease End",
    "Area (sqm)", "Staff", "Cost per annum", "Occupancy", "Grid Reference",
)


def write_medway_csv(frame: pd.DataFrame) -> bytes:
    """Medway Council: UTF-8 CSV with OS grid references (8 and 10 figures).

    Parameters
    ----------
    frame
        The agency's frame from :func:`generate_sample_estate`.

    Returns
    -------
    bytes
        The file's content.
    """
    refs = []
    for i, (e, n, kind) in enumerate(
        zip(frame[COL_EASTING], frame[COL_NORTHING], frame[COL_DEFECT], strict=True)
    ):
        if kind == "bad_grid_reference":
            refs.append("TQ 7X4 68l")
        elif i % 7 == 3:
            refs.append(grid_reference(e, n, digits=8))
        elif i % 5 == 1:
            refs.append(grid_reference(e, n).replace(" ", ""))
        else:
            refs.append(grid_reference(e, n))
    rows = zip(
        frame[COL_ASSET_ID], frame[COL_NAME], frame[COL_STREET] + ", " + frame[COL_TOWN],
        frame[COL_POSTCODE], frame[COL_UPRN], frame[COL_USE_RAW], frame[COL_TENURE_RAW],
        dates(frame[COL_LEASE_END], "%d-%b-%Y"), num(frame[COL_GIA_M2], "{:.0f}"),
        num(frame[COL_STAFF_FTE]), num(frame[COL_COST_GBP], "{:.0f}"),
        frame[COL_STATUS_RAW], refs, strict=True,
    )
    return csv_bytes(MEDWAY_HEADER, list(rows), encoding="utf-8", lineterminator="\n")


MAIDSTONE_HEADER: Final = (
    "Organisation", "OrganisationLabel", "UPRN", "AssetCode", "PropertyName",
    "PropertyAddress", "PostCode", "GeoX", "GeoY", "HoldingType", "TenureType",
    "LeaseEnd", "GIA", "FTE", "RunningCost", "OccupancyStatus",
)
MAIDSTONE_SHEET: Final = "Land and Assets"


def write_maidstone_ods(frame: pd.DataFrame) -> bytes:
    """Maidstone BC: ODS in the Local Government Transparency Code land and assets shape.

    Parameters
    ----------
    frame
        The agency's frame from :func:`generate_sample_estate`.

    Returns
    -------
    bytes
        The spreadsheet's content (fixed metadata timestamps).
    """
    table = pd.DataFrame(
        {
            "Organisation": "E07000110",
            "OrganisationLabel": MAIDSTONE,
            "UPRN": frame[COL_UPRN].to_numpy(),
            "AssetCode": frame[COL_ASSET_ID].to_numpy(),
            "PropertyName": frame[COL_NAME].to_numpy(),
            "PropertyAddress": (frame[COL_STREET] + ", " + frame[COL_TOWN]).to_numpy(),
            "PostCode": frame[COL_POSTCODE].to_numpy(),
            "GeoX": frame[COL_EASTING].to_numpy(),
            "GeoY": frame[COL_NORTHING].to_numpy(),
            "HoldingType": frame[COL_USE_RAW].to_numpy(),
            "TenureType": frame[COL_TENURE_RAW].to_numpy(),
            "LeaseEnd": dates(frame[COL_LEASE_END], "%Y-%m-%d"),
            "GIA": frame[COL_GIA_M2].to_numpy(),
            "FTE": frame[COL_STAFF_FTE].to_numpy(),
            "RunningCost": frame[COL_COST_GBP].to_numpy(),
            "OccupancyStatus": frame[COL_STATUS_RAW].to_numpy(),
        },
        columns=list(MAIDSTONE_HEADER),
    )
    return ods_bytes(MAIDSTONE_SHEET, table,
                      title="Maidstone BC land and assets - SYNTHETIC SAMPLE DATA")


CANTERBURY_HEADER: Final = (
    "Asset No", "Name", "Street", "Town", "Postcode", "Use", "Tenure", "Lease end",
    "Floor area", "FTE", "Annual cost", "Status", "Easting", "Northing",
)


def write_canterbury_csv(frame: pd.DataFrame) -> bytes:
    """Canterbury CC: semicolon-delimited UTF-8 CSV with eastings/northings.

    Parameters
    ----------
    frame
        The agency's frame from :func:`generate_sample_estate`.

    Returns
    -------
    bytes
        The file's content.
    """
    east = num(frame[COL_EASTING], "{:.0f}")
    for i, kind in enumerate(frame[COL_DEFECT]):
        if kind == "garbage_easting":
            east[i] = "#REF!"
    rows = zip(
        frame[COL_ASSET_ID], frame[COL_NAME], frame[COL_STREET], frame[COL_TOWN],
        frame[COL_POSTCODE], frame[COL_USE_RAW], frame[COL_TENURE_RAW],
        dates(frame[COL_LEASE_END], "%d/%m/%Y"), num(frame[COL_GIA_M2], "{:.0f}"),
        num(frame[COL_STAFF_FTE]), num(frame[COL_COST_GBP], "{:.0f}"),
        frame[COL_STATUS_RAW], east, num(frame[COL_NORTHING], "{:.0f}"), strict=True,
    )
    return csv_bytes(CANTERBURY_HEADER, list(rows), encoding="utf-8", delimiter=";")


#: Swale's file has no header: these are the names the manifest gives its columns.
SWALE_NAMES: Final = (
    "Ref", "Description", "Address", "Postcode", "Category", "Tenure", "Lease End", "Area",
    "FTE", "Cost", "Status", "X", "Y",
)


def write_swale_csv(frame: pd.DataFrame) -> bytes:
    """Swale BC: headerless CSV (names in the manifest), X/Y in metres with decimals.

    Parameters
    ----------
    frame
        The agency's frame from :func:`generate_sample_estate`.

    Returns
    -------
    bytes
        The file's content.
    """
    rows = zip(
        frame[COL_ASSET_ID], frame[COL_NAME], frame[COL_STREET] + ", " + frame[COL_TOWN],
        frame[COL_POSTCODE], frame[COL_USE_RAW], frame[COL_TENURE_RAW],
        dates(frame[COL_LEASE_END], "%Y-%m-%d"), num(frame[COL_GIA_M2], "{:.0f}"),
        num(frame[COL_STAFF_FTE]), num(frame[COL_COST_GBP], "{:.0f}"),
        frame[COL_STATUS_RAW], num(frame[COL_EASTING] + 0.25, "{:.2f}"),
        num(frame[COL_NORTHING] + 0.5, "{:.2f}"), strict=True,
    )
    return csv_bytes(None, list(rows), encoding="utf-8")


VOLUNTARY_HEADER: Final = (
    "Premises ID", "Premises", "Address", "Postcode", "What it is used for", "Tenure",
    "Size (m2)", "Paid staff (FTE)", "Yearly running cost", "Status",
)


def write_voluntary_csv(frame: pd.DataFrame) -> bytes:
    """Kent Voluntary Action Network (fictional): CSV, postcodes only, multi-line addresses.

    Parameters
    ----------
    frame
        The agency's frame from :func:`generate_sample_estate`.

    Returns
    -------
    bytes
        The file's content.
    """
    address = frame[COL_STREET] + "\n" + frame[COL_TOWN]
    rows = zip(
        frame[COL_ASSET_ID], frame[COL_NAME], address, frame[COL_POSTCODE],
        frame[COL_USE_RAW], frame[COL_TENURE_RAW], num(frame[COL_GIA_M2], "{:.0f}"),
        num(frame[COL_STAFF_FTE]), num(frame[COL_COST_GBP], "{:.0f}"),
        frame[COL_STATUS_RAW], strict=True,
    )
    return csv_bytes(VOLUNTARY_HEADER, list(rows), encoding="utf-8")
