"""Draw the synthetic estate: one frame of true values per agency, no files.

:func:`generate_sample_estate` draws, agency by agency and in a fixed order,
each asset's use, location, address, size, status, tenure, name and ids from one
seeded numpy generator, then plants the defects.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Final

import numpy as np
import pandas as pd

from ..errors import ValidationError
from ..io.postcodes import PostcodeDirectory
from .agencies import (
    MAX_ASSETS,
    MIN_ASSETS,
    SAMPLE_AGENCIES,
    SAMPLE_DATA_DATE,
    SAMPLE_N_ASSETS,
    SAMPLE_SEED,
    STATUS_ORDER,
    STATUS_SHARES,
    TENURE_ORDER,
    USE_PROFILES,
    VOLUNTARY,
    AgencySpec,
)
from .columns import (
    COL_AGENCY,
    COL_ASSET_ID,
    COL_COST_GBP,
    COL_DEFECT,
    COL_DISTRICT,
    COL_EASTING,
    COL_GIA_M2,
    COL_HUB,
    COL_LEASE_END,
    COL_NAME,
    COL_NORTHING,
    COL_POSTCODE,
    COL_STAFF_FTE,
    COL_STATUS,
    COL_STATUS_RAW,
    COL_STREET,
    COL_TENURE,
    COL_TENURE_RAW,
    COL_TOWN,
    COL_UPRN,
    COL_USE,
    COL_USE_RAW,
)
from .defects import SAMPLE_DEFECTS, plant_defects
from .places import (
    STREETS,
    Hubs,
    Places,
    agency_locations,
    load_places,
    nearest_town,
    place_hubs,
)

logger = logging.getLogger(__name__)


_BUILDINGS: Final = (
    "Oak House", "Riverside House", "Albion House", "Beacon House", "Meridian House",
    "Kingsway House", "Invicta Court", "Orchard House", "Weald House", "Medway House",
    "Downs House", "Chalk House", "Harbour House", "Mercury House", "Priory House",
    "Gateway House", "Bridge House", "Castle House", "Marsh House", "Pilgrim House",
)


def _split_counts(n_total: int, shares: Sequence[float]) -> list[int]:
    """Largest-remainder split of ``n_total`` in proportion to ``shares``."""
    raw = np.asarray(shares, dtype=float)
    raw = raw / raw.sum() * n_total
    counts = np.floor(raw).astype(int)
    rest = n_total - int(counts.sum())
    for i in np.argsort(-(raw - counts), kind="stable")[:rest]:
        counts[i] += 1
    return [int(c) for c in counts]


def _agency_ids(spec: AgencySpec, n: int, rng: np.random.Generator) -> np.ndarray:
    reserved = {d.asset_id for d in SAMPLE_DEFECTS if d.agency == spec.name}
    low, high = 10 ** (spec.id_digits - 2), 10**spec.id_digits
    if spec.id_digits <= 3:
        low = 1
    pool = rng.choice(np.arange(low, high), size=min(high - low, n + len(reserved) + 5),
                      replace=False)
    ids = [spec.id_format.format(int(v)) for v in pool]
    ids = [i for i in ids if i not in reserved][:n]
    return np.array(ids, dtype=object)


def _generate_agency(
    spec: AgencySpec, n: int, places: Places, hubs: Hubs, rng: np.random.Generator
) -> pd.DataFrame:
    """One agency's ``n`` assets as a canonical-column frame.

    The steps draw from ``rng`` in a fixed order (uses, locations, addresses, sizes,
    statuses, tenures, names, UPRNs, ids): reordering them changes the estate.
    """
    use_w = np.array([u[2] for u in spec.uses])
    use_pick = rng.choice(len(spec.uses), size=n, p=use_w / use_w.sum())
    use_raw = np.array([spec.uses[k][0] for k in use_pick], dtype=object)
    canon = np.array([spec.uses[k][1] for k in use_pick], dtype=object)
    noun = np.array([spec.uses[k][3] for k in use_pick], dtype=object)
    pc_index, hub_of = agency_locations(spec, canon, places, hubs, rng)
    easting, northing, town, street, number = _addresses(pc_index, hub_of, places, hubs, rng)
    gia, fte, cost = _sizes(canon, use_raw, rng)
    status, fte, cost = _statuses(canon, fte, cost, rng)
    tenure, tenure_raw, status_raw, lease_end = _tenures(spec, status, rng)
    names = _asset_names(town, noun, street, rng)
    uprn = (
        np.array([f"9{int(v):011d}" for v in rng.integers(1, 10**11, size=n)], dtype=object)
        if spec.has_uprn else np.full(n, "", dtype=object)
    )
    return pd.DataFrame(
        {
            COL_ASSET_ID: _agency_ids(spec, n, rng),
            COL_AGENCY: spec.name,
            COL_NAME: names,
            COL_STREET: [f"{num} {s}" for num, s in zip(number, street, strict=True)],
            COL_TOWN: town,
            COL_POSTCODE: places.postcode[pc_index],
            COL_UPRN: uprn,
            COL_USE_RAW: use_raw,
            COL_USE: canon,
            COL_TENURE_RAW: tenure_raw,
            COL_TENURE: tenure,
            COL_LEASE_END: lease_end.to_numpy(),
            COL_GIA_M2: np.where(gia > 0, gia, np.nan),
            COL_STAFF_FTE: np.where(canon == "land", np.nan, fte),
            COL_COST_GBP: cost,
            COL_STATUS_RAW: status_raw,
            COL_STATUS: status,
            COL_EASTING: easting,
            COL_NORTHING: northing,
            COL_DISTRICT: places.district[pc_index],
            COL_HUB: hub_of,
            COL_DEFECT: "",
        }
    )


def _addresses(
    pc_index: np.ndarray, hub_of: np.ndarray, places: Places, hubs: Hubs,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Easting, northing (postcode centroid plus a few metres), town, street and number."""
    n = len(pc_index)
    jitter = np.clip(rng.normal(0.0, 8.0, size=(n, 2)), -20, 20)
    easting = np.round(places.easting[pc_index] + jitter[:, 0])
    northing = np.round(places.northing[pc_index] + jitter[:, 1])
    town = nearest_town(easting, northing, places.district[pc_index])
    hub_street = np.array([hubs.street[h] if h >= 0 else "" for h in hub_of], dtype=object)
    street = np.array(rng.choice(STREETS, size=n), dtype=object)
    use_hub_street = (hub_of >= 0) & (rng.random(n) < 0.6)
    street = np.where(use_hub_street, hub_street, street)
    number = rng.integers(1, 180, size=n)
    return easting, northing, town, street, number


def _sizes(
    canon: np.ndarray, use_raw: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Floor area (m²), staff (FTE) and annual cost (£) of each asset, from its use."""
    n = len(canon)
    gia = np.zeros(n)
    fte = np.zeros(n)
    cost = np.zeros(n)
    for i, use in enumerate(canon):
        prof = USE_PROFILES[use]
        if prof.gia_median_m2 > 0:
            gia[i] = round(prof.gia_median_m2 * rng.lognormal(0.0, prof.gia_sigma), -1)
            gia[i] = max(gia[i], 40.0)
            if use == "office":
                density = max(6.0, prof.m2_per_fte * rng.lognormal(0.0, 0.35))
                fte[i] = gia[i] / density
            elif prof.m2_per_fte > 0:
                fte[i] = gia[i] / prof.m2_per_fte * rng.lognormal(0.0, 0.3)
            cost[i] = gia[i] * prof.cost_gbp_per_m2 * rng.lognormal(0.0, 0.2)
        else:
            cost[i] = rng.uniform(200, 4_000)
    if "Police Station (custody suite)" in use_raw:
        custody = use_raw == "Police Station (custody suite)"
        gia[custody] = np.round(gia[custody] * 1.8, -1)
    return gia, fte, cost


def _statuses(
    canon: np.ndarray, fte: np.ndarray, cost: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Canonical status of each asset, and staff and cost adjusted to it (rounded)."""
    n = len(canon)
    status_idx = rng.choice(len(STATUS_ORDER), size=n, p=STATUS_SHARES)
    land = canon == "land"
    status_idx[land & (rng.random(n) < 0.12)] = 3  # more surplus land
    status = np.array([STATUS_ORDER[k] for k in status_idx], dtype=object)
    fte = np.where(status == "part_vacant", fte * 0.55, fte)
    fte = np.where(np.isin(status, ["vacant", "surplus"]), 0.0, fte)
    cost = np.where(np.isin(status, ["vacant", "surplus"]), cost * 0.45, cost)
    return status, np.round(fte * 2) / 2, np.round(cost, -1)


def _tenures(
    spec: AgencySpec, status: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.Series]:
    """Canonical tenure, the agency's tenure and status wording, and lease end dates."""
    n = len(status)
    tenure_idx = rng.choice(len(TENURE_ORDER), size=n, p=np.asarray(spec.tenure_shares))
    tenure = np.array([TENURE_ORDER[k] for k in tenure_idx], dtype=object)
    tenure_raw = np.array(
        [str(rng.choice(spec.tenures[t])) for t in tenure], dtype=object
    )
    status_raw = np.array([str(rng.choice(spec.statuses[s])) for s in status], dtype=object)
    # lease ends: a quarter within 1-3 years of the data date, the rest later
    soon = rng.random(n) < 0.28
    days = np.where(soon, rng.integers(90, 3 * 365, size=n), rng.integers(3 * 365, 40 * 365,
                                                                            size=n))
    lease_end = pd.Series(pd.Timestamp(SAMPLE_DATA_DATE) + pd.to_timedelta(days, unit="D"))
    lease_end = lease_end.dt.to_period("M").dt.end_time.dt.normalize()
    lease_end = lease_end.where(pd.Series(tenure == "leasehold"))
    if spec.name == VOLUNTARY:
        years = lease_end.dt.year
        tenure_raw = np.where(
            tenure == "leasehold",
            [f"Leasehold (expires {int(y)})" if not pd.isna(y) else "" for y in years],
            tenure_raw,
        )
    return tenure, tenure_raw, status_raw, lease_end


def _asset_names(
    town: np.ndarray, noun: np.ndarray, street: np.ndarray, rng: np.random.Generator
) -> list[str]:
    """Names: the first of a use in a town takes the town's name, the rest a street's."""
    n = len(town)
    place_key = pd.Series(town.astype(str)) + "|" + pd.Series(noun.astype(str))
    first = ~place_key.duplicated().to_numpy()
    building = np.array(rng.choice(_BUILDINGS, size=n), dtype=object)
    names = []
    for i in range(n):
        if noun[i] == "House":
            names.append(f"{building[i]}, {town[i]}")
        elif noun[i] in ("Land", "Farm", "Open Space", "Allotments", "Car Park", "Foreshore"):
            names.append(f"{street[i]} {noun[i]}, {town[i]}")
        elif first[i]:
            names.append(f"{town[i]} {noun[i]}")
        else:
            names.append(f"{street[i]} {noun[i]}")
    return names


def generate_sample_estate(
    *, seed: int = SAMPLE_SEED, n_assets: int = SAMPLE_N_ASSETS,
    postcodes: PostcodeDirectory | None = None,
) -> dict[str, pd.DataFrame]:
    """Generate the synthetic estate as one clean frame per agency (no files).

    Parameters
    ----------
    seed
        Seed of the numpy random generator; the same seed (and postcode
        directory) gives the same estate.
    n_assets
        Total number of asset rows over all agencies, 300 to 200,000.
    postcodes
        Postcode directory that supplies real centroids; ``None`` loads the
        packaged ONS Postcode Directory (a few seconds).

    Returns
    -------
    dict of str to pandas.DataFrame
        Agency name -> one row per asset, sorted by asset id, with the true
        values: ``asset_id``, ``agency``, ``name``, ``street``, ``town``,
        ``postcode``, ``uprn``, ``use_raw``, ``use``, ``tenure_raw``, ``tenure``,
        ``lease_end``, ``gia_m2``, ``staff_fte``, ``annual_cost_gbp``,
        ``status_raw``, ``status``, ``easting``, ``northing`` (BNG metres),
        ``district_code``, ``hub_id`` (-1 when not in a hub) and ``defect``
        (kind of planted defect, or ``""``). The file writers introduce the
        defects' format-level damage.

    Raises
    ------
    ValidationError
        If ``n_assets`` is out of range or the directory has no Kent postcodes.

    Examples
    --------
    >>> estate = generate_sample_estate(n_assets=300)  # doctest: +SKIP
    >>> sorted(estate)[:2]  # doctest: +SKIP
    ['Canterbury City Council', 'Folkestone & Hythe District Council']
    """
    if not MIN_ASSETS <= n_assets <= MAX_ASSETS:
        raise ValidationError(
            f"n_assets must be between {MIN_ASSETS} and {MAX_ASSETS:,}; got {n_assets}."
        )
    rng = np.random.default_rng(seed)
    directory = postcodes if postcodes is not None else PostcodeDirectory()
    places = load_places(directory)
    hubs = place_hubs(places, rng)
    logger.info("Sample estate: %d hubs in %d towns", len(hubs.town), len(set(hubs.town)))
    counts = _split_counts(n_assets, [a.share for a in SAMPLE_AGENCIES])
    frames: dict[str, pd.DataFrame] = {}
    for spec, count in zip(SAMPLE_AGENCIES, counts, strict=True):
        frames[spec.name] = _generate_agency(spec, count, places, hubs, rng)
    plant_defects(frames, places, rng)
    return frames
