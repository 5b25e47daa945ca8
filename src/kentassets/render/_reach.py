"""Service reach for the renderers: the reach stage's tables cut per district, the
demand points gathered into a hexagon grid, distance bands, and the text of what a
co-location does to reach.

Shared by the web and print renderers; pure (frames in, records and text out). The
tables are those of the reach stage (issue 23): ``service_reach`` (per district and
service, with county rows), ``reach_options`` (covered share for k kept sites) and
``reach_demand`` (the demand points with a distance to the nearest site of each
service). When the stage did not run they are ``None`` and every renderer shows
nothing about reach.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from .. import schema
from ..reach import columns as rc
from ._format import finite_number

__all__ = [
    "COUNTY_CODE",
    "DEMAND_ESTIMATE_NOTE",
    "DistrictReach",
    "HexCells",
    "ReachEffect",
    "band_index",
    "band_labels",
    "distance_column",
    "distance_text",
    "district_reach",
    "headline_threshold",
    "hex_cells",
    "hex_corners",
    "reach_effect",
    "reach_effect_lines",
    "reach_estimate",
    "reach_method",
    "reach_positions",
    "sensitive_services",
    "service_label",
    "share_text",
    "thresholds_of",
    "withheld_note",
    "within_column",
]

# Columns of the reach stage's tables (kentassets.reach, issue 23).
SERVICE: Final = rc.SERVICE
SITES: Final = rc.SITES
DEMAND: Final = rc.DEMAND
MEAN_DISTANCE_M: Final = rc.MEAN_DISTANCE_M
P90_DISTANCE_M: Final = rc.P90_DISTANCE_M
THRESHOLD_M: Final = rc.THRESHOLD_M
K: Final = rc.K
COVERED_SHARE: Final = rc.COVERED_SHARE
KEPT_SITES: Final = rc.KEPT_SITES
CURRENT_SHARE: Final = rc.CURRENT_SHARE
#: The district code of the county rows of a per-district table.
COUNTY_CODE: Final = rc.COUNTY
#: How distance was measured (``straight`` or ``network``).
DISTANCE_METHOD: Final = rc.DISTANCE_METHOD
#: How each method is said on the outputs.
METHOD_WORDS: Final = {rc.STRAIGHT: "straight-line", rc.NETWORK: "along the road network"}
#: Whether the demand is an estimate (the default: Census population shared by postcode).
DEMAND_ESTIMATE: Final = rc.DEMAND_ESTIMATE
#: reach_options: the solver's status (optimal, or stopped at its time limit).
SOLVE_STATUS: Final = rc.SOLVE_STATUS
SOLVED_OPTIMAL: Final = rc.OPTIMAL
#: reach_options: today's number of the district's own sites of the service.
CURRENT_SITES: Final = rc.CURRENT_SITES
#: reach_options: whether these k sites keep today's coverage.
KEEPS_CURRENT: Final = rc.KEEPS_CURRENT
# The opportunities' reach columns.
PEOPLE_FARTHER: Final = rc.REACH_PEOPLE_FARTHER
MEAN_EXTRA_M: Final = rc.REACH_MEAN_EXTRA_M
REACH_NOTE: Final = rc.REACH_NOTE
#: The threshold whose share is the headline (the issue's "within 2 km").
HEADLINE_M: Final = 2000
#: What "estimate" means beside the default demand.
DEMAND_ESTIMATE_NOTE: Final = (
    "People are estimated: every postcode of a district shares its Census 2021 "
    "population equally."
)

_WITHIN = re.compile(r"^within_(\d+)m_share$")
_LOSING = re.compile(r"^reach_people_losing_(\d+)m$")


def service_label(service: Any) -> str:
    """A service as people read it: ``customer_service`` -> ``customer service``."""
    return str(service).replace("_", " ")


within_column = rc.within_column
distance_column = rc.distance_column


def thresholds_of(frame: pd.DataFrame) -> tuple[int, ...]:
    """The thresholds of a reach table, from its ``within_<t>m_share`` columns, ascending.

    Examples
    --------
    >>> thresholds_of(pd.DataFrame(columns=["service", "within_5000m_share",
    ...                                     "within_1000m_share"]))
    (1000, 5000)
    """
    found = (_WITHIN.match(str(c)) for c in frame.columns)
    return tuple(sorted(int(m.group(1)) for m in found if m))


def headline_threshold(thresholds_m: Sequence[int]) -> int | None:
    """2 km when the table has it, else the middle threshold (None when there is none)."""
    if not thresholds_m:
        return None
    return HEADLINE_M if HEADLINE_M in thresholds_m else thresholds_m[len(thresholds_m) // 2]


def distance_text(metres: Any) -> str:
    """A distance as people say it: ``850 m``, ``1.4 km``, ``12 km``; ``""`` when missing.

    Examples
    --------
    >>> distance_text(849.6), distance_text(1440), distance_text(12_345), distance_text(None)
    ('850 m', '1.4 km', '12 km', '')
    """
    value = finite_number(metres)
    if value is None:
        return ""
    if abs(value) < 999.5:
        return f"{value:,.0f} m"
    km = value / 1000
    return f"{km:,.1f} km".replace(".0 km", " km") if abs(km) < 9.95 else f"{km:,.0f} km"


def share_text(share: Any) -> str:
    """A share as a whole percentage; ``""`` when missing.

    Examples
    --------
    >>> share_text(0.8449), share_text(1.0), share_text(float("nan"))
    ('84%', '100%', '')
    """
    value = finite_number(share)
    return "" if value is None else f"{value:.0%}"


def band_labels(thresholds_m: Sequence[int]) -> list[str]:
    """One label per distance band: within the first threshold, between, and beyond.

    Examples
    --------
    >>> band_labels((1000, 2000, 5000))
    ['within 1 km', '1 km – 2 km', '2 km – 5 km', 'farther than 5 km']
    """
    texts = [distance_text(t) for t in thresholds_m]
    if not texts:
        return ["any distance"]
    labels = [f"within {texts[0]}"]
    labels += [f"{lo} \u2013 {hi}" for lo, hi in itertools.pairwise(texts)]
    labels.append(f"farther than {texts[-1]}")
    return labels


def band_index(distance_m: np.ndarray, thresholds_m: Sequence[int]) -> np.ndarray:
    """The band of each distance (0: within the first threshold); -1 where missing."""
    d = np.asarray(distance_m, dtype=float)
    bands = np.searchsorted(np.asarray(thresholds_m, dtype=float), d, side="left")
    return np.where(np.isfinite(d), bands, -1).astype(np.int64)


def _first_value(frame: pd.DataFrame, columns: Sequence[str]) -> Any:
    for col in columns:
        if col in frame.columns and len(frame):
            values = frame[col].dropna()
            if len(values):
                return values.iloc[0]
    return None


@dataclass(frozen=True)
class DistrictReach:
    """What the renderers show about one district's service reach.

    Parameters
    ----------
    code
        The district's ONS code.
    table
        Its rows of ``service_reach`` (one per service, in the stage's order).
    county
        The county rows of ``service_reach`` (district code ``"county"``).
    options
        Its rows of ``reach_options`` (empty when none).
    demand
        Its demand points: ``x``, ``y`` (metres, EPSG:27700), ``demand`` and a
        ``distance_<service>_m`` column per service, missing where a point does
        not stand for that service's demand (empty when not given).
    thresholds_m
        The distance thresholds of the table, ascending.
    method
        How distance was measured, as the stage says it (e.g. ``"straight-line"``).
    estimate
        Whether the demand is the default estimate (postcodes sharing the Census
        population) rather than a council's own counts.
    options_run
        Whether the options were computed (``reach_options`` is ``None`` when the
        optional solver is not installed).
    withheld
        Services whose distances are not mapped because some of their sites are
        sensitive: a map of distances to the nearest site would show where a site
        is far more precisely than its published 1 km square. Their figures are
        still given in the tables (shares and distances over whole districts).
    """

    @property
    def mapped_services(self) -> list[str]:
        """The services whose distances may be mapped, in the table's order."""
        return [s for s in self.services if s not in self.withheld]

    code: str
    table: pd.DataFrame
    county: pd.DataFrame
    options: pd.DataFrame
    demand: pd.DataFrame
    thresholds_m: tuple[int, ...]
    method: str
    estimate: bool
    options_run: bool = True  # False: the options were not computed (no solver)
    withheld: frozenset[str] = frozenset()  # services not mapped: some sites are sensitive

    @property
    def services(self) -> list[str]:
        """The services of the district's table, in its order."""
        return [str(s) for s in self.table[SERVICE].astype("string").fillna("")]

    @property
    def headline_m(self) -> int | None:
        """The threshold whose share is shown first (2 km by default)."""
        return headline_threshold(self.thresholds_m)


def reach_method(service_reach: pd.DataFrame) -> str:
    """How distance was measured, in words (``straight-line`` when the table does not say).

    Examples
    --------
    >>> reach_method(pd.DataFrame({"distance_method": ["network"]}))
    'along the road network'
    """
    value = _first_value(service_reach, (DISTANCE_METHOD,))
    text = "" if value is None else str(value).strip()
    return METHOD_WORDS.get(text, text.replace("_", " ")) or "straight-line"


def reach_estimate(service_reach: pd.DataFrame) -> bool:
    """Whether the table's demand is marked as an estimate (any row)."""
    if DEMAND_ESTIMATE not in service_reach.columns:
        return False
    return bool(service_reach[DEMAND_ESTIMATE].fillna(False).astype(bool).any())


def reach_positions(reach_demand: pd.DataFrame | None) -> dict[str, np.ndarray]:
    """Row positions of the demand points of each district, from one grouping."""
    if reach_demand is None or not len(reach_demand):
        return {}
    text = reach_demand[schema.DISTRICT_CODE].astype("string").fillna("").to_numpy(dtype=object)
    groups = pd.Series(np.arange(len(text))).groupby(text).indices
    return {str(k): np.asarray(v) for k, v in groups.items() if k != ""}


def _demand_frame(reach_demand: pd.DataFrame | None, rows: np.ndarray | None,
                  services: Sequence[str]) -> pd.DataFrame:
    """The district's demand points as plain columns (x, y, demand, distances)."""
    if reach_demand is None or rows is None or not len(rows):
        return pd.DataFrame({"x": [], "y": [], DEMAND: []}, dtype=float)
    sub = reach_demand.iloc[rows]
    geometry = sub.geometry
    out = {"x": geometry.x.to_numpy(dtype=float), "y": geometry.y.to_numpy(dtype=float),
           DEMAND: pd.to_numeric(sub[DEMAND], errors="coerce").to_numpy(dtype=float)}
    for service in services:
        col = distance_column(service)
        if col in sub.columns:
            out[col] = pd.to_numeric(sub[col], errors="coerce").to_numpy(dtype=float)
    return pd.DataFrame(out)


def withheld_note(services: Sequence[str]) -> str:
    """Why some services have no map (their names as people read them).

    Examples
    --------
    >>> withheld_note(["police"])
    'Not mapped: police (some of its sites are sensitive and published only generalised).'
    """
    many = len(services) > 1
    return (f"Not mapped: {', '.join(services)} (some of {'their' if many else 'its'} sites "
            "are sensitive and published only generalised).")


def sensitive_services(assets: pd.DataFrame) -> frozenset[str]:
    """The uses of the sensitive assets: services whose distances are not mapped."""
    if schema.SENSITIVE not in assets.columns or schema.USE not in assets.columns:
        return frozenset()
    flagged = assets[schema.SENSITIVE].fillna(False).astype(bool).to_numpy()
    return frozenset(str(u) for u in assets.loc[flagged, schema.USE].dropna().unique())


def district_reach(
    service_reach: pd.DataFrame | None,
    reach_options: pd.DataFrame | None,
    reach_demand: pd.DataFrame | None,
    *,
    code: str,
    demand_rows: np.ndarray | None = None,
    withheld: Collection[str] = (),
) -> DistrictReach | None:
    """Cut the reach tables to one district; ``None`` when reach did not run.

    Parameters
    ----------
    service_reach, reach_options, reach_demand
        The reach stage's tables (``Analysis.service_reach`` and so on), or None.
    code
        The district's ONS code.
    demand_rows
        Positions of the district's rows of ``reach_demand``
        (:func:`reach_positions`, made once for every district); default: found here.
    withheld
        Services not to map (:func:`sensitive_services` of the whole estate).
    """
    if service_reach is None:
        return None
    codes = service_reach[schema.DISTRICT_CODE].astype("string")
    table = service_reach[codes.eq(str(code)).fillna(False).to_numpy()].reset_index(drop=True)
    county = service_reach[codes.eq(COUNTY_CODE).fillna(False).to_numpy()].reset_index(
        drop=True)
    if reach_options is not None and len(reach_options):
        own = reach_options[schema.DISTRICT_CODE].astype("string").eq(str(code)).fillna(False)
        options = reach_options[own.to_numpy()].reset_index(drop=True)
    else:
        options = pd.DataFrame(columns=[schema.DISTRICT_CODE, SERVICE, THRESHOLD_M, K,
                                        COVERED_SHARE, KEPT_SITES, CURRENT_SHARE])
    if demand_rows is None and reach_demand is not None:
        demand_rows = reach_positions(reach_demand).get(str(code))
    services = [str(s) for s in table[SERVICE].astype("string").fillna("")]
    return DistrictReach(
        code=str(code), table=table, county=county, options=options,
        demand=_demand_frame(reach_demand, demand_rows, services),
        thresholds_m=thresholds_of(service_reach), method=reach_method(service_reach),
        estimate=reach_estimate(service_reach), options_run=reach_options is not None,
        withheld=frozenset(str(w) for w in withheld))


# --------------------------------------------------------------------------- #
# the hexagon grid
# --------------------------------------------------------------------------- #

_SQRT3 = math.sqrt(3.0)


@dataclass(frozen=True)
class HexCells:
    """Demand points gathered into pointy-top hexagons ``cell_m`` across the flats.

    Every array holds one value per occupied cell, in (row, column) order of the
    grid, which is anchored at the origin of the British National Grid (cells of
    neighbouring districts line up).
    """

    x: np.ndarray  # centres, metres
    y: np.ndarray
    cell_m: float
    people: np.ndarray  # people in the cell, as the first service counts them
    demand: dict[str, np.ndarray]  # per service, people in the cell
    mean_m: dict[str, np.ndarray]  # per service, demand-weighted mean distance (nan: none)
    within: dict[str, np.ndarray]  # per service, share of the demand within ``headline_m``
    headline_m: int

    def __len__(self) -> int:
        return len(self.x)

    @property
    def radius_m(self) -> float:
        """Centre to corner."""
        return self.cell_m / _SQRT3


def _axial(x: np.ndarray, y: np.ndarray, radius_m: float) -> tuple[np.ndarray, np.ndarray]:
    """The hexagon (axial q, r) holding each point (cube rounding)."""
    qf = (_SQRT3 / 3 * x - y / 3) / radius_m
    rf = (2 / 3 * y) / radius_m
    sf = -qf - rf
    q, r, s = np.round(qf), np.round(rf), np.round(sf)
    dq, dr, ds = np.abs(q - qf), np.abs(r - rf), np.abs(s - sf)
    fix_q = (dq > dr) & (dq > ds)
    fix_r = ~fix_q & (dr > ds)
    q = np.where(fix_q, -r - s, q)
    r = np.where(fix_r, -q - s, r)
    return q.astype(np.int64), r.astype(np.int64)


def _weighted_mean(cell: np.ndarray, n: int, weights: np.ndarray, values: np.ndarray) -> np.ndarray:
    ok = np.isfinite(values) & np.isfinite(weights)
    w = np.where(ok, weights, 0.0)
    total = np.bincount(cell, weights=w, minlength=n)
    summed = np.bincount(cell, weights=w * np.where(ok, values, 0.0), minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, summed / np.where(total > 0, total, 1.0), np.nan)


def hex_cells(reach: DistrictReach, *, cell_m: float = 500.0) -> HexCells:
    """Gather a district's demand points into hexagons, with each service's distances.

    Parameters
    ----------
    reach
        The district's reach (:func:`district_reach`).
    cell_m
        Width of a hexagon across its flats (the distance between the centres
        of neighbouring cells), metres.

    Returns
    -------
    HexCells
        The occupied cells: people, the demand-weighted mean distance to the
        nearest site of each service and the share within the headline
        threshold. Cells with no people are left out.
    """
    demand = reach.demand
    headline = reach.headline_m or HEADLINE_M
    weights = demand[DEMAND].to_numpy(dtype=float) if len(demand) else np.empty(0)
    keep = np.isfinite(weights) & (weights > 0)
    x = demand["x"].to_numpy(dtype=float)[keep] if len(demand) else np.empty(0)
    y = demand["y"].to_numpy(dtype=float)[keep] if len(demand) else np.empty(0)
    radius = cell_m / _SQRT3
    q, r = _axial(x, y, radius)
    keys = np.stack([r, q], axis=1) if len(q) else np.empty((0, 2), dtype=np.int64)
    cells, cell = np.unique(keys, axis=0, return_inverse=True)
    cell = np.asarray(cell).reshape(-1)
    n = len(cells)
    cr, cq = (cells[:, 0], cells[:, 1]) if n else (np.empty(0), np.empty(0))
    out_demand: dict[str, np.ndarray] = {}
    mean_m: dict[str, np.ndarray] = {}
    within: dict[str, np.ndarray] = {}
    for service in reach.mapped_services:
        dist = (demand[distance_column(service)].to_numpy(dtype=float)[keep]
                if distance_column(service) in demand.columns else np.full(len(x), np.nan))
        # A point stands for a service's demand where it has a distance to it.
        w = np.where(np.isfinite(dist), weights[keep], 0.0)
        out_demand[service] = np.bincount(cell, weights=w, minlength=n)
        mean_m[service] = _weighted_mean(cell, n, w, dist)
        inside = np.where(np.isfinite(dist), (dist <= headline).astype(float), np.nan)
        within[service] = _weighted_mean(cell, n, w, inside)
    return HexCells(x=radius * (_SQRT3 * cq + _SQRT3 / 2 * cr), y=radius * 1.5 * cr,
                    cell_m=float(cell_m),
                    people=next(iter(out_demand.values()), np.zeros(n)),
                    demand=out_demand, mean_m=mean_m, within=within,
                    headline_m=headline)


def hex_corners(radius_m: float) -> np.ndarray:
    """The six corners of a pointy-top hexagon round (0, 0), metres, anticlockwise."""
    angles = np.radians(np.arange(6) * 60.0 - 30.0)
    return np.column_stack([radius_m * np.cos(angles), radius_m * np.sin(angles)])


# --------------------------------------------------------------------------- #
# what a co-location does to reach
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class ReachEffect:
    """The reach effect of what the shortlist proposes for one co-location."""

    farther: float | None  # people whose nearest site of a service gets farther
    losing: dict[int, float]  # threshold -> people left with no site within it
    mean_extra_m: float | None  # mean extra distance of those people
    note: str  # the stage's own sentence, as given (untrusted)

    @property
    def strands(self) -> bool:
        """Whether anyone is left without a site within a threshold."""
        return any(v > 0 for v in self.losing.values())


def reach_effect(row: Mapping[str, Any]) -> ReachEffect | None:
    """The reach figures of one opportunities row; ``None`` when it carries none."""
    losing = {}
    for key in row:
        match = _LOSING.match(str(key))
        value = finite_number(row.get(key)) if match else None
        if match and value is not None:
            losing[int(match.group(1))] = value
    farther = finite_number(row.get(PEOPLE_FARTHER))
    extra = finite_number(row.get(MEAN_EXTRA_M))
    note_value = row.get(REACH_NOTE)
    note = "" if note_value is None or pd.isna(note_value) else str(note_value).strip()
    if farther is None and extra is None and not losing and not note:
        return None
    return ReachEffect(farther=farther, losing=dict(sorted(losing.items())),
                       mean_extra_m=extra, note=note)


def _people(value: float) -> str:
    n = round(value)
    return f"{n:,} {'person' if n == 1 else 'people'}"


def reach_effect_lines(effect: ReachEffect) -> list[str]:
    """The effect in plain sentences: the stage's ``reach_note`` when it gives one
    (untrusted text kept as given: escape to show it), else made from the figures.

    Examples
    --------
    >>> reach_effect_lines(ReachEffect(1240.0, {2000: 310.0, 5000: 0.0}, 420.0, ""))
    ['Strands people: 310 people no longer have a site within 2 km.', \
'1,240 people farther from their nearest site (on average 420 m farther).']
    >>> reach_effect_lines(ReachEffect(0.0, {2000: 0.0}, None, ""))
    ["No one's nearest site gets farther."]
    """
    if effect.note:  # the stage's own sentence says it all
        return [effect.note]
    lines: list[str] = []
    stranded = [(t, v) for t, v in effect.losing.items() if v > 0]
    if stranded:
        parts = [f"{_people(v)} no longer have a site within {distance_text(t)}"
                 for t, v in stranded[:1]]
        parts += [f"{round(v):,} within {distance_text(t)}" for t, v in stranded[1:]]
        lines.append("Strands people: " + "; ".join(parts) + ".")
    if effect.farther is not None and effect.farther > 0:
        extra = distance_text(effect.mean_extra_m)
        lines.append(f"{_people(effect.farther)} farther from their nearest site"
                     + (f" (on average {extra} farther)." if extra else "."))
    elif effect.farther is not None and not stranded:
        lines.append("No one's nearest site gets farther.")
    return lines
