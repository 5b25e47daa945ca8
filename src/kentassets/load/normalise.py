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
    FM_CONTRACT_END,
    FM_PROVIDER,
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
from .assets import Fields, build_assets
from .bulk import bulk_work
from .checks import check_categories, check_columns
from .columns import (
    CLOSED,
    ColumnDoubt,
    ColumnReading,
    Profile,
    as_list,
    column_label,
    is_ods_layout,
    ods_names,
    read_columns,
)
from .ledger import (
    REASON_CLOSED,
    REASON_DUPLICATE_ID,
    WARN_COLUMN_NOT_USED,
    WARN_DATE,
    WARN_NUMBER,
    Context,
)
from .locate import locate
from .mapping import RegisterColumns, doubt_message, mapping_table
from .place import place_in_districts
from .result import LoadResult
from .values import clean_text, join_columns, parse_dates, parse_numbers
from .vectors import (
    factorize_codes,
    fixed_width_ints,
)

logger = logging.getLogger(__name__)


@bulk_work()
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
    allocates from the system allocator (see :func:`bulk_work`).
    """
    # Never a local absolute path; a database register is always given its source name.
    shown = source_name or public_source_name(raw.path or raw.format)
    raw, reading = _recognise(raw, columns, shown)
    mapping, profile = reading.mapping, reading.profile
    frame = raw.frame
    n = len(frame)
    rows = pd.Series(raw.rows, index=frame.index)
    ctx = Context(shown, raw.sheet, rows, n)

    check_columns(frame, reading, ctx)
    text = _read_text(frame, mapping)
    asset_ids = _asset_ids(text.get(ASSET_ID), rows, Path(shown).stem, ctx)
    numbers, dates = _read_numbers(frame, reading, ctx)
    _exclude_closed(text, mapping, profile, ctx)
    factors = check_categories(text, mapping, ctx)  # words of the records not closed
    loc = locate(raw, frame, mapping, crs, ctx, text.get(POSTCODE), postcodes)
    if ASSET_ID in text:  # generated ids cannot repeat
        _reject_repeated_ids(asset_ids, text[ASSET_ID], str(mapping[ASSET_ID]), ctx)
    placed = place_in_districts(
        loc, ctx, districts=districts, study_area=study_area, postcodes=postcodes
    )

    loaded = ctx.open()
    ctx.load_open()
    assets = build_assets(
        frame,
        loaded.to_numpy(),
        Fields(mapping, text, numbers, dates, asset_ids, rows, factors),
        loc,
        placed,
        agency=agency,
        default_use=profile.default_use if profile else None,
        sensitive=sensitive,
        shown=shown,
    )
    ledger = ctx.ledger(agency, asset_ids)
    column_map = {shown: {k: column_label(v) for k, v in mapping.items()}}
    schemas = {shown: profile.name} if profile is not None else {}
    table = mapping_table(
        RegisterColumns(shown, raw.sheet, agency, list(frame.columns), reading,
                        ctx.register_notes)
    )
    if logger.isEnabledFor(logging.INFO):
        counts = ledger[LEDGER_STATUS].value_counts().to_dict()
        logger.info("%s (%s): %d rows: %s", shown, agency, n, counts)
    return LoadResult(assets, ledger, column_map, None, schemas, table)


def _recognise(
    raw: RawTable, columns: Mapping[str, str | Sequence[str]] | None, shown: str
) -> tuple[RawTable, ColumnReading]:
    """Name the columns of a headerless NHS ODS file, then decide which column
    feeds which field (:func:`read_columns`)."""
    frame = raw.frame
    if raw.headerless and not columns and is_ods_layout(frame):
        frame = frame.copy()
        frame.columns = pd.Index(ods_names(frame.shape[1]))
        raw = RawTable(**{**raw.__dict__, "frame": frame, "headerless": False})
    reading = read_columns(list(frame.columns), columns, shown=shown, sheet=raw.sheet)
    return raw, reading


def _read_text(frame: pd.DataFrame, mapping: Mapping[str, str | list[str]]) -> dict[str, pd.Series]:
    """The text fields, cleaned (blank read as missing); the address columns joined."""
    text: dict[str, pd.Series] = {}
    for fld in (ASSET_ID, NAME, POSTCODE, UPRN, USE, TENURE, STATUS, FM_PROVIDER, SITE_ID,
                CLOSED):
        col = mapping.get(fld)
        if isinstance(col, str):
            text[fld] = clean_text(frame[col])
    address_cols = mapping.get(ADDRESS)
    if address_cols:
        text[ADDRESS] = join_columns(frame, as_list(address_cols))
    return text


def _asset_ids(ids: pd.Series | None, rows: pd.Series, stem: str, ctx: Context) -> pd.Series:
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
    frame: pd.DataFrame, reading: ColumnReading, ctx: Context
) -> tuple[dict[str, pd.Series], dict[str, pd.Series]]:
    """The numeric fields (units the header gives converted: square feet to m²,
    £k to pounds) and the dates; unreadable values are warned about and read as
    missing. A column found by its header's meaning whose values are none of
    them numbers is not used (kept in extra, with a register warning)."""
    mapping = reading.mapping
    numbers: dict[str, pd.Series] = {}
    for fld in (GIA_M2, STAFF_FTE, ANNUAL_COST_GBP):
        col = mapping.get(fld)
        if not isinstance(col, str):
            continue
        scale, _ = reading.conversion(fld)
        # a header in square feet says the unit once: values are not converted twice
        values, bad = parse_numbers(frame[col], area=fld == GIA_M2 and scale == 1.0)
        if reading.how.get(fld) == "meaning" and bool(bad.any()) and not values.notna().any():
            del mapping[fld]
            ctx.warn_register(WARN_COLUMN_NOT_USED, col, doubt_message(ColumnDoubt(
                col, fld, "none of its values is a number")))
            continue
        numbers[fld] = values * scale if scale != 1.0 else values
        ctx.warn_values(WARN_NUMBER, bad, frame[col], col, "read as missing")
    dates: dict[str, pd.Series] = {}
    for fld in (LEASE_END, FM_CONTRACT_END):
        col = mapping.get(fld)
        if isinstance(col, str):
            dates[fld], bad = parse_dates(frame[col])
            ctx.warn_values(WARN_DATE, bad, frame[col], col, "not a date, read as missing")
    return numbers, dates


def _exclude_closed(
    text: Mapping[str, pd.Series],
    mapping: Mapping[str, str | list[str]],
    profile: Profile | None,
    ctx: Context,
) -> None:
    """Exclude records the source marks closed (a close date or flag, or the NHS
    ODS status code ``C``)."""
    if CLOSED in text:
        closed_col = str(mapping[CLOSED])
        closed = text[CLOSED].notna() & ~text[CLOSED].str.fullmatch(r"(?i)no|n|false|0")
        closed = closed.fillna(False).astype(bool)
        ctx.set_status(
            closed,
            EXCLUDED,
            REASON_CLOSED,
            lambda m: "The source marks this record closed ("
            + closed_col
            + " '"
            + text[CLOSED][m].fillna("")
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
    asset_ids: pd.Series, ids: pd.Series, id_col: str, ctx: Context
) -> None:
    """Reject a row whose asset id repeats an earlier open or excluded row's."""
    rows, shown = ctx.rows, ctx.shown
    eligible = (ctx.open() | ctx.has(EXCLUDED)) & ids.notna()
    keyed = asset_ids if eligible.all() else asset_ids.where(eligible)
    as_ints = fixed_width_ints(keyed.array)
    if as_ints is not None and bool((np.diff(np.sort(as_ints)) != 0).all()):
        return  # every id distinct: one sort says so
    id_codes = factorize_codes(keyed)
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
