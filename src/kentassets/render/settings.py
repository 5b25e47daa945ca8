"""What every output prints, as one record, and the county tables the atlas and the
index both show, as another.

:class:`OutputSettings` holds the title, the data date, the synthetic flag, the
attribution year, the boundary source, the paper and the sensitive agencies: the
pipeline builds it once per build (:class:`kentassets.pipeline.write.Published`)
and hands it to every renderer. :class:`CountyContent` holds the county tables
(sweep, totals, load summary, parameters, decisions to review, service reach,
plan) that the atlas's cover and the index page show.

The renderers take ``settings=`` (and ``content=``); for callers of the earlier
signatures they also take each field as a keyword of its own
(``title="..."``, ``synthetic=True``, ``totals=...``), which replaces the
record's value. A keyword that is no field is a :class:`TypeError`, as it was.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypedDict

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CountyContent",
    "OutputKeywords",
    "OutputSettings",
    "SettingsKeywords",
    "resolve_output",
    "resolve_settings",
]


@dataclass(frozen=True)
class OutputSettings:
    """What every output prints.

    Parameters
    ----------
    title
        The estate's title (maps, pages, the index); ``None``: a generic one.
    data_date
        Date of the data, printed beside the title.
    synthetic
        Say "synthetic sample data" on every output.
    attribution_year
        Year of the Ordnance Survey / ONS attribution.
    boundary_source
        ``"official"`` or ``"derived"``; ``None``: the districts' own
        ``attrs["boundary_source"]``.
    paper
        ``"A3"`` or ``"A4"`` (landscape), for the PDFs.
    sensitive_agencies
        Agencies whose sites are generalised to 1 km and never named.
    """

    title: str | None = None
    data_date: date | datetime | str | None = None
    synthetic: bool = False
    attribution_year: int = 2025
    boundary_source: str | None = None
    paper: str = "A3"
    sensitive_agencies: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "sensitive_agencies", frozenset(self.sensitive_agencies))


@dataclass(frozen=True)
class CountyContent:
    """The county tables the atlas's cover and the index page show (each optional).

    Parameters
    ----------
    sweep
        The distance sweep (``sweep_eps``).
    totals
        ``county_totals``.
    load_summary
        Rows loaded, excluded and rejected per agency.
    params
        The build's parameters (the index's table).
    params_note
        The parameters in one line (page footers).
    eps_m
        The co-location distance, m.
    decisions_to_review
        Decisions on ids that were merged or retired.
    service_reach
        The reach table (issue 23).
    plan
        The implementation plan (issue 24).
    """

    sweep: pd.DataFrame | None = None
    totals: Mapping[str, Any] | None = None
    load_summary: pd.DataFrame | None = None
    params: Mapping[str, Any] | None = None
    params_note: str | None = None
    eps_m: float | None = None
    decisions_to_review: pd.DataFrame | None = None
    service_reach: pd.DataFrame | None = None
    plan: pd.DataFrame | None = None


class SettingsKeywords(TypedDict, total=False):
    """The fields of :class:`OutputSettings` as keywords (the earlier signatures)."""

    title: str | None
    data_date: date | datetime | str | None
    synthetic: bool
    attribution_year: int
    boundary_source: str | None
    paper: str
    sensitive_agencies: Collection[str]


class OutputKeywords(SettingsKeywords, total=False):
    """:class:`OutputSettings` and :class:`CountyContent` fields as keywords."""

    sweep: pd.DataFrame | None
    totals: Mapping[str, Any] | None
    load_summary: pd.DataFrame | None
    params: Mapping[str, Any] | None
    params_note: str | None
    eps_m: float | None
    decisions_to_review: pd.DataFrame | None
    service_reach: pd.DataFrame | None
    plan: pd.DataFrame | None


_SETTINGS = frozenset(f.name for f in fields(OutputSettings))
_CONTENT = frozenset(f.name for f in fields(CountyContent))


def _unknown(keywords: Mapping[str, Any], known: frozenset[str], where: str) -> None:
    unknown = sorted(set(keywords) - known)
    if unknown:
        raise TypeError(f"{where}() got unexpected keyword argument(s): {', '.join(unknown)}")


def resolve_settings(
    settings: OutputSettings | None, keywords: Mapping[str, Any], *, where: str
) -> OutputSettings:
    """``settings`` (default: the defaults) with the keywords given replacing fields.

    Raises
    ------
    TypeError
        For a keyword that is no field of :class:`OutputSettings`.

    Examples
    --------
    >>> resolve_settings(None, {"title": "Kent", "synthetic": True}, where="f").title
    'Kent'
    """
    _unknown(keywords, _SETTINGS, where)
    return replace(settings or OutputSettings(), **keywords)


def resolve_output(
    settings: OutputSettings | None, content: CountyContent | None,
    keywords: Mapping[str, Any], *, where: str,
) -> tuple[OutputSettings, CountyContent]:
    """As :func:`resolve_settings`, for both records (keywords of either)."""
    _unknown(keywords, _SETTINGS | _CONTENT, where)
    own = {k: v for k, v in keywords.items() if k in _SETTINGS}
    rest = {k: v for k, v in keywords.items() if k in _CONTENT}
    return (replace(settings or OutputSettings(), **own),
            replace(content or CountyContent(), **rest))
