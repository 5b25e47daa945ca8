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
        subset=["id"])
    rows = {}
    for cid, group in members.groupby("id", sort=True):
        action = _action(group, window_years.get(str(cid)), as_of)
        if action is not None:
            rows[str(cid)] = action
    if not rows:
        return empty
    out = pd.DataFrame.from_dict(rows, orient="index", columns=columns)
    out.index.name = schema.COLOCATION_ID
    return out


def _action(group: pd.DataFrame, years: int | None, as_of: dt.date) -> list[str] | None:
    """The action of one co-location's members, or ``None``."""
    named = group.dropna(subset=["provider"])
    distinct = {p.casefold(): p for p in sorted(named["provider"].astype(str))}
    if len(distinct) < 2 or years is None:
        return None
    first, last = pd.Timestamp(as_of), pd.Timestamp(add_years(as_of, years))
    ending = named["end"][(named["end"] > first) & (named["end"] <= last)]
    if ending.empty:
        return None
    providers = "; ".join(sorted(distinct.values(), key=str.casefold))
    return [ALIGN_FM, providers, ending.min().date().isoformat()]
