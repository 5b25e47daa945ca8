"""Where the sample assets stand: real Kent postcodes, town centres and multi-agency hubs.

Each asset is placed at (a few metres from) the centroid of a real Kent or
Medway postcode: in a hub (postcodes within about 150 m of a hub point near a
town centre), near a town centre, or anywhere in its agency's area.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd

from ..errors import ValidationError
from ..io.postcodes import PC_DISTRICT, PC_EASTING, PC_NORTHING, PostcodeDirectory
from ..schema import KENT_AND_MEDWAY
from .agencies import USE_PROFILES, AgencySpec

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Town:
    """A town centre: name, district, approximate centre (BNG metres) and weight.

    The weight sets the share of multi-agency hubs and near-town assets.
    """

    name: str
    district_code: str
    easting_m: float
    northing_m: float
    weight: float


#: Town centres of Kent and Medway (approximate BNG centre points).
TOWN_CENTRES: Final[tuple[Town, ...]] = (
    Town("Ashford", "E07000105", 601_000, 142_800, 3.0),
    Town("Tenterden", "E07000105", 588_400, 133_400, 1.0),
    Town("Canterbury", "E07000106", 615_000, 157_900, 3.0),
    Town("Herne Bay", "E07000106", 617_600, 168_200, 1.5),
    Town("Whitstable", "E07000106", 610_800, 166_500, 1.5),
    Town("Dartford", "E07000107", 554_200, 174_100, 3.0),
    Town("Swanscombe", "E07000107", 560_500, 174_200, 1.0),
    Town("Dover", "E07000108", 631_900, 141_500, 2.5),
    Town("Deal", "E07000108", 637_600, 152_700, 1.5),
    Town("Sandwich", "E07000108", 633_100, 158_200, 0.7),
    Town("Gravesend", "E07000109", 564_700, 174_200, 3.0),
    Town("Northfleet", "E07000109", 561_800, 173_800, 1.0),
    Town("Maidstone", "E07000110", 576_000, 155_700, 4.0),
    Town("Staplehurst", "E07000110", 578_600, 143_300, 0.5),
    Town("Sevenoaks", "E07000111", 553_000, 155_300, 2.0),
    Town("Swanley", "E07000111", 551_300, 168_600, 1.5),
    Town("Edenbridge", "E07000111", 544_600, 146_000, 0.8),
    Town("Folkestone", "E07000112", 622_800, 135_900, 3.0),
    Town("Hythe", "E07000112", 616_200, 134_700, 1.2),
    Town("New Romney", "E07000112", 606_400, 124_800, 0.6),
    Town("Sittingbourne", "E07000113", 590_600, 163_600, 3.0),
    Town("Sheerness", "E07000113", 591_800, 174_800, 1.5),
    Town("Faversham", "E07000113", 601_500, 161_300, 1.5),
    Town("Margate", "E07000114", 635_300, 170_700, 2.5),
    Town("Ramsgate", "E07000114", 638_200, 165_200, 2.0),
    Town("Broadstairs", "E07000114", 639_600, 168_000, 1.0),
    Town("Tonbridge", "E07000115", 559_100, 146_400, 2.5),
    Town("West Malling", "E07000115", 567_900, 157_800, 1.0),
    Town("Snodland", "E07000115", 570_600, 161_700, 1.0),
    Town("Royal Tunbridge Wells", "E07000116", 558_500, 139_500, 3.0),
    Town("Paddock Wood", "E07000116", 566_900, 145_000, 0.8),
    Town("Cranbrook", "E07000116", 577_500, 136_000, 0.6),
    Town("Chatham", "E06000035", 575_800, 167_700, 3.0),
    Town("Rochester", "E06000035", 574_200, 168_500, 2.0),
    Town("Gillingham", "E06000035", 577_600, 168_400, 2.5),
    Town("Strood", "E06000035", 573_200, 169_300, 1.5),
    Town("Rainham", "E06000035", 581_500, 165_600, 1.0),
)

STREETS: Final = (
    "High Street", "Station Road", "Church Street", "London Road", "Mill Lane", "Park Road",
    "Victoria Road", "King Street", "Queen Street", "Market Street", "Castle Street",
    "Bank Street", "North Street", "South Street", "West Street", "East Street", "New Road",
    "School Lane", "Chapel Street", "Bridge Street", "Albion Place", "Orchard Way",
    "The Broadway", "Union Street", "Tower Hill", "Priory Road", "Grove Road", "Manor Road",
    "Elm Grove", "Cherry Tree Avenue", "Hop Garden Way", "Oast Lane", "Marsh Road",
    "Harbour Street", "Canal Road", "Forge Lane", "Windmill Hill", "Green Lane",
    "Kingsway", "Abbey Road", "College Road", "Dover Road", "Ashford Road", "Hythe Road",
    "Maidstone Road", "Canterbury Road", "Watling Street", "Pilgrims Way", "Crown Street",
)
_HUB_KINDS: Final = ("Civic Quarter", "Health Campus", "Gateway", "Station Quarter",
                     "Town Centre", "Community Campus")

#: Manchester city centre (BNG metres and postcodes) for the out-of-county property.
_MANCHESTER_M: Final = (384_000.0, 398_000.0)
_MANCHESTER_POSTCODES: Final = ("M2 3EH", "M1 1AE", "M2 5DB", "M1 4BT")
MANCHESTER_CODE: Final = "E08000003"
#: Lambeth (London), for the out-of-area NHS postcode.
LONDON_CODE: Final = "E09000022"
_LONDON_M: Final = (530_800.0, 179_400.0)
_LONDON_POSTCODES: Final = ("SE1 7EJ", "SE1 7EH", "SE1 7PB")


@dataclass
class Places:
    """Candidate postcodes: keys (spaced), BNG coordinates and district codes."""

    postcode: np.ndarray
    easting: np.ndarray
    northing: np.ndarray
    district: np.ndarray
    outside: dict[str, tuple[str, float, float]] = field(default_factory=dict)
    by_district: dict[str, np.ndarray] = field(default_factory=dict)
    near_town: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)


def _spaced(keys: pd.Index | pd.Series) -> np.ndarray:
    text = pd.Series(np.asarray(keys, dtype=object)).astype(str)
    return (text.str[:-3] + " " + text.str[-3:]).to_numpy(dtype=object)


#: The postcode areas that hold every Kent and Medway postcode (checked by the
#: example of :meth:`PostcodeDirectory.in_districts`): only their letters are read.
_KENT_POSTCODE_AREAS: Final = ("BR", "CT", "DA", "ME", "TN")


def load_places(postcodes: PostcodeDirectory) -> Places:
    frame = postcodes.in_districts(list(KENT_AND_MEDWAY), areas=_KENT_POSTCODE_AREAS)
    frame = frame.sort_index()
    if len(frame) == 0:
        raise ValidationError(
            "The postcode directory has no postcodes in Kent and Medway; the sample estate "
            "needs real postcode centroids. Use the packaged ONS Postcode Directory "
            "(postcodes=None) or an ONSPD file that covers Kent."
        )
    places = Places(
        postcode=_spaced(frame.index),
        easting=frame[PC_EASTING].to_numpy(dtype=float),
        northing=frame[PC_NORTHING].to_numpy(dtype=float),
        district=frame[PC_DISTRICT].astype(str).to_numpy(dtype=object),
    )
    codes = pd.Series(places.district)
    places.by_district = {
        str(code): np.asarray(index, dtype=int)
        for code, index in codes.groupby(codes, sort=True).indices.items()
    }
    for town in TOWN_CENTRES:
        cand = places.by_district.get(town.district_code, np.empty(0, dtype=int))
        dist = np.hypot(places.easting[cand] - town.easting_m,
                        places.northing[cand] - town.northing_m)
        keep = dist < 6_000
        weights = np.exp(-0.5 * (dist[keep] / 1_600.0) ** 2)
        places.near_town[town.name] = (cand[keep], weights / max(weights.sum(), 1e-12))
    wanted = [*_MANCHESTER_POSTCODES, *_LONDON_POSTCODES]
    found = postcodes.lookup(pd.Series(wanted))  # one call: each look-up scans the directory
    for label, candidates, (east, north) in (
        ("manchester", _MANCHESTER_POSTCODES, _MANCHESTER_M),
        ("london", _LONDON_POSTCODES, _LONDON_M),
    ):
        rows = found.iloc[[wanted.index(c) for c in candidates]]
        rows = rows[rows[PC_EASTING].notna()]
        if len(rows):
            places.outside[label] = (wanted[int(rows.index[0])],
                                     float(rows[PC_EASTING].iloc[0]),
                                     float(rows[PC_NORTHING].iloc[0]))
        else:  # a user directory without that area: keep the coordinates, invent nothing
            places.outside[label] = ("", east, north)
    return places


@dataclass
class Hubs:
    town: list[str] = field(default_factory=list)
    district: list[str] = field(default_factory=list)
    street: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    weight: list[float] = field(default_factory=list)
    members: list[np.ndarray] = field(default_factory=list)  # postcode indices within 150 m
    easting: list[float] = field(default_factory=list)
    northing: list[float] = field(default_factory=list)


def place_hubs(
    places: Places, rng: np.random.Generator, *, hubs_per_weight: float = 2.5,
    min_separation_m: float = 650.0, hub_radius_m: float = 150.0,
) -> Hubs:
    """Choose multi-agency hub points near town centres, well apart from each other."""
    hubs = Hubs()
    for town in TOWN_CENTRES:
        in_district = places.by_district.get(town.district_code, np.empty(0, dtype=int))
        dx = places.easting[in_district] - town.easting_m
        dy = places.northing[in_district] - town.northing_m
        dist = np.hypot(dx, dy)
        near = dist < 2_500
        candidates = in_district[near]
        if len(candidates) == 0:
            logger.warning("No postcodes near %s: no hubs placed there", town.name)
            continue
        weights = np.exp(-0.5 * (dist[near] / 900.0) ** 2)
        order = rng.choice(
            len(candidates), size=min(400, len(candidates)), replace=False,
            p=weights / weights.sum(),
        )
        wanted = max(1, round(hubs_per_weight * town.weight))
        placed = 0
        for pick in order:
            idx = candidates[pick]
            e, n = places.easting[idx], places.northing[idx]
            if hubs.easting and np.min(
                np.hypot(np.asarray(hubs.easting) - e, np.asarray(hubs.northing) - n)
            ) < min_separation_m:
                continue
            local = in_district[
                np.hypot(places.easting[in_district] - e, places.northing[in_district] - n)
                <= hub_radius_m
            ]
            hubs.town.append(town.name)
            hubs.district.append(town.district_code)
            hubs.street.append(str(rng.choice(STREETS)))
            hubs.kind.append(_HUB_KINDS[0] if placed == 0 else str(rng.choice(_HUB_KINDS[1:])))
            size = float(rng.lognormal(0.0, 0.5))
            hubs.weight.append(size * (2.5 if placed == 0 else 1.0) * (town.weight ** 0.3))
            hubs.members.append(local)
            hubs.easting.append(float(e))
            hubs.northing.append(float(n))
            placed += 1
            if placed >= wanted:
                break
    return hubs


def nearest_town(easting: np.ndarray, northing: np.ndarray, district: np.ndarray) -> np.ndarray:
    """Name of the nearest town centre in the same district as each point."""
    te = np.array([t.easting_m for t in TOWN_CENTRES])
    tn = np.array([t.northing_m for t in TOWN_CENTRES])
    td = np.array([t.district_code for t in TOWN_CENTRES], dtype=object)
    dist = np.hypot(easting[:, None] - te[None, :], northing[:, None] - tn[None, :])
    dist = np.where(district[:, None] == td[None, :], dist, dist + 1e7)
    names = np.array([t.name for t in TOWN_CENTRES], dtype=object)
    return names[np.argmin(dist, axis=1)]


def agency_locations(
    spec: AgencySpec, canon_use: np.ndarray, places: Places, hubs: Hubs,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Return (postcode index, hub id or -1) for each asset of an agency."""
    n = len(canon_use)
    allowed = set(spec.districts or KENT_AND_MEDWAY)
    hub_ok = np.array([d in allowed for d in hubs.district])
    hub_ids = np.flatnonzero(hub_ok)
    hub_w = np.asarray(hubs.weight)[hub_ids]
    pc_ok = np.concatenate([places.by_district[code] for code in sorted(allowed)
                            if code in places.by_district])
    towns = [t for t in TOWN_CENTRES if t.district_code in allowed]
    town_w = np.array([t.weight for t in towns])
    near_town = [places.near_town[town.name] for town in towns]
    p_hub = np.array([USE_PROFILES[u].p_hub for u in canon_use])
    in_hub = (rng.random(n) < p_hub) & (len(hub_ids) > 0)
    near = ~in_hub & (rng.random(n) < 0.55) & (len(towns) > 0)
    rural = ~in_hub & ~near
    pc_index = np.empty(n, dtype=int)
    hub_of = np.full(n, -1, dtype=int)
    # in a hub: a postcode within the hub's radius
    rows = np.flatnonzero(in_hub)
    hub_of[rows] = rng.choice(hub_ids, size=len(rows), p=hub_w / hub_w.sum())
    offsets = rng.random(len(rows))
    for row, hub, offset in zip(rows, hub_of[rows], offsets, strict=True):
        members = hubs.members[hub]
        pc_index[row] = members[int(offset * len(members))]
    # near a town centre, weighted by distance from it
    rows = np.flatnonzero(near)
    town_of = rng.choice(len(towns), size=len(rows), p=town_w / town_w.sum())
    for k, (cand, weights) in enumerate(near_town):
        mine = rows[town_of == k]
        pc_index[mine] = rng.choice(cand, size=len(mine), p=weights)
    # anywhere in the agency's area (villages, rural sites)
    rows = np.flatnonzero(rural)
    pc_index[rows] = rng.choice(pc_ok, size=len(rows))
    return pc_index, hub_of
