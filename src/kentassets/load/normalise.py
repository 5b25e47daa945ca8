""":func:`normalise_register`: a raw table to canonical assets and a ledger, step
by step (recognise columns, read values, exclude closed records, locate, reject
repeated ids, place in districts, build the assets).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from ..io.paths import public_source_name
from ..io.postcodes import (
    PostcodeDirectory,
)
from ..io.registers import RawTable
from ..schema import (
    ADDRESS,
    ANNUAL_COST_GBP,
    ASSET_ID,
    DEFAULT_STUDY_AREA,
    EXCLUDED,
    GIA_M2,
    LEASE_END,
    LEDGER_STATUS,
    NAME,
    POSTCODE,
    REJECTED,
    SITE_ID,
    STAFF_FTE,
    STATUS,
    TENURE,
    UPRN,
    USE,
)
from .assets import _build_assets, _Fields
from .bulk import _bulk_work
from .columns import (
    _CLOSED,
    _as_list,
    _column_label,
    _is_ods_layout,
    _is_sqft_name,
    _ods_names,
    _Profile,
    resolve_columns,
)
from .ledger import (
    REASON_CLOSED,
    REASON_DUPLICATE_ID,
    WARN_DATE,
    WARN_NUMBER,
    _Context,
)
from .locate import _locate
from .place import _place_in_districts
from .result import LoadResult
from .values import _SQFT_TO_M2, _clean_text, _join_columns, parse_dates, parse_numbers
from .vectors import (
    _factorize_codes,
    _fixed_width_ints,
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
    # Never a local absolute path; a database register is always given its source name.
    shown = source_name or public_source_name(raw.path or raw.format)
    raw, mapping, profile = _recognise(raw, columns, shown)
    frame = raw.frame
    n = len(frame)
    rows = pd.Series(raw.rows, index=frame.index)
    ctx = _Context(shown, raw.sheet, rows, n)

    text = _read_text(frame, mapping)
    asset_ids = _asset_ids(text.get(ASSET_ID), rows, Path(shown).stem, ctx)
    numbers, lease_end = _read_numbers(frame, mapping, ctx)
    _exclude_closed(text, mapping, profile, ctx)
    loc = _locate(raw, frame, mapping, crs, ctx, text.get(POSTCODE), postcodes)
    if ASSET_ID in text:  # generated ids cannot repeat
        _reject_repeated_ids(asset_ids, text[ASSET_ID], str(mapping[ASSET_ID]), ctx)
    placed = _place_in_districts(
        loc, ctx, districts=districts, study_area=study_area, postcodes=postcodes
    )

    loaded = ctx.open()
    ctx.load_open()
    assets = _build_assets(
        frame,
        loaded.to_numpy(),
        _Fields(mapping, text, numbers, lease_end, asset_ids, rows),
        loc,
        placed,
        agency=agency,
        default_use=profile.default_use if profile else None,
        sensitive=sensitive,
        shown=shown,
    )
    ledger = ctx.ledger(agency, asset_ids)
    column_map = {shown: {k: _column_label(v) for k, v in mapping.items()}}
    schemas = {shown: profile.name} if profile is not None else {}
    if logger.isEnabledFor(logging.INFO):
        counts = ledger[LEDGER_STATUS].value_counts().to_dict()
        logger.info("%s (%s): %d rows: %s", shown, agency, n, counts)
    return LoadResult(assets, ledger, column_map, None, schemas)


def _recognise(
    raw: RawTable, columns: Mapping[str, str | Sequence[str]] | None, shown: str
) -> tuple[RawTable, dict[str, str | list[str]], _Profile | None]:
    """Name the columns of a headerless NHS ODS file, then decide which column
    feeds which field (:func:`resolve_columns`)."""
    frame = raw.frame
    if raw.headerless and not columns and _is_ods_layout(frame):
        frame = frame.copy()
        frame.columns = pd.Index(_ods_names(frame.shape[1]))
        raw = RawTable(**{**raw.__dict__, "frame": frame, "headerless": False})
    mapping, profile = resolve_columns(
        list(frame.columns), columns, shown=shown, sheet=raw.sheet
    )
    return raw, mapping, profile


def _read_text(frame: pd.DataFrame, mapping: Mapping[str, str | list[str]]) -> dict[str, pd.Series]:
    """The text fields, cleaned (blank read as missing); the address columns joined."""
    text: dict[str, pd.Series] = {}
    for fld in (ASSET_ID, NAME, POSTCODE, UPRN, USE, TENURE, STATUS, SITE_ID, _CLOSED):
        col = mapping.get(fld)
        if isinstance(col, str):
            text[fld] = _clean_text(frame[col])
    address_cols = mapping.get(ADDRESS)
    if address_cols:
        text[ADDRESS] = _join_columns(frame, _as_list(address_cols))
    return text


def _asset_ids(ids: pd.Series | None, rows: pd.Series, stem: str, ctx: _Context) -> pd.Series:
    """The agency's asset ids, made up from the file name and row where missing
    (with a warning)."""
    index = rows.index
    if ids is None:
        asset_ids = pd.Series(stem + "#" + rows.astype(str), index=index, dtype="string")
        no_id = pd.Series(True, index=index)
    else:
        no_id = ids.isna()
        asset_ids = ids.copy()
        if no_id.any():  # generated ids only for the rows without one
            fallback_ids = pd.Series(
                stem + "#" + rows[no_id].astype(str), index=index[no_id], dtype="string"
            )
            asset_ids = ids.fillna(fallback_ids)
    # Say so: an id made up from the file and row is not the agency's own reference.
    ctx.warn(
        no_id,
        "asset_id_generated: no asset id in the file; the id is made from the file name "
        "and row. Map the agency's own reference column to asset_id in the manifest.",
    )
    return asset_ids


def _read_numbers(
    frame: pd.DataFrame, mapping: Mapping[str, str | list[str]], ctx: _Context
) -> tuple[dict[str, pd.Series], pd.Series | None]:
    """The numeric fields (areas in square feet converted) and the lease end date;
    unreadable values are warned about and read as missing."""
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
    return numbers, lease_end


def _exclude_closed(
    text: Mapping[str, pd.Series],
    mapping: Mapping[str, str | list[str]],
    profile: _Profile | None,
    ctx: _Context,
) -> None:
    """Exclude records the source marks closed (a close date or flag, or the NHS
    ODS status code ``C``)."""
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


def _reject_repeated_ids(
    asset_ids: pd.Series, ids: pd.Series, id_col: str, ctx: _Context
) -> None:
    """Reject a row whose asset id repeats an earlier open or excluded row's."""
    rows, shown = ctx.rows, ctx.shown
    eligible = (ctx.open() | ctx.has(EXCLUDED)) & ids.notna()
    keyed = asset_ids if eligible.all() else asset_ids.where(eligible)
    as_ints = _fixed_width_ints(keyed.array)
    if as_ints is not None and bool((np.diff(np.sort(as_ints)) != 0).all()):
        return  # every id distinct: one sort says so
    id_codes = _factorize_codes(keyed)
    has_id = id_codes >= 0
    # Codes are numbered in order of appearance: a row is the first with its
    # id exactly where its code exceeds every code before it.
    before = np.maximum.accumulate(np.concatenate([[-1], id_codes[:-1]]))
    seen = has_id & (id_codes > before)
    dup = pd.Series(has_id & ~seen, index=rows.index) & eligible
    if not dup.any():
        return
    first_row = rows.where(eligible).groupby(asset_ids.where(eligible)).transform("first")

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
