"""Shared facilities-management contracts: where a co-location's members hold
contracts with different FM providers and one of them ends within the horizon,
the plan lists an "align FM contracts" action (the providers and the earliest
end date), so the agencies can let one contract for the shared building.

Registers give ``fm_provider`` and ``fm_contract_end`` (recognised by meaning
by the loader); an estate without them has no actions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from .. import schema
from .columns import FM_ACTION, FM_EARLIEST_END, FM_PROVIDERS
from .years import add_years

__all__ = ["ALIGN_FM", "FM_CONTRACT_END", "FM_PROVIDER", "fm_actions"]

#: The asset columns read (an asset frame without them has no actions).
FM_PROVIDER: str = schema.FM_PROVIDER
FM_CONTRACT_END: str = schema.FM_CONTRACT_END
#: The action's text.
ALIGN_FM = "align FM contracts"


def fm_actions(
    assets: pd.DataFrame | None,
    *,
    window_years: Mapping[str, int],
    as_of: dt.date,
) -> pd.DataFrame:
    """The "align FM contracts" action of each co-location that needs one.

    Parameters
    ----------
    assets
        Assets with ``colocation_id``, ``fm_provider`` and ``fm_contract_end``;
        ``None`` or without those columns: no actions.
    window_years
        Co-location id -> years after ``as_of`` within which a contract must
        end (the co-location's horizon).
    as_of
        The data date.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``colocation_id``: ``fm_action``, ``fm_providers`` (distinct
        providers, ``; ``-separated, sorted) and ``fm_earliest_end`` (ISO date of
        the earliest contract ending in the window).

    Examples
    --------
    >>> assets = pd.DataFrame({"colocation_id": ["A-01", "A-01", "A-02"],
    ...     "fm_provider": ["Mitie", "ISS", "Mitie"],
    ...     "fm_contract_end": pd.to_datetime(["2027-03-31", "2031-01-01", "2027-01-01"])})
    >>> actions = fm_actions(assets, window_years={"A-01": 1, "A-02": 1},
    ...                      as_of=dt.date(2026, 10, 31))
    >>> actions.loc["A-01"].tolist()
    ['align FM contracts', 'ISS; Mitie', '2027-03-31']
    >>> list(actions.index)
    ['A-01']
    """
    columns = [FM_ACTION, FM_PROVIDERS, FM_EARLIEST_END]
    empty = pd.DataFrame(columns=columns, index=pd.Index([], name=schema.COLOCATION_ID))
    if assets is None or FM_PROVIDER not in assets.columns or len(assets) == 0:
        return empty
    ids = assets[schema.COLOCATION_ID].astype("string")
    providers = assets[FM_PROVIDER].astype("string").str.strip().replace("", pd.NA)
    ends = (pd.to_datetime(assets[FM_CONTRACT_END], errors="coerce")
            if FM_CONTRACT_END in assets.columns else pd.Series(pd.NaT, index=assets.index))
    members = pd.DataFrame({"id": ids, "provider": providers, "end": ends}).dropna(
        subset=["id", "provider"])
    members["key"] = members["provider"].astype(str).str.casefold()
    # one pass per column over all co-locations (a national estate has 33,000)
    several = members.groupby("id", sort=True)["key"].nunique()
    years = pd.Series({str(k): v for k, v in window_years.items()}, dtype="float64")
    members = members[members["id"].isin(several.index[several >= 2])
                      & members["id"].isin(years.index)]
    if members.empty:
        return empty
    last = members["id"].map({str(cid): pd.Timestamp(add_years(as_of, int(y)))
                              for cid, y in years.dropna().items()})
    ending = members["end"][(members["end"] > pd.Timestamp(as_of)) & (members["end"] <= last)]
    earliest = ending.groupby(members.loc[ending.index, "id"], sort=True).min()
    if earliest.empty:
        return empty
    # each provider once (by its casefold; the last spelling in sorted order), sorted
    named = members[members["id"].isin(earliest.index)].sort_values("provider", kind="stable")
    named = named.drop_duplicates(subset=["id", "key"], keep="last").sort_values(
        ["id", "key"], kind="stable")
    listed = named.groupby("id", sort=True)["provider"].agg(lambda p: "; ".join(map(str, p)))
    out = pd.DataFrame({FM_ACTION: ALIGN_FM, FM_PROVIDERS: listed.loc[earliest.index],
                        FM_EARLIEST_END: [d.date().isoformat() for d in earliest]},
                       index=pd.Index([str(i) for i in earliest.index],
                                      name=schema.COLOCATION_ID))
    return out[columns]
