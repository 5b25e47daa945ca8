"""The build's inputs besides its registers, as one record.

:class:`BuildInputs` holds the files (and the postcode directory) that a build
reads besides the registers: each one given here wins over the manifest's. The
benchmark table and the demand are the manifest's (and :class:`BuildOptions`'),
resolved once by :func:`kentassets.build`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from os import PathLike
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..io.postcodes import PostcodeDirectory

__all__ = ["BuildInputs", "split_inputs"]


@dataclass(frozen=True)
class BuildInputs:
    """What a build reads besides its registers (each overrides the manifest's).

    Parameters
    ----------
    boundaries
        Official district boundary file; without it or the manifest's, derived
        boundaries are used.
    basemap
        An OS Open Zoomstack, OpenMap Local or Open Roads GeoPackage whose roads,
        rail and names are drawn on every map.
    previous
        The previous round's output folder (it may be the output folder itself).
    decisions
        Workshop decisions file, .csv or .xlsx.
    postcodes
        A postcode directory to use instead of the manifest's (or the packaged one).
    """

    boundaries: str | PathLike[str] | None = None
    basemap: str | PathLike[str] | None = None
    previous: str | PathLike[str] | None = None
    decisions: str | PathLike[str] | None = None
    postcodes: PostcodeDirectory | None = None


_INPUTS = frozenset(f.name for f in fields(BuildInputs))


def split_inputs(
    inputs: BuildInputs | None, keywords: Mapping[str, Any]
) -> tuple[BuildInputs, dict[str, Any]]:
    """``inputs`` with the input keywords among ``keywords`` (``boundaries=``,
    ``basemap=``, ...) replacing its fields, and the other keywords (the
    :class:`~kentassets.BuildOptions` overrides).

    Examples
    --------
    >>> given, rest = split_inputs(None, {"basemap": "os.gpkg", "eps_m": 500})
    >>> given.basemap, rest
    ('os.gpkg', {'eps_m': 500})
    """
    own = {k: v for k, v in keywords.items() if k in _INPUTS}
    rest = {k: v for k, v in keywords.items() if k not in _INPUTS}
    return replace(inputs or BuildInputs(), **own), rest
