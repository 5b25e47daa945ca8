"""Sectors: which part of the public sector an agency belongs to.

A co-location that brings a council, the police and the NHS together is a
bigger One Public Estate opportunity than three council services side by side.
The manifest may name a ``sector`` per register; where it does not,
:func:`default_sector` recognises well-known agency names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

import pandas as pd

from .. import schema

__all__ = ["SECTOR", "SECTORS", "assign_sectors", "default_sector"]

#: Asset column holding the sector.
SECTOR: Final = "sector"
#: The sectors, in the order outputs list them (defined with the other categories).
SECTORS: Final = schema.SECTORS
#: Agency-name patterns, first match wins (fire before "Home Office", NHS before "Council").
_RULES: Final = (
    ("fire_and_rescue", r"\bfire\b|\bFRS\b|\bKFRS\b|fire (and|&) rescue"),
    ("police", r"\bpolice\b|\bconstabulary\b|police and crime commissioner|\bPCC\b"),
    ("nhs", r"\bNHS\b|\bICB\b|integrated care|health(care)? (trust|board)|\bhospitals?\b"
            r"|\bGP\b|\bsurgery\b|medical (centre|practice)|clinical commissioning|\bCCG\b"),
    ("voluntary_community", r"\bvoluntary\b|\bcharit(y|able)\b|\bcommunity (trust|action)\b"
                            r"|\bCVS\b|\btrust(ees)?\b.*\bhall\b|\bhousing association\b"),
    ("central_government", r"\bHM\b|\bDWP\b|\bjobcentre\b|\bministry\b|\bdepartment (for|of)\b"
                           r"|\bgovernment property agency\b|\bhome office\b|\barts council\b"
                           r"|\bcourts?\b|\bDVLA\b|\bHMRC\b|\bDefra\b|\bMoD\b"),
    ("council", r"\bcouncil\b|\bborough\b|\bcounty\b|\bdistrict\b|\bcity of\b|\bparish\b"
                r"|\blibrar(y|ies)\b"),
)
_COMPILED: Final = tuple((name, re.compile(pat, re.IGNORECASE)) for name, pat in _RULES)


def default_sector(agency: str | None) -> str | None:
    """The sector recognised from an agency's name, or ``None``.

    Examples
    --------
    >>> [default_sector(a) for a in ("Kent Police", "Kent Fire and Rescue Service",
    ...  "Maidstone and Tunbridge Wells NHS Trust", "NHS Kent and Medway ICB",
    ...  "Swale Borough Council", "Kent Voluntary Action Network", "DWP")
    ... ]  # doctest: +NORMALIZE_WHITESPACE
    ['police', 'fire_and_rescue', 'nhs', 'nhs', 'council', 'voluntary_community',
     'central_government']
    >>> default_sector("Arts Council England")
    'central_government'
    >>> default_sector("OS Open Map library buildings")
    'council'
    >>> default_sector("Acme Ltd") is None
    True
    """
    if not agency:
        return None
    for name, pattern in _COMPILED:
        if pattern.search(agency):
            return name
    return None


def assign_sectors(
    assets: pd.DataFrame, *, sectors: Mapping[str, str] | None = None
) -> pd.Series:
    """Each asset's sector: the ``sector`` column, else ``sectors[agency]``, else the default.

    Parameters
    ----------
    assets
        Canonical assets (an existing ``sector`` column wins where filled).
    sectors
        Agency name -> sector, e.g. from the manifest's per-register ``sector``.

    Returns
    -------
    pandas.Series
        Same index, string dtype; missing where no sector is known.

    Examples
    --------
    >>> frame = pd.DataFrame({"agency": ["Kent Police", "Acme Ltd", "Acme Ltd"]})
    >>> assign_sectors(frame, sectors={"Acme Ltd": "voluntary_community"}).tolist()
    ['police', 'voluntary_community', 'voluntary_community']
    """
    agency = assets[schema.AGENCY].astype("string") if schema.AGENCY in assets.columns else (
        pd.Series(pd.NA, index=assets.index, dtype="string"))
    names = agency.dropna().unique()
    lookup = {str(a): (sectors or {}).get(str(a)) or default_sector(str(a)) for a in names}
    out = agency.map(lookup).astype("string")
    if SECTOR in assets.columns:
        given = assets[SECTOR].astype("string")
        out = given.where(given.notna() & given.isin(SECTORS), out)
    return out
