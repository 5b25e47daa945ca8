"""What changed between two rounds: assets and co-locations, per agency and district.

:func:`compare` takes two builds' outputs (:class:`kentassets.io.builds.BuildData`)
and returns a :class:`ChangeReport`:

**Assets** are paired across the rounds by :func:`kentassets.rounds.matching.match_assets`
(the agency's own id, the reference, the UPRN, then the same place with a
similar name; ``matched_by`` says which). A paired asset is

* ``moved`` when its point moved more than ``moved_m`` metres (50 by default;
  a postcode centroid replaced by an exact point moves about that much);
* ``changed`` when one of :data:`COMPARED_FIELDS` differs (use, tenure,
  status, floor area, staff, cost, lease end; numbers to the penny or the
  tenth of a square metre). A field that one round's register does not
  hold at all for an agency (every value blank: the column was dropped or
  renamed beyond recognition) is not compared for that agency, and
  :attr:`ChangeReport.not_compared` says so, rather than report every asset
  as changed;
* ``unchanged`` otherwise.

An asset of the previous round with no partner is ``removed``; one of the new
round ``added``.

**Co-locations** are paired by their members
(:func:`kentassets.rounds.link_colocations`): a pair through which an id passes
is ``unchanged`` or ``changed`` (members, agencies or estimated saving); a
previous co-location whose members went into another's is ``merged``, else
``retired``; a new one is a ``split`` part of a previous one, or ``appeared``.

Every function here is pure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import schema
from ..errors import ValidationError
from ..io.builds import BuildData
from ..opportunities.estimates import GIVEN, source_column
from .ids import MIN_JACCARD, link_colocations
from .matching import PLACE_M, match_assets

__all__ = ["CHANGE_COLUMNS", "COMPARED_FIELDS", "ChangeReport", "compare"]

#: Asset fields compared between rounds.
COMPARED_FIELDS: Final = (
    schema.USE, schema.TENURE, schema.STATUS, schema.GIA_M2, schema.STAFF_FTE,
    schema.ANNUAL_COST_GBP, schema.LEASE_END,
)
_RAW: Final = {schema.USE: schema.USE_RAW, schema.TENURE: schema.TENURE_RAW}
_TOLERANCE: Final = {schema.GIA_M2: 0.1, schema.STAFF_FTE: 0.01, schema.ANNUAL_COST_GBP: 0.01}
#: Default distance, metres, beyond which a paired asset counts as moved.
MOVED_M: Final = 50.0
#: Columns of :attr:`ChangeReport.table` (``changes.csv``).
CHANGE_COLUMNS: Final = (
    "level", "change", "district_code", "district_name", "agency", "old_id", "new_id", "name",
    "matched_by", "distance_m", "detail",
)
ASSET_CHANGES: Final = ("added", "removed", "moved", "changed", "unchanged")
COLOCATION_CHANGES: Final = ("appeared", "retired", "merged", "split", "changed", "unchanged")


@dataclass
class ChangeReport:
    """What changed between two builds.

    Parameters
    ----------
    table
        One row per asset and per co-location (:data:`CHANGE_COLUMNS`):
        ``level`` (``asset`` or ``colocation``), ``change``, the district and
        agency, the old and new ids, a name, ``matched_by`` (the rule that
        paired an asset; the Jaccard overlap for a co-location), ``distance_m``
        and ``detail`` (what changed, in words).
    districts
        Counts per district, one row each: assets added, removed, moved,
        changed, unchanged; co-locations appeared, retired, merged, split,
        changed. Small enough for a workshop slide.
    not_compared
        Fields not compared, per agency: ``agency``, ``field``, ``why``.
    old_label, new_label
        Names of the two builds (their data dates, else their folders).
    params
        The thresholds used.
    """

    table: pd.DataFrame
    districts: pd.DataFrame
    not_compared: pd.DataFrame
    old_label: str = "previous"
    new_label: str = "new"
    params: dict[str, Any] = field(default_factory=dict)

    def counts(self, level: str = "asset") -> dict[str, int]:
        """Rows per change, for ``level`` ``"asset"`` or ``"colocation"``."""
        names = ASSET_CHANGES if level == "asset" else COLOCATION_CHANGES
        got = self.table.loc[self.table["level"] == level, "change"].value_counts()
        return {name: int(got.get(name, 0)) for name in names}

    def summary(self) -> tuple[str, str]:
        """Two sentences: what happened to the assets, and to the co-locations."""
        a, c = self.counts("asset"), self.counts("colocation")
        persisted = a["moved"] + a["changed"] + a["unchanged"]
        return (
            f"{persisted:,} found in both rounds ({a['unchanged']:,} unchanged, "
            f"{a['moved']:,} moved, {a['changed']:,} changed), {a['added']:,} added, "
            f"{a['removed']:,} removed.",
            f"{c['unchanged']:,} unchanged, {c['changed']:,} changed, {c['appeared']:,} "
            f"appeared, {c['retired']:,} retired, {c['merged']:,} merged, {c['split']:,} split.",
        )

    def __repr__(self) -> str:
        assets, colocations = self.summary()
        return (f"<ChangeReport {self.old_label} -> {self.new_label}: assets {assets} "
                f"Co-locations {colocations}>")


def _value(series: pd.Series, col: str) -> pd.Series:
    if col == schema.LEASE_END:
        dates = pd.to_datetime(series, errors="coerce")
        return dates.dt.strftime("%Y-%m-%d").astype("string")
    if col in _TOLERANCE:
        return pd.to_numeric(series, errors="coerce").astype("float64")
    return series.astype("string")


def _given_value(frame: pd.DataFrame, col: str) -> pd.Series:
    """A field's comparable values, blank where the figure was estimated (its
    ``*_source`` column says ``footprint`` or ``benchmark``): a change of benchmark
    or of use is not a change of the asset."""
    values = _value(frame[col], col)
    source = source_column(col)
    if source in frame.columns:
        values = values.where(frame[source].astype("string").fillna(GIVEN).eq(GIVEN).to_numpy())
    return values


def _shown(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "blank"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def _vocabulary(frame: pd.DataFrame, col: str) -> set[str]:
    if col not in frame.columns:
        return set()
    return set(frame[col].dropna().astype(str).str.strip().str.casefold()) - {""}


def _skipped(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Fields not compared per agency: blank for every asset in one round but not
    the other, or classified from a different list of values (the register's own
    words for use or tenure share less than half of the shorter list)."""
    rows = []
    agencies = sorted(set(old[schema.AGENCY].dropna()) & set(new[schema.AGENCY].dropna()))
    for agency in agencies:
        o = old[old[schema.AGENCY] == agency]
        n = new[new[schema.AGENCY] == agency]
        for col in COMPARED_FIELDS:
            o_has = col in o.columns and _given_value(o, col).notna().any()
            n_has = col in n.columns and _given_value(n, col).notna().any()
            if o_has != n_has:
                side = "previous" if not o_has else "new"
                rows.append({"agency": agency, "field": col,
                             "why": f"the {side} register has no {col} for this agency"})
        for col, raw in _RAW.items():
            a, b = _vocabulary(o, raw), _vocabulary(n, raw)
            if a and b and len(a & b) < 0.5 * min(len(a), len(b)):
                rows.append({"agency": agency, "field": col, "why": (
                    f"the registers classify {col} with different lists ({len(a)} values such "
                    f"as '{sorted(a)[0]}' before, {len(b)} such as '{sorted(b)[0]}' now), so "
                    "a different class is not a change of the asset")})
    return pd.DataFrame(rows, columns=["agency", "field", "why"])


def _field_changes(
    old: pd.DataFrame, new: pd.DataFrame, pairs: pd.DataFrame, skipped: pd.DataFrame
) -> list[str]:
    """Per pair, the changed fields in words ('' when none)."""
    o = old.loc[pairs["old"].to_numpy()].reset_index(drop=True)
    n = new.loc[pairs["new"].to_numpy()].reset_index(drop=True)
    skip = set(zip(skipped["agency"], skipped["field"], strict=True))
    agency = n[schema.AGENCY].astype(str).tolist()
    parts: list[list[str]] = [[] for _ in range(len(pairs))]
    for col in COMPARED_FIELDS:
        if col not in o.columns or col not in n.columns:
            continue
        a, b = _given_value(o, col), _given_value(n, col)
        if col in _TOLERANCE:
            both = a.notna() & b.notna()
            differs = (both & ((a - b).abs() > _TOLERANCE[col])) | (a.isna() != b.isna())
        else:
            differs = (a.fillna("\0") != b.fillna("\0"))
        for i in np.flatnonzero(differs.to_numpy(dtype=bool)):
            if (agency[i], col) not in skip:
                parts[i].append(f"{col}: {_shown(a.iloc[i])} \u2192 {_shown(b.iloc[i])}")
    return ["; ".join(p) for p in parts]


def _asset_rows(
    old: gpd.GeoDataFrame, new: gpd.GeoDataFrame, pairs: pd.DataFrame, skipped: pd.DataFrame,
    moved_m: float,
) -> pd.DataFrame:
    changed = _field_changes(old, new, pairs, skipped)
    o = old.loc[pairs["old"].to_numpy()].reset_index(drop=True)
    n = new.loc[pairs["new"].to_numpy()].reset_index(drop=True)
    dist = pairs["distance_m"].to_numpy(dtype=float)
    moved = np.nan_to_num(dist, nan=0.0) > moved_m
    kind = np.where(moved, "moved", np.where([bool(c) for c in changed], "changed", "unchanged"))
    doubt = _doubtful(o, n, pairs, moved)
    detail = [
        "; ".join(x for x in ((f"moved {d:,.0f} m" if m else ""), c, w) if x)
        for d, m, c, w in zip(dist, moved, changed, doubt, strict=True)
    ]
    matched = pd.DataFrame({
        "level": "asset", "change": kind,
        "district_code": n[schema.DISTRICT_CODE].astype("string"),
        "district_name": n[schema.DISTRICT_NAME].astype("string"),
        "agency": n[schema.AGENCY].astype("string"),
        "old_id": o[schema.ASSET_ID].astype("string"),
        "new_id": n[schema.ASSET_ID].astype("string"),
        "name": n[schema.NAME].astype("string").fillna(o[schema.NAME].astype("string")),
        "matched_by": pairs["rule"].astype("string").to_numpy(),
        "distance_m": dist, "detail": detail,
    })
    gone = old.drop(index=pairs["old"].to_numpy())
    came = new.drop(index=pairs["new"].to_numpy())
    return pd.concat([matched, _lonely(gone, "removed", "old_id"),
                      _lonely(came, "added", "new_id")], ignore_index=True)


def _doubtful(
    o: pd.DataFrame, n: pd.DataFrame, pairs: pd.DataFrame, moved: np.ndarray
) -> list[str]:
    """A warning for pairs matched by id that moved and whose UPRN differs."""
    def uprn(frame: pd.DataFrame) -> pd.Series:
        col = frame.get(schema.UPRN, pd.Series(pd.NA, index=frame.index))
        return col.astype("string").str.lstrip("0").reset_index(drop=True)

    a, b = uprn(o), uprn(n)
    by_id = pairs["rule"].isin(["asset_id", "asset_reference"]).to_numpy(dtype=bool)
    differs = (a.notna() & b.notna() & (a != b)).fillna(False).to_numpy(dtype=bool)
    return ["check: same id but another UPRN and place (was the id reused?)"
            if x else "" for x in by_id & differs & moved]


def _lonely(assets: pd.DataFrame, change: str, id_col: str) -> pd.DataFrame:
    return pd.DataFrame({
        "level": "asset", "change": change,
        "district_code": assets[schema.DISTRICT_CODE].astype("string").to_numpy(),
        "district_name": assets[schema.DISTRICT_NAME].astype("string").to_numpy(),
        "agency": assets[schema.AGENCY].astype("string").to_numpy(),
        id_col: assets[schema.ASSET_ID].astype("string").to_numpy(),
        "name": assets[schema.NAME].astype("string").fillna(
            assets[schema.ADDRESS].astype("string") if schema.ADDRESS in assets else pd.NA
        ).to_numpy(),
    })


def _coloc_info(table: pd.DataFrame) -> dict[str, dict[str, Any]]:
    cols = [schema.COLOCATION_ID, schema.DISTRICT_CODE, schema.DISTRICT_NAME, "agencies",
            "largest_name", "saving_gbp"]
    frame = table.reindex(columns=cols)
    return {str(r[schema.COLOCATION_ID]): r for r in frame.to_dict("records")}


def _saving_text(old: Any, new: Any) -> str:
    a = None if old is None or pd.isna(old) else float(old)
    b = None if new is None or pd.isna(new) else float(new)
    if a == b or (a is not None and b is not None and abs(a - b) < 1.0):
        return ""
    return f"estimated saving £{_shown(a)} \u2192 £{_shown(b)} a year"


def _coloc_detail(link: dict[str, Any], o: dict[str, Any], n: dict[str, Any]) -> str:
    parts = []
    if link["old_id"] != link["new_id"]:
        parts.append(f"numbered {link['new_id']} in the new build")
    joined = int(link["n_new"] - link["n_shared"])
    left = int(link["n_old"] - link["n_shared"])
    if joined or left:
        parts.append(f"members: {joined} joined, {left} left")
    a_old = set(str(o.get("agencies") or "").split(";")) - {""}
    a_new = set(str(n.get("agencies") or "").split(";")) - {""}
    if a_old != a_new:
        gained, lost = sorted(a_new - a_old), sorted(a_old - a_new)
        parts.append("agencies" + (f" + {', '.join(gained)}" if gained else "")
                     + (f" - {', '.join(lost)}" if lost else ""))
    saving = _saving_text(o.get("saving_gbp"), n.get("saving_gbp"))
    if saving:
        parts.append(saving)
    return "; ".join(parts)


def _coloc_row(change: str, info: dict[str, Any], old_id: Any, new_id: Any, matched: str,
               detail: str) -> dict[str, Any]:
    return {"level": "colocation", "change": change,
            "district_code": info.get(schema.DISTRICT_CODE),
            "district_name": info.get(schema.DISTRICT_NAME),
            "agency": str(info.get("agencies") or "").replace(";", "; ") or pd.NA,
            "old_id": old_id, "new_id": new_id, "name": info.get("largest_name"),
            "matched_by": matched, "detail": detail}


def _unpaired(cid: str, info: dict[str, Any], links: pd.DataFrame, *, old: bool
              ) -> dict[str, Any]:
    """A co-location that passed on or took no id: merged or retired (previous round),
    split or appeared (new round)."""
    key, other, flag = ("old_id", "new_id", "merge") if old else ("new_id", "old_id", "split")
    hit = links[(links[key] == cid) & links[flag].astype(bool)] if len(links) else links
    if len(hit):
        partner = str(hit[other].iloc[0])
        if old:
            return _coloc_row("merged", info, cid, partner, "members", f"merged into {partner}")
        return _coloc_row("split", info, partner, cid, "members", f"split from {partner}")
    if old:
        return _coloc_row("retired", info, cid, pd.NA, "",
                          "no longer a co-location (members gone, apart or single-agency)")
    return _coloc_row("appeared", info, pd.NA, cid, "", "new co-location")


def _colocation_rows(old: BuildData, new: BuildData, links: pd.DataFrame) -> pd.DataFrame:
    o_info, n_info = _coloc_info(old.colocations), _coloc_info(new.colocations)
    rows = []
    kept = links[links["inherits"].astype(bool)] if len(links) else links
    for link in kept.to_dict("records"):
        o, n = o_info.get(link["old_id"], {}), n_info.get(link["new_id"], {})
        detail = _coloc_detail(link, o, n)
        changed = detail and detail != f"numbered {link['new_id']} in the new build"
        rows.append(_coloc_row("changed" if changed else "unchanged", n, link["old_id"],
                               link["new_id"], f"members, Jaccard {link['jaccard']:.2f}",
                               detail))
    used_old = set(kept.get("old_id", []))
    used_new = set(kept.get("new_id", []))
    rows += [_unpaired(oid, o_info[oid], links, old=True) for oid in sorted(set(o_info) - used_old)]
    rows += [_unpaired(nid, n_info[nid], links, old=False)
             for nid in sorted(set(n_info) - used_new)]
    return pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))


def _district_table(table: pd.DataFrame) -> pd.DataFrame:
    frame = table.assign(
        district=table["district_name"].fillna(table["district_code"]).fillna("(none)"),
        key=table["level"].map({"asset": "assets ", "colocation": "co-locations "})
        + table["change"],
    )
    counts = frame.groupby(["district", "key"]).size().unstack(fill_value=0)
    wanted = [f"assets {c}" for c in ASSET_CHANGES] + [
        f"co-locations {c}" for c in COLOCATION_CHANGES if c != "unchanged"]
    counts = counts.reindex(columns=wanted, fill_value=0).sort_index()
    counts.loc["Total"] = counts.sum()
    counts.index.name = "district"
    return counts.reset_index()


def compare(
    old: BuildData,
    new: BuildData,
    *,
    moved_m: float = MOVED_M,
    place_m: float = PLACE_M,
    min_jaccard: float = MIN_JACCARD,
) -> ChangeReport:
    """Compare two builds: assets and co-locations added, removed, moved, changed.

    Parameters
    ----------
    old, new
        The previous and the new build (:func:`kentassets.io.builds.read_build`).
    moved_m
        A paired asset whose point moved more than this many metres is ``moved``.
    place_m
        Distance for the same-place matching rule
        (:func:`~kentassets.rounds.matching.match_assets`).
    min_jaccard
        Co-location overlap for an id to pass on
        (:func:`~kentassets.rounds.link_colocations`).

    Returns
    -------
    ChangeReport
        The table of changes, the per-district counts and the fields not compared.

    Raises
    ------
    ValidationError
        When ``moved_m`` is not between 0 and 10,000 metres.
    """
    if not 0.0 <= float(moved_m) <= 10_000.0:
        raise ValidationError(f"moved_m must be between 0 and 10000 metres, got {moved_m}.")
    pairs = match_assets(old.assets, new.assets, place_m=place_m)
    skipped = _skipped(old.assets, new.assets)
    assets = _asset_rows(old.assets, new.assets, pairs, skipped, moved_m)
    links = link_colocations(old.assets, new.assets, pairs, min_jaccard=min_jaccard)
    colocs = _colocation_rows(old, new, links)
    table = pd.concat([colocs, assets.reindex(columns=list(CHANGE_COLUMNS))], ignore_index=True)
    order = {c: i for i, c in enumerate((*COLOCATION_CHANGES, *ASSET_CHANGES))}
    table = table.assign(_l=table["level"].map({"colocation": 0, "asset": 1}),
                         _c=table["change"].map(order),
                         _i=table["new_id"].fillna(table["old_id"]).astype(str))
    table = table.sort_values(["_l", "_c", "district_code", "agency", "_i"], kind="stable",
                              na_position="last").drop(columns=["_l", "_c", "_i"])
    table["distance_m"] = table["distance_m"].astype("float64").round(1)
    return ChangeReport(
        table=table.reset_index(drop=True),
        districts=_district_table(table),
        not_compared=skipped,
        old_label=old.label if old.label != new.label else f"{old.folder.name} ({old.label})",
        new_label=new.label if old.label != new.label else f"{new.folder.name} ({new.label})",
        params={"moved_m": float(moved_m), "place_m": float(place_m),
                "min_jaccard": float(min_jaccard)},
    )
