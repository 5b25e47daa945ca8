""":func:`normalise_register`: a raw table to canonical assets and a ledger, step
by step (recognise columns, read values, exclude closed records, locate, reject
repeated ids, place in districts, build the assets).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from ..io.postcodes import (
    PostcodeDirectory,
    format_postcodes,
    postcode_keys,
)
from ..io.registers import RawTable
from ..schema import (
    ADDRESS,
    AGENCY,
    ANNUAL_COST_GBP,
    ASSET_ID,
    CRS,
    DEFAULT_STUDY_AREA,
    DISTRICT_CODE,
    EXCLUDED,
    EXTRA,
    GIA_M2,
    LEASE_END,
    LEDGER_STATUS,
    LOCATION_METHOD,
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
)
from .bulk import _bulk_work
from .categories import _STATUS_RULES, _SURPLUS_USE, _TENURE_RULES, categorise, categorise_use
from .columns import (
    _CLOSED,
    _as_list,
    _column_label,
    _is_ods_layout,
    _is_sqft_name,
    _ods_names,
    _used_columns,
    resolve_columns,
)
from .ledger import (
    REASON_CLOSED,
    REASON_DUPLICATE_ID,
    REASON_OUTSIDE_STUDY_AREA,
    WARN_DATE,
    WARN_NUMBER,
    _Context,
)
from .locate import _locate
from .place import _assign_districts, _Placed
from .result import LoadResult
from .sites import _assign_sites, _SiteHints
from .values import _SQFT_TO_M2, _clean_text, _extra_json, _join_columns, parse_dates, parse_numbers
from .vectors import (
    _constant_text,
    _factorize,
    _factorize_codes,
    _fixed_width_ints,
    _maybe,
    _spread_codes,
    _take,
)

logger = logging.getLogger(__name__)


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
            from .. import districts as _districts

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
