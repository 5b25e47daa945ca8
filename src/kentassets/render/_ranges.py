"""Text for estimated figures: ranges that look different from given figures, and footnotes.

Shared by the web and print renderers. A saving resting wholly on figures the
registers gave reads ``£48k``; one resting partly on benchmark or footprint
estimates reads ``≈ £40k–£90k`` with a footnote mark, so that a workshop never
mistakes an estimate for a measured figure. Pure: text in, text out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ._format import finite_number

__all__ = [
    "ESTIMATE_FOOTNOTE",
    "POINT_LABELS",
    "compact_money",
    "housing_text",
    "is_estimated",
    "saving_text",
    "score_parts",
    "totals_range_text",
]

#: The footnote printed under every table or card that shows an estimated figure.
ESTIMATE_FOOTNOTE: Final = (
    "≈ estimated: rests partly on the benchmark table (floor areas and costs a register "
    "lacks; published shared-service saving rates), not on the registers. Ranges run from "
    "the low to the high benchmarks."
)
#: Card and table labels of the score components, in the order of the points columns.
POINT_LABELS: Final[dict[str, str]] = {
    "points_saving": "Saving",
    "points_agencies": "Agencies",
    "points_sectors": "Sectors",
    "points_closeness": "Closeness",
    "points_public_facing": "Public-facing services",
    "points_space": "Spare space or vacancy",
    "points_leases": "Leases ending",
    "points_tenure": "Tenure",
    "points_reach": "Service reach",
}


def compact_money(value: Any) -> str:
    """Pounds in a few characters: ``£950``, ``£48k``, ``£1.2m``.

    Examples
    --------
    >>> compact_money(950), compact_money(48_200), compact_money(1_234_000), compact_money(None)
    ('£950', '£48k', '£1.2m', '')
    """
    number = finite_number(value)
    if number is None:
        return ""
    size = abs(number)
    if size >= 999_500:
        return f"£{number / 1e6:,.1f}m"
    if size >= 1_000:
        return f"£{number / 1e3:,.0f}k"
    return f"£{number:,.0f}"


def is_estimated(row: Mapping[str, Any]) -> bool:
    """Whether a co-location's saving rests partly on estimates (given share below 1).

    Examples
    --------
    >>> is_estimated({"saving_gbp": 5.0, "saving_given_share": 0.4})
    True
    >>> is_estimated({"saving_gbp": 5.0, "saving_given_share": 1.0})
    False
    """
    share = finite_number(row.get("saving_given_share"))
    return share is not None and share < 1.0


def saving_text(row: Mapping[str, Any]) -> str:
    """A co-location's saving as shown on cards and in tables.

    Examples
    --------
    >>> saving_text({"saving_gbp": 48000, "saving_given_share": 1.0})
    '£48k'
    >>> saving_text({"saving_gbp": 60000, "saving_low_gbp": 40000, "saving_high_gbp": 90000,
    ...              "saving_given_share": 0.0})
    '≈ £40k–£90k'
    >>> saving_text({"saving_gbp": 0.0, "saving_note": "£0: no offices"})
    '£0'
    >>> saving_text({})
    ''
    """
    central = finite_number(row.get("saving_gbp"))
    if central is None:
        return ""
    low, high = finite_number(row.get("saving_low_gbp")), finite_number(row.get("saving_high_gbp"))
    if central > 0 and is_estimated(row) and low is not None and high is not None:
        return f"≈ {compact_money(low)}–{compact_money(high)}"
    return compact_money(central)


def score_parts(row: Mapping[str, Any]) -> list[tuple[str, float]]:
    """The score's components with their points, largest first (zeros left out).

    Examples
    --------
    >>> score_parts({"points_saving": 5.8, "points_sectors": 7.5, "points_tenure": 0.0})
    [('Sectors', 7.5), ('Saving', 5.8)]
    """
    parts = [(label, finite_number(row.get(col))) for col, label in POINT_LABELS.items()]
    shown = [(label, float(p)) for label, p in parts if p is not None and p > 0]
    return sorted(shown, key=lambda item: (-item[1], item[0]))


def totals_range_text(totals: Mapping[str, Any]) -> str:
    """The county total toward the target, as a range with its given share.

    Examples
    --------
    >>> totals_range_text({"annual_saving_gbp": 2_050_000, "annual_saving_low_gbp": 470_000,
    ...     "annual_saving_high_gbp": 7_300_000, "saving_over_target_period_low_gbp": 1.88e6,
    ...     "saving_over_target_period_high_gbp": 2.92e7, "savings_target_gbp": 1e7,
    ...     "target_years": 4, "share_of_target_low": 0.188, "share_of_target_high": 2.92,
    ...     "saving_given_share": 0.0}).split("; ")
    ... # doctest: +NORMALIZE_WHITESPACE
    ['≈ £470k–£7.3m a year (central £2.0m)',
     'over 4 years ≈ £1.9m–£29.2m, 19%–292% of the £10.0m target',
     '0% rests on given figures']
    >>> totals_range_text({"annual_saving_gbp": 0.0})
    '£0 a year: no shortlisted co-location has a saving the data can support'
    """
    central = finite_number(totals.get("annual_saving_gbp")) or 0.0
    if central <= 0:
        return "£0 a year: no shortlisted co-location has a saving the data can support"
    low = finite_number(totals.get("annual_saving_low_gbp"))
    high = finite_number(totals.get("annual_saving_high_gbp"))
    given = finite_number(totals.get("saving_given_share"))
    years = int(finite_number(totals.get("target_years")) or 0)
    head = (f"≈ {compact_money(low)}–{compact_money(high)} a year (central "
            f"{compact_money(central)})" if low is not None and high is not None
            and low != high else f"{compact_money(central)} a year")
    period = (f"; over {years} years ≈ "
              f"{compact_money(totals.get('saving_over_target_period_low_gbp'))}–"
              f"{compact_money(totals.get('saving_over_target_period_high_gbp'))}, "
              f"{_pct(totals.get('share_of_target_low'))}–"
              f"{_pct(totals.get('share_of_target_high'))} of the "
              f"{compact_money(totals.get('savings_target_gbp'))} target")
    rests = f"; {given:.0%} rests on given figures" if given is not None else ""
    return head + (period if years else "") + rests


def _pct(value: Any) -> str:
    number = finite_number(value)
    return "" if number is None else f"{number:.0%}"


def housing_text(row: Mapping[str, Any]) -> str:
    """Indicative homes on a surplus asset's site, or why there is no figure.

    Examples
    --------
    >>> housing_text({"homes_low": 15, "homes_central": 20, "homes_high": 25})
    '≈ 15–25 homes'
    >>> housing_text({"homes_low": None, "housing_note": "unknown: no site area"})
    'unknown: no site area'
    """
    low, high = finite_number(row.get("homes_low")), finite_number(row.get("homes_high"))
    if low is None or high is None:
        note = row.get("housing_note")
        return str(note) if isinstance(note, str) else ""
    return f"≈ {low:,.0f}–{high:,.0f} homes"
