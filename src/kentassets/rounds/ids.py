"""Rounds of the programme: co-location ids that survive a data refresh.

Without a previous round, co-location ids are numbered as
:mod:`kentassets.colocation` numbers them (district prefix, north to south).
Given the previous round, :func:`carry_ids` gives each new co-location the id
of the previous co-location it matches, by members, not by position:

**Members.** A co-location's members are its assets. An asset of this round
counts as the same member as an asset of the previous round when
:func:`kentassets.rounds.matching.match_assets` pairs them (the agency's own id, the
reference, the UPRN, or the same place with a similar name), so re-geocoded,
renamed or re-coded assets still count. ``site_id`` is numbered afresh by every
load, so it is never compared across rounds; records of one site are matched
one by one through those rules.

**Overlap.** For every previous co-location ``O`` and new co-location ``C``
sharing members: ``n`` shared members, Jaccard ``J = n / |O ∪ C|``, and the
shares ``n/|O|`` (how much of ``O`` went into ``C``) and ``n/|C|``.

**Merges and splits.** ``C`` is a *merge* when at least two previous
co-locations each put at least half of their members into it; ``O`` *splits*
when at least two new co-locations each take at least half of their members
from it.

**Ids.** Pairs are taken largest overlap first (ties: higher Jaccard, then the
ids), one to one. A pair passes the id on when ``J >= min_jaccard`` (0.5 by
default: a co-location that grew by one asset, lost one or moved keeps its id),
or when it is the largest part of a merge or a split. So when two co-locations
become one, the new one keeps the id of the larger and the other is recorded
as ``merged_into`` it; when one splits, the larger part keeps the id and the
others record ``split_from``. An id keeps its number even if the co-location's
majority district changed.

**New numbers.** A co-location that inherits no id gets the next free number
of its district prefix: one more than the highest number that prefix has ever
had in the id register, so an id that disappeared is never given to a
different place later.

**The id register** (``colocation_ids.csv``, :data:`REGISTER_COLUMNS`): one row
per id ever given, ``colocation_id``, ``district_code``, ``first_round`` and
``last_round`` (round numbers, 1 for the first build, in which the id was
first and last seen), ``status`` (``active`` in the latest round, else
``retired``), ``merged_into`` (the id it was merged into, when retired by a
merge) and ``split_from`` (the id it split from, for a new part of a split).

Every function here is pure; :mod:`kentassets.io.builds` reads and writes the
register.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import schema
from ..colocation import ColocationResult
from ..errors import ValidationError
from ..io.builds import REGISTER_COLUMNS

if TYPE_CHECKING:
    from ..io.builds import BuildData

__all__ = [
    "ACTIVE",
    "LINK_COLUMNS",
    "REGISTER_COLUMNS",
    "RETIRED",
    "IdCarry",
    "carry_ids",
    "carry_round",
    "first_register",
    "id_sort_key",
    "link_colocations",
    "relabel",
]

ACTIVE: Final = "active"
RETIRED: Final = "retired"
#: Default smallest Jaccard overlap of members for an id to pass on.
MIN_JACCARD: Final = 0.5
#: Columns of :func:`link_colocations`.
LINK_COLUMNS: Final = (
    "old_id", "new_id", "n_shared", "n_old", "n_new", "jaccard", "share_of_old", "share_of_new",
    "merge", "split", "inherits",
)
_ID = re.compile(r"^(?P<prefix>.+?)-(?P<number>\d+)$")


def _split_id(value: str) -> tuple[str, int]:
    match = _ID.match(value)
    if match is None:
        return value, 0
    return match["prefix"], int(match["number"])


def id_sort_key(value: str) -> tuple[str, int, str]:
    """Sort key of a co-location id: prefix, then number (``MAI-9`` before ``MAI-10``)."""
    prefix, number = _split_id(value)
    return prefix, number, value


def first_register(ids: pd.Series, district_codes: pd.Series, *, round_number: int = 1
                   ) -> pd.DataFrame:
    """The id register of a first round: every id active, seen in ``round_number`` only.

    Parameters
    ----------
    ids, district_codes
        The co-locations' ids and majority district codes (aligned).
    round_number
        The round the ids were seen in.

    Examples
    --------
    >>> first_register(pd.Series(["MAI-01"]), pd.Series(["E07000110"]))["status"].tolist()
    ['active']
    """
    frame = pd.DataFrame(
        {
            schema.COLOCATION_ID: pd.array(list(ids), dtype="string"),
            schema.DISTRICT_CODE: pd.array(list(district_codes), dtype="string"),
            "first_round": round_number,
            "last_round": round_number,
            "status": ACTIVE,
            "merged_into": pd.array([pd.NA] * len(ids), dtype="string"),
            "split_from": pd.array([pd.NA] * len(ids), dtype="string"),
        }
    )
    return _sorted_register(frame)


def _sorted_register(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[list(REGISTER_COLUMNS)].copy()
    for col in ("first_round", "last_round"):
        out[col] = out[col].astype("int64")
    for col in (schema.COLOCATION_ID, schema.DISTRICT_CODE, "status", "merged_into",
                "split_from"):
        out[col] = out[col].astype("string")
    keys = out[schema.COLOCATION_ID].astype(str).map(id_sort_key)
    order = sorted(range(len(out)), key=lambda i: keys.iloc[i])
    return out.iloc[order].reset_index(drop=True)


def _members(assets: pd.DataFrame, key: pd.Series) -> pd.DataFrame:
    """``(colocation_id, member)`` pairs: each asset in a co-location, keyed by ``key``."""
    ids = assets[schema.COLOCATION_ID].astype("string")
    has = ids.notna().to_numpy(dtype=bool)
    return pd.DataFrame({"cid": ids[has].to_numpy(dtype=object),
                         "member": key[has].to_numpy(dtype=object)})


def link_colocations(
    old_assets: pd.DataFrame,
    new_assets: pd.DataFrame,
    matches: pd.DataFrame,
    *,
    min_jaccard: float = MIN_JACCARD,
) -> pd.DataFrame:
    """Every pair of a previous and a new co-location that share members.

    Parameters
    ----------
    old_assets, new_assets
        Assets of the previous and the new round with a ``colocation_id``
        column (missing outside co-locations).
    matches
        :func:`kentassets.rounds.matching.match_assets` of ``old_assets`` and ``new_assets``.
    min_jaccard
        Smallest Jaccard overlap for an id to pass on (outside merges and splits).

    Returns
    -------
    pandas.DataFrame
        :data:`LINK_COLUMNS`: the ids, the shared and total member counts, the
        Jaccard overlap and the shares, whether the new co-location is a merge
        (``merge``) or the previous one splits (``split``), and ``inherits``:
        True for the pairs through which the id passes (one to one). Sorted by
        the order in which pairs were considered.

    Raises
    ------
    ValidationError
        When ``min_jaccard`` is not in (0, 1].
    """
    if not 0.0 < float(min_jaccard) <= 1.0:
        raise ValidationError(f"min_jaccard must be above 0 and at most 1, got {min_jaccard}.")
    # New assets are keyed by the previous round's index label they match, if any.
    to_old = dict(zip(matches["new"].tolist(), matches["old"].tolist(), strict=True))
    new_key = pd.Series(
        [("old", to_old[i]) if i in to_old else ("new", i) for i in new_assets.index.tolist()],
        index=new_assets.index, dtype=object,
    )
    old_key = pd.Series([("old", i) for i in old_assets.index], index=old_assets.index,
                        dtype=object)
    om, nm = _members(old_assets, old_key), _members(new_assets, new_key)
    n_old = om.groupby("cid").size()
    n_new = nm.groupby("cid").size()
    pairs = om.merge(nm, on="member", suffixes=("_o", "_n"))
    pairs = pairs.groupby(["cid_o", "cid_n"]).size().rename("n_shared").reset_index()
    pairs.columns = ["old_id", "new_id", "n_shared"]
    if pairs.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in LINK_COLUMNS})
    pairs["n_old"] = n_old.reindex(pairs["old_id"]).to_numpy()
    pairs["n_new"] = n_new.reindex(pairs["new_id"]).to_numpy()
    pairs["jaccard"] = pairs["n_shared"] / (pairs["n_old"] + pairs["n_new"] - pairs["n_shared"])
    pairs["share_of_old"] = pairs["n_shared"] / pairs["n_old"]
    pairs["share_of_new"] = pairs["n_shared"] / pairs["n_new"]
    most_of_old = pairs["share_of_old"] >= 0.5
    most_of_new = pairs["share_of_new"] >= 0.5
    pairs["merge"] = most_of_old & (most_of_old.groupby(pairs["new_id"]).transform("sum") >= 2)
    pairs["split"] = most_of_new & (most_of_new.groupby(pairs["old_id"]).transform("sum") >= 2)
    pairs = pairs.sort_values(
        ["n_shared", "jaccard", "old_id", "new_id"], ascending=[False, False, True, True],
        kind="stable",
    ).reset_index(drop=True)
    eligible = (pairs["jaccard"] >= min_jaccard) | pairs["merge"] | pairs["split"]
    used_old: set[str] = set()
    used_new: set[str] = set()
    inherits = np.zeros(len(pairs), dtype=bool)
    for i, (o, n, ok) in enumerate(zip(pairs["old_id"], pairs["new_id"], eligible, strict=True)):
        if ok and o not in used_old and n not in used_new:
            inherits[i] = True
            used_old.add(o)
            used_new.add(n)
    pairs["inherits"] = inherits
    for col in ("jaccard", "share_of_old", "share_of_new"):
        pairs[col] = pairs[col].round(3)
    return pairs[list(LINK_COLUMNS)]


@dataclass
class IdCarry:
    """What :func:`carry_ids` decided.

    Parameters
    ----------
    mapping
        This round's id as first numbered -> the id it carries.
    register
        The updated id register (:data:`REGISTER_COLUMNS`).
    links
        :func:`link_colocations` (empty without a previous round).
    round_number
        This round's number (1 for a first round).
    """

    mapping: dict[str, str]
    register: pd.DataFrame
    links: pd.DataFrame = field(default_factory=pd.DataFrame)
    round_number: int = 1

    def share_kept(self) -> float:
        """Share of the previous round's active ids that are still active (0 to 1)."""
        reg = self.register
        before = reg[(reg["first_round"] < self.round_number)
                     & (reg["last_round"] >= self.round_number - 1)]
        if len(before) == 0:
            return 1.0
        return float((before["last_round"] == self.round_number).mean())


def _register_from_assets(assets: pd.DataFrame) -> pd.DataFrame:
    """The register of a previous round that wrote none: its ids, seen in round 1."""
    has = assets[schema.COLOCATION_ID].notna().to_numpy(dtype=bool)
    members = pd.DataFrame({
        "cid": assets.loc[has, schema.COLOCATION_ID].astype(str).to_numpy(),
        "code": assets.loc[has, schema.DISTRICT_CODE].astype("string").to_numpy(),
    })
    code = members.groupby("cid")["code"].agg(
        lambda s: s.value_counts().sort_index().idxmax() if s.notna().any() else pd.NA
    )
    ids = sorted(code.index, key=id_sort_key)
    return first_register(pd.Series(ids, dtype=object), code.reindex(ids).reset_index(drop=True))


def _previous_round(register: pd.DataFrame) -> int:
    return int(register["last_round"].max()) if len(register) else 0


def carry_ids(
    colocations: pd.DataFrame,
    new_assets: pd.DataFrame,
    *,
    previous_assets: pd.DataFrame | None = None,
    previous_register: pd.DataFrame | None = None,
    matches: pd.DataFrame | None = None,
    min_jaccard: float = MIN_JACCARD,
) -> IdCarry:
    """Decide this round's co-location ids and update the id register.

    Parameters
    ----------
    colocations
        This round's co-locations (``colocation_id`` as first numbered,
        ``district_code``), e.g. ``ColocationResult.colocations``.
    new_assets
        This round's assets with ``colocation_id`` (as first numbered).
    previous_assets
        The previous round's assets with their ``colocation_id``; ``None`` for a
        first round (ids are kept as numbered).
    previous_register
        The previous round's id register; ``None`` when it had none (its ids
        are then taken as first seen in round 1).
    matches
        :func:`kentassets.rounds.matching.match_assets` of ``previous_assets`` and
        ``new_assets``; computed when ``None``.
    min_jaccard
        See :func:`link_colocations`.

    Returns
    -------
    IdCarry
        The id mapping, the register and the links.

    Examples
    --------
    >>> import kentassets as ka
    >>> estate = ka.sample_estate()
    >>> colocs = ka.find_colocations(estate.assets)
    >>> assets = colocs.label_assets(estate.assets)
    >>> carry = carry_ids(colocs.colocations, assets, previous_assets=assets)
    >>> all(k == v for k, v in carry.mapping.items()), carry.round_number
    (True, 2)
    """
    ids = colocations[schema.COLOCATION_ID].astype(str)
    codes = colocations[schema.DISTRICT_CODE].astype("string")
    if previous_assets is None:
        return IdCarry({i: i for i in ids}, first_register(ids, codes))
    register = (
        previous_register.copy()
        if previous_register is not None and len(previous_register)
        else _register_from_assets(previous_assets)
    )
    if matches is None:
        from .matching import match_assets

        matches = match_assets(previous_assets, new_assets)
    links = link_colocations(previous_assets, new_assets, matches, min_jaccard=min_jaccard)
    round_number = _previous_round(register) + 1
    mapping = _number(ids, links, register)
    register = _update_register(register, mapping, dict(zip(ids, codes, strict=True)), links,
                                round_number)
    return IdCarry(mapping, register, links, round_number)


def _number(ids: pd.Series, links: pd.DataFrame, register: pd.DataFrame) -> dict[str, str]:
    """Inherited ids, then the next free number per prefix for the others."""
    inherited = links[links["inherits"].astype(bool)] if len(links) else links
    mapping = dict(zip(inherited.get("new_id", []), inherited.get("old_id", []), strict=True))
    highest: dict[str, int] = {}
    for value in register[schema.COLOCATION_ID].astype(str):
        prefix, number = _split_id(value)
        highest[prefix] = max(highest.get(prefix, 0), number)
    for fresh in sorted((i for i in ids if i not in mapping), key=id_sort_key):
        prefix, _ = _split_id(fresh)
        highest[prefix] = highest.get(prefix, 0) + 1
        mapping[fresh] = f"{prefix}-{highest[prefix]:02d}"
    return {i: mapping[i] for i in ids}


def _update_register(
    register: pd.DataFrame,
    mapping: dict[str, str],
    codes: dict[str, object],
    links: pd.DataFrame,
    round_number: int,
) -> pd.DataFrame:
    reg = register.set_index(register[schema.COLOCATION_ID].astype(str), drop=False)
    previous = round_number - 1
    was_active = set(reg.index[(reg["status"] == ACTIVE) & (reg["last_round"] == previous)])
    carried = {old: new for new, old in mapping.items()}  # final id -> fresh id
    rows = []
    for fresh, final in mapping.items():
        if final in reg.index:
            reg.loc[final, ["last_round", "status"]] = [round_number, ACTIVE]
            reg.loc[final, schema.DISTRICT_CODE] = codes[fresh]
            continue
        rows.append({schema.COLOCATION_ID: final, schema.DISTRICT_CODE: codes[fresh],
                     "first_round": round_number, "last_round": round_number,
                     "status": ACTIVE, "merged_into": pd.NA,
                     "split_from": _split_parent(fresh, links, mapping)})
    for old in sorted(was_active - set(carried)):
        reg.loc[old, "status"] = RETIRED
        reg.loc[old, "merged_into"] = _merge_target(old, links, mapping)
    out = pd.concat([reg.reset_index(drop=True), pd.DataFrame(rows)], ignore_index=True)
    return _sorted_register(out) if len(out) else first_register(pd.Series([]), pd.Series([]))


def _merge_target(old: str, links: pd.DataFrame, mapping: dict[str, str]) -> object:
    """The id of the co-location ``old`` was merged into (a ``merge`` link), or NA."""
    if len(links) == 0:
        return pd.NA
    mine = links[(links["old_id"] == old) & links["merge"].astype(bool)]
    return mapping.get(str(mine["new_id"].iloc[0]), pd.NA) if len(mine) else pd.NA


def _split_parent(fresh: str, links: pd.DataFrame, mapping: dict[str, str]) -> object:
    """The previous id ``fresh`` split from (a ``split`` link whose id another part
    kept), or NA."""
    if len(links) == 0:
        return pd.NA
    mine = links[(links["new_id"] == fresh) & links["split"].astype(bool)]
    kept = set(mapping.values())
    parents = [old for old in mine["old_id"] if old in kept]
    return parents[0] if parents else pd.NA


def carry_round(
    result: ColocationResult,
    assets: pd.DataFrame,
    previous: BuildData | None = None,
    *,
    min_jaccard: float = MIN_JACCARD,
) -> tuple[ColocationResult, IdCarry]:
    """Give this round's co-locations the ids of the previous round's: one call.

    :func:`carry_ids` then :func:`relabel`. Without ``previous`` the ids stay as
    numbered and the register starts at round 1.

    Parameters
    ----------
    result
        This round's :func:`kentassets.find_colocations` result.
    assets
        This round's assets (the index of ``result.labels``).
    previous
        The previous round's build (:func:`kentassets.io.builds.read_build`), or ``None``.
    min_jaccard
        See :func:`link_colocations`.

    Returns
    -------
    tuple
        The relabelled :class:`~kentassets.colocation.ColocationResult` and the
        :class:`IdCarry` (register, links, round number).
    """
    labelled = result.label_assets(assets)
    carry = carry_ids(
        result.colocations,
        labelled,
        previous_assets=None if previous is None else previous.assets,
        previous_register=None if previous is None else previous.register,
        min_jaccard=min_jaccard,
    )
    return relabel(result, carry.mapping), carry


def relabel(result: ColocationResult, mapping: dict[str, str]) -> ColocationResult:
    """Return ``result`` with its co-location ids replaced through ``mapping``.

    The cluster table is re-ordered so that, as before, co-locations come first
    in id order (prefix, then number) and cluster labels are its row numbers.

    Parameters
    ----------
    result
        From :func:`kentassets.find_colocations`.
    mapping
        Id as numbered -> id to carry (:attr:`IdCarry.mapping`); ids not in it
        are kept.

    Returns
    -------
    ColocationResult
        A new result (``result`` itself when no id changes); ``result`` is not
        changed.
    """
    if all(k == v for k, v in mapping.items()):
        return result  # a first round, or nothing renumbered: exactly as clustered
    clusters = result.clusters.copy()
    ids = clusters[schema.COLOCATION_ID].astype(str)
    is_col = clusters[schema.IS_COLOCATION].to_numpy(dtype=bool)
    new_ids = [mapping.get(i, i) if c else i for i, c in zip(ids, is_col, strict=True)]
    clusters[schema.COLOCATION_ID] = pd.array(new_ids, dtype="string")
    # Co-locations by id; single-agency clusters keep their order, after them.
    keys = [(0, *id_sort_key(i)) if c else (1, "", k, "")
            for k, (i, c) in enumerate(zip(new_ids, is_col, strict=True))]
    order = sorted(range(len(clusters)), key=lambda k: keys[k])
    old_labels = clusters[schema.CLUSTER_LABEL].to_numpy(dtype=np.int64)
    position = np.empty(len(clusters), dtype=np.int64)
    position[old_labels[order]] = np.arange(len(clusters))
    clusters = clusters.iloc[order].copy()
    clusters[schema.CLUSTER_LABEL] = np.arange(len(clusters), dtype=np.int64)
    clusters.index = pd.RangeIndex(len(clusters), name=schema.CLUSTER_LABEL)
    raw = result.labels.to_numpy(dtype=np.int64)
    labels = pd.Series(np.where(raw >= 0, position[np.maximum(raw, 0)], -1).astype(np.int64),
                       index=result.labels.index, name=schema.CLUSTER_LABEL)
    colocation_ids = result.colocation_ids.map(
        lambda v: mapping.get(v, v) if isinstance(v, str) else v
    ).astype("string")
    return ColocationResult(labels, colocation_ids, gpd.GeoDataFrame(clusters, crs=schema.CRS),
                            result.params)
