"""Matching assets across two rounds of the registers, the way a person would.

Agencies send new lists every few months. Between two lists a register may
change shape (columns renamed, a type word added to the reference, rows
re-ordered), so a join on one column reports most of an estate as removed and
re-added. :func:`match_assets` pairs the assets of two rounds one to one,
within each agency, with these rules tried in order (each on the assets the
earlier rules left unmatched):

1. ``asset_id``: the agency's own asset id, the same after case and spaces are
   ignored. Ids the loader made up for registers without their own id
   (``<file name>#<row>``, flagged ``asset_id_generated`` in the load ledger)
   shift when a row is inserted, so they never decide a match (they fall
   through to the other rules).
2. ``asset_reference``: the same reference once the words of the id are
   dropped: ``09/00025/Land and Building`` and ``09/00025/BLDG`` share
   ``09/00025``. Only references that are unique on both sides count.
3. ``uprn``: the same UPRN (leading zeros ignored). Where several records of
   one round share a UPRN (parts of one building), the pair also needs similar
   names (rule 4's similarity); a UPRN held by one record on each side is
   enough on its own.
4. ``place_and_name``: the same place (the same postcode, or points within
   ``place_m`` metres) and a similar name: at least ``min_similarity`` of the
   words of the shorter of the two descriptions (name and address) appear in
   the other.

Within a rule, candidate pairs are taken best first (most similar, then
nearest), one to one. Every function here is pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import schema
from ..errors import ValidationError

__all__ = [
    "MATCH_COLUMNS",
    "MATCH_RULES",
    "generated_ids",
    "match_assets",
    "name_similarity",
]

#: The rules of :func:`match_assets`, in the order they are tried.
MATCH_RULES: Final = ("asset_id", "asset_reference", "uprn", "place_and_name")
#: Columns of the frame :func:`match_assets` returns.
MATCH_COLUMNS: Final = ("old", "new", "rule", "distance_m", "similarity")
#: Default largest distance, metres, between two points of "the same place".
PLACE_M: Final = 30.0
#: Default share of words two descriptions must have in common.
MIN_SIMILARITY: Final = 0.5

_WORD = re.compile(r"[a-z0-9]+")
_TOKEN = re.compile(r"[A-Za-z0-9]+")


def generated_ids(assets: pd.DataFrame) -> np.ndarray:
    """Which asset ids the loader made up from the file name and row number.

    Parameters
    ----------
    assets
        Canonical assets (``asset_id`` and ``source_file``).

    Returns
    -------
    numpy.ndarray
        Boolean, one per row: True where the id is ``<file stem>#<digits>``.

    Examples
    --------
    >>> frame = pd.DataFrame({"asset_id": ["police#12", "P-1"],
    ...                       "source_file": ["in/police.csv", "in/police.csv"]})
    >>> generated_ids(frame).tolist()
    [True, False]
    """
    if len(assets) == 0 or schema.ASSET_ID not in assets.columns:
        return np.zeros(len(assets), dtype=bool)
    ids = assets[schema.ASSET_ID].astype("string")
    source = assets.get(schema.SOURCE_FILE, pd.Series(pd.NA, index=assets.index))
    stem = source.astype("string").str.replace(r"^.*[\\/]", "", regex=True)
    stem = stem.str.replace(r"\.[^.]*$", "", regex=True)
    head = ids.str.extract(r"^(.*)#\d+$", expand=False)
    return (head.notna() & head.eq(stem)).fillna(False).to_numpy(dtype=bool)


def _words(text: object) -> frozenset[str]:
    if not isinstance(text, str):
        return frozenset()
    return frozenset(w for w in _WORD.findall(text.lower()) if len(w) > 1 or w.isdigit())


def name_similarity(a: Iterable[str], b: Iterable[str]) -> float:
    """Share of the words of the shorter word set found in the other (0 to 1).

    Examples
    --------
    >>> name_similarity({"car", "park"}, {"car", "park", "bath", "road"})
    1.0
    >>> name_similarity({"library"}, {"fire", "station"})
    0.0
    """
    a, b = set(a), set(b)
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _description(assets: pd.DataFrame) -> list[frozenset[str]]:
    name = assets.get(schema.NAME, pd.Series(pd.NA, index=assets.index)).astype("string")
    address = assets.get(schema.ADDRESS, pd.Series(pd.NA, index=assets.index)).astype("string")
    text = name.fillna("") + " " + address.fillna("")
    return [_words(t) for t in text.tolist()]


def _norm(series: pd.Series) -> pd.Series:
    return series.astype("string").str.strip().str.upper().str.replace(r"\s+", " ", regex=True)


def _reference(ids: pd.Series) -> pd.Series:
    """The digit-bearing tokens of each id, ``/``-joined (missing when none)."""
    def ref(value: object) -> object:
        if not isinstance(value, str):
            return pd.NA
        parts = [t for t in _TOKEN.findall(value.upper()) if any(c.isdigit() for c in t)]
        return "/".join(parts) if parts else pd.NA

    return ids.astype("object").map(ref).astype("string")


class _Side:
    """One round's assets, reduced to what the rules compare, by position."""

    def __init__(self, assets: gpd.GeoDataFrame) -> None:
        self.index = assets.index
        self.agency = _norm(assets[schema.AGENCY]).fillna("").to_numpy(dtype=object)
        own = _norm(assets[schema.ASSET_ID]).where(~generated_ids(assets))
        self.asset_id = own.to_numpy(dtype=object, na_value=None)
        self.reference = _reference(own).to_numpy(dtype=object, na_value=None)
        uprn = assets.get(schema.UPRN, pd.Series(pd.NA, index=assets.index)).astype("string")
        uprn = uprn.str.strip().str.lstrip("0").replace("", pd.NA)
        self.uprn = uprn.to_numpy(dtype=object, na_value=None)
        postcode = assets.get(schema.POSTCODE, pd.Series(pd.NA, index=assets.index))
        self.postcode = (
            _norm(postcode).str.replace(" ", "", regex=False).to_numpy(dtype=object, na_value=None)
        )
        geoms = assets.geometry
        ok = (~geoms.isna() & ~geoms.is_empty).to_numpy(dtype=bool)
        self.x = np.full(len(assets), np.nan)
        self.y = np.full(len(assets), np.nan)
        if ok.any():
            self.x[ok] = geoms[ok].x.to_numpy()
            self.y[ok] = geoms[ok].y.to_numpy()
        self.words = _description(assets)
        self.free = np.ones(len(assets), dtype=bool)


def _take(
    old: _Side, new: _Side, pairs: pd.DataFrame, rule: str, out: list[pd.DataFrame]
) -> None:
    """Accept ``pairs`` (positions ``o``, ``n``, sorted best first) one to one."""
    if pairs.empty:
        return
    taken_o: set[int] = set()
    taken_n: set[int] = set()
    keep = []
    for i, o, n in zip(range(len(pairs)), pairs["o"].to_numpy(), pairs["n"].to_numpy(),
                       strict=True):
        if o in taken_o or n in taken_n or not old.free[o] or not new.free[n]:
            continue
        taken_o.add(int(o))
        taken_n.add(int(n))
        keep.append(i)
    chosen = pairs.iloc[keep]
    old.free[chosen["o"].to_numpy(dtype=np.int64)] = False
    new.free[chosen["n"].to_numpy(dtype=np.int64)] = False
    out.append(chosen.assign(rule=rule))


def _key_pairs(old: _Side, new: _Side, attr: str, *, unique: bool) -> pd.DataFrame:
    """Free pairs with the same agency and the same value of ``attr``."""
    def frame(side: _Side) -> pd.DataFrame:
        values = getattr(side, attr)
        pos = np.flatnonzero(side.free & pd.notna(values))
        return pd.DataFrame({"agency": side.agency[pos], "key": values[pos], "pos": pos})

    a, b = frame(old), frame(new)
    if unique:
        a = a[~a.duplicated(["agency", "key"], keep=False)]
        b = b[~b.duplicated(["agency", "key"], keep=False)]
    pairs = a.merge(b, on=["agency", "key"], suffixes=("_o", "_n"))
    return pairs.rename(columns={"pos_o": "o", "pos_n": "n"})[["o", "n"]]


def _score(old: _Side, new: _Side, pairs: pd.DataFrame) -> pd.DataFrame:
    """Add distance and similarity to ``pairs`` and sort them best first."""
    o = pairs["o"].to_numpy(dtype=np.int64)
    n = pairs["n"].to_numpy(dtype=np.int64)
    out = pairs.copy()
    out["distance_m"] = np.hypot(old.x[o] - new.x[n], old.y[o] - new.y[n])
    out["similarity"] = [
        name_similarity(old.words[i], new.words[j]) for i, j in zip(o, n, strict=True)
    ]
    return out.sort_values(
        ["similarity", "distance_m", "o", "n"],
        ascending=[False, True, True, True],
        na_position="last",
        kind="stable",
    )


def _uprn_pairs(old: _Side, new: _Side, min_similarity: float) -> pd.DataFrame:
    pairs = _score(old, new, _key_pairs(old, new, "uprn", unique=False))
    if pairs.empty:
        return pairs
    n_old = pairs.groupby("o")["n"].transform("size")
    n_new = pairs.groupby("n")["o"].transform("size")
    alone = (n_old == 1) & (n_new == 1)
    return pairs[alone | (pairs["similarity"] >= min_similarity)]


def _place_pairs(old: _Side, new: _Side, place_m: float, min_similarity: float) -> pd.DataFrame:
    by_postcode = _key_pairs(old, new, "postcode", unique=False)
    o_free = np.flatnonzero(old.free & np.isfinite(old.x))
    n_free = np.flatnonzero(new.free & np.isfinite(new.x))
    near = pd.DataFrame({"o": pd.Series(dtype=np.int64), "n": pd.Series(dtype=np.int64)})
    if len(o_free) and len(n_free):
        from shapely import STRtree, points

        tree = STRtree(points(new.x[n_free], new.y[n_free]))
        src, dst = tree.query(
            points(old.x[o_free], old.y[o_free]), predicate="dwithin", distance=place_m
        )
        near = pd.DataFrame({"o": o_free[src], "n": n_free[dst]})
        near = near[old.agency[near["o"].to_numpy()] == new.agency[near["n"].to_numpy()]]
    pairs = pd.concat([by_postcode, near]).drop_duplicates()
    pairs = _score(old, new, pairs.astype(np.int64))
    return pairs[pairs["similarity"] >= min_similarity]


def match_assets(
    old: gpd.GeoDataFrame,
    new: gpd.GeoDataFrame,
    *,
    place_m: float = PLACE_M,
    min_similarity: float = MIN_SIMILARITY,
) -> pd.DataFrame:
    """Pair the assets of two rounds one to one, within each agency.

    The rules, in order, are in the module docstring (:data:`MATCH_RULES`).

    Parameters
    ----------
    old, new
        Canonical assets of the previous and the current round, EPSG:27700.
    place_m
        Largest distance in metres between two points of the same place.
    min_similarity
        Share (0 to 1) of the words of the shorter description (name and
        address) that must appear in the other for a place-and-name match.

    Returns
    -------
    pandas.DataFrame
        One row per matched pair (:data:`MATCH_COLUMNS`): ``old`` and ``new``
        (index labels in ``old`` and ``new``), ``rule``, ``distance_m``
        (between the points; NaN when one has no point) and ``similarity``.
        Sorted by ``old``'s position.

    Raises
    ------
    ValidationError
        When ``place_m`` is not between 0 and 1,000 or ``min_similarity`` not
        between 0 and 1.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> old = gpd.GeoDataFrame({"asset_id": ["A1", "x#2"], "agency": ["KCC", "KCC"],
    ...     "name": ["Hall", "Depot"], "source_file": ["x.csv", "x.csv"]},
    ...     geometry=[Point(0, 0), Point(500, 0)], crs="EPSG:27700")
    >>> new = gpd.GeoDataFrame({"asset_id": ["x#3", "a1"], "agency": ["KCC", "KCC"],
    ...     "name": ["Depot", "Hall"], "source_file": ["x.csv", "x.csv"]},
    ...     geometry=[Point(505, 0), Point(40, 0)], crs="EPSG:27700")
    >>> match_assets(old, new)[["old", "new", "rule"]].values.tolist()
    [[0, 1, 'asset_id'], [1, 0, 'place_and_name']]
    """
    if not 0.0 <= float(place_m) <= 1000.0:
        raise ValidationError(f"place_m must be between 0 and 1000 metres, got {place_m}.")
    if not 0.0 <= float(min_similarity) <= 1.0:
        raise ValidationError(f"min_similarity must be between 0 and 1, got {min_similarity}.")
    a, b = _Side(old), _Side(new)
    found: list[pd.DataFrame] = []
    _take(a, b, _score(a, b, _key_pairs(a, b, "asset_id", unique=True)), "asset_id", found)
    _take(a, b, _score(a, b, _key_pairs(a, b, "reference", unique=True)), "asset_reference",
          found)
    _take(a, b, _uprn_pairs(a, b, min_similarity), "uprn", found)
    _take(a, b, _place_pairs(a, b, place_m, min_similarity), "place_and_name", found)
    pairs = pd.concat(found) if found else pd.DataFrame(columns=["o", "n", "rule"])
    pairs = pairs.sort_values("o", kind="stable") if len(pairs) else pairs
    o = pairs["o"].to_numpy(dtype=np.int64)
    n = pairs["n"].to_numpy(dtype=np.int64)
    return pd.DataFrame(
        {
            "old": a.index[o],
            "new": b.index[n],
            "rule": pd.array(pairs["rule"].to_numpy(dtype=object), dtype="string"),
            "distance_m": np.round(np.hypot(a.x[o] - b.x[n], a.y[o] - b.y[n]), 1),
            "similarity": np.round(
                pairs.get("similarity", pd.Series(dtype=float)).to_numpy(dtype=float), 3
            ),
        }
    ).reset_index(drop=True)
