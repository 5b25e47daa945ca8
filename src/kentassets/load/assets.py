"""Build the canonical asset frame of a register's loaded rows: categories, the
standard postcode form, the fields, the leftover columns as JSON, the points and
the ``site_id``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from ..io.postcodes import format_postcodes, postcode_keys
from ..schema import (
    ADDRESS,
    AGENCY,
    ANNUAL_COST_GBP,
    ASSET_ID,
    CRS,
    DISTRICT_CODE,
    EXTRA,
    FM_CONTRACT_END,
    FM_PROVIDER,
    GIA_M2,
    LEASE_END,
    LOCATION_METHOD,
    LOCATION_PRECISION_M,
    NAME,
    POSTCODE,
    SENSITIVE,
    SITE_ID,
    SOURCE_FILE,
    SOURCE_ROW,
    STAFF_FTE,
    STATUS,
    STATUS_RAW,
    TENURE,
    TENURE_RAW,
    UPRN,
    USE,
    USE_RAW,
    coerce_assets,
)
from .categories import STATUS_RULES, SURPLUS_USE, TENURE_RULES, categorise, categorise_use
from .columns import used_columns
from .locate import Located
from .place import Placed
from .sites import SiteHints, assign_site_ids
from .values import extra_json
from .vectors import (
    Factorized,
    constant_text,
    factorize,
    factorize_codes,
    maybe,
    spread_codes,
    take,
)


@dataclass
class Fields:
    """What normalisation read from a register, per row (all rows)."""

    mapping: Mapping[str, str | list[str]]
    text: Mapping[str, pd.Series]
    numbers: Mapping[str, pd.Series]
    dates: Mapping[str, pd.Series]
    asset_ids: pd.Series
    rows: pd.Series
    #: Text fields factorized already (tenure, status), to categorise once.
    factors: Mapping[str, Factorized] = field(default_factory=dict)


def build_assets(
    frame: pd.DataFrame,
    keep: np.ndarray,
    fields: Fields,
    loc: Located,
    placed: Placed,
    *,
    agency: str,
    default_use: str | None,
    sensitive: bool,
    shown: str,
) -> gpd.GeoDataFrame:
    """The canonical assets of the ``keep`` rows (a mask), with their ``site_id``."""
    idx = frame.index[keep]
    text = fields.text
    use, tenure, status = _categories(fields, agency, default_use, frame.index)
    postcode_out, postcode_key_codes = _standard_postcodes(text.get(POSTCODE), frame.index)
    data = _asset_columns(
        idx, keep, fields, loc, placed, use=use, tenure=tenure, status=status,
        postcode=postcode_out, agency=agency, sensitive=sensitive, shown=shown,
    )
    data[EXTRA] = _extra(frame, fields.mapping, idx)
    xs = take(loc.x, idx).to_numpy(dtype=float)
    ys = take(loc.y, idx).to_numpy(dtype=float)
    geometry = gpd.points_from_xy(xs, ys, crs=CRS)
    # copy=False: the frame is new, so the GeoDataFrame need not copy every column.
    assets = gpd.GeoDataFrame(
        pd.DataFrame(data, index=idx, copy=False), geometry=geometry, crs=CRS, copy=False
    )
    hints = SiteHints(
        xs=xs,
        ys=ys,
        postcode_key_codes=None if postcode_key_codes is None else postcode_key_codes[keep],
    )
    assets[SITE_ID] = assign_site_ids(assets, hints=hints)
    if "_agency_site" in assets.columns:
        assets = assets.drop(columns=["_agency_site"])
    return coerce_assets(assets)


def _categories(
    fields: Fields, agency: str, default_use: str | None, index: pd.Index
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Use, tenure and status categories per row; a use such as "Buildings Declared
    Surplus" makes an unknown status ``surplus``."""
    text = fields.text
    use_raw = text.get(USE)
    use_factors = None if use_raw is None else factorize(use_raw)
    use = categorise_use(
        use_raw,
        names=text.get(NAME),
        agency=agency,
        default=default_use,
        index=index,
        factorized=use_factors,
    )
    tenure = categorise(text.get(TENURE), TENURE_RULES, default="other", index=index,
                        factorized=fields.factors.get(TENURE))
    status = categorise(text.get(STATUS), STATUS_RULES, default="unknown", index=index,
                        factorized=fields.factors.get(STATUS))
    if use_factors is not None:  # "Buildings Declared Surplus" in a use column
        use_codes, use_values = use_factors
        surplus_value = np.array(
            [bool(SURPLUS_USE.search(str(v))) for v in use_values], dtype=bool
        )
        if surplus_value.any():
            surplus = spread_codes(use_codes, surplus_value, missing=False)
            declared = surplus & (status == "unknown").to_numpy(dtype=bool)
            if declared.any():
                status = status.mask(declared, "surplus")
    return use, tenure, status


def _standard_postcodes(
    postcode: pd.Series | None, index: pd.Index
) -> tuple[pd.Series | None, np.ndarray | None]:
    """The postcodes in the standard form, and per row the code of its look-up key
    (for site matching; -1: none), working on the distinct postcodes once."""
    if postcode is None:
        return None, None
    pc_codes, pc_values = factorize(postcode)
    if not len(pc_values):
        return format_postcodes(postcode), None
    formatted = format_postcodes(pd.Series(pc_values)).astype("str")
    if bool((formatted.to_numpy(dtype=object) == pc_values).all()):
        postcode_out = postcode  # written in the standard form already
    else:
        postcode_out = pd.Series(formatted.array.take(pc_codes, allow_fill=True), index=index)
    key_of_value = factorize_codes(postcode_keys(formatted).astype("str"))
    if bool((key_of_value == np.arange(len(key_of_value))).all()):
        return postcode_out, pc_codes  # one spelling per postcode
    return postcode_out, spread_codes(pc_codes, key_of_value)


def _asset_columns(
    idx: pd.Index,
    keep: np.ndarray,
    fields: Fields,
    loc: Located,
    placed: Placed,
    *,
    use: pd.Series,
    tenure: pd.Series,
    status: pd.Series,
    postcode: pd.Series | None,
    agency: str,
    sensitive: bool,
    shown: str,
) -> dict[str, Any]:
    """The canonical columns of the kept rows (labelled ``idx``), as a table reads
    best: one field a line."""
    text, numbers = fields.text, fields.numbers
    data: dict[str, Any] = {
        ASSET_ID: take(fields.asset_ids, idx),
        AGENCY: constant_text(agency, idx),
        NAME: maybe(text.get(NAME), idx),
        ADDRESS: maybe(text.get(ADDRESS), idx),
        POSTCODE: maybe(postcode, idx),
        UPRN: maybe(text.get(UPRN), idx),
        USE: take(use, idx),
        USE_RAW: maybe(text.get(USE), idx),
        TENURE: take(tenure, idx),
        TENURE_RAW: maybe(text.get(TENURE), idx),
        GIA_M2: maybe(numbers.get(GIA_M2), idx, "float64"),
        STAFF_FTE: maybe(numbers.get(STAFF_FTE), idx, "float64"),
        ANNUAL_COST_GBP: maybe(numbers.get(ANNUAL_COST_GBP), idx, "float64"),
        STATUS: take(status, idx),
        STATUS_RAW: maybe(text.get(STATUS), idx),
        LEASE_END: maybe(fields.dates.get(LEASE_END), idx, "datetime64[ns]"),
        FM_PROVIDER: maybe(text.get(FM_PROVIDER), idx),
        FM_CONTRACT_END: maybe(fields.dates.get(FM_CONTRACT_END), idx, "datetime64[ns]"),
        LOCATION_METHOD: loc.method_of(keep, idx),
        LOCATION_PRECISION_M: take(loc.precision, idx),
        DISTRICT_CODE: placed.column(DISTRICT_CODE, keep, idx),
        "district_name": placed.column("district_name", keep, idx),
        "district_method": placed.column("district_method", keep, idx),
        SENSITIVE: pd.Series(bool(sensitive), index=idx),
        SOURCE_FILE: constant_text(shown, idx),
        SOURCE_ROW: take(fields.rows, idx).astype("Int64"),
    }
    agency_site = text.get(SITE_ID)
    if agency_site is not None:
        data["_agency_site"] = take(agency_site, idx)
    return data


def _extra(frame: pd.DataFrame, mapping: Mapping[str, str | list[str]], idx: pd.Index) -> pd.Series:
    """The kept rows' columns that feed no field, as one JSON object per row."""
    used = used_columns(mapping)
    unmapped = [c for c in frame.columns if c not in used]
    if not unmapped:
        return constant_text("{}", idx)
    if len(idx):
        return extra_json(frame[unmapped].take(idx.to_numpy()))
    return pd.Series([], index=idx, dtype="string")
