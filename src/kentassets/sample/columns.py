"""Column names of the generated ("truth") frames that every step of the sample shares."""

from __future__ import annotations

from typing import Final

# Column names of the generated ("truth") frames.
COL_ASSET_ID: Final = "asset_id"
COL_AGENCY: Final = "agency"
COL_NAME: Final = "name"
COL_STREET: Final = "street"
COL_TOWN: Final = "town"
COL_POSTCODE: Final = "postcode"
COL_UPRN: Final = "uprn"
COL_USE: Final = "use"
COL_USE_RAW: Final = "use_raw"
COL_TENURE: Final = "tenure"
COL_TENURE_RAW: Final = "tenure_raw"
COL_LEASE_END: Final = "lease_end"
COL_GIA_M2: Final = "gia_m2"
COL_STAFF_FTE: Final = "staff_fte"
COL_COST_GBP: Final = "annual_cost_gbp"
COL_STATUS: Final = "status"
COL_STATUS_RAW: Final = "status_raw"
COL_EASTING: Final = "easting"
COL_NORTHING: Final = "northing"
COL_LATITUDE: Final = "latitude"
COL_LONGITUDE: Final = "longitude"
COL_DISTRICT: Final = "district_code"
COL_HUB: Final = "hub_id"
COL_DEFECT: Final = "defect"
