"""The year rule: which plan year a date falls in, and which years a saving counts in.

Plan years count from the build's data date ``as_of``: year ``k`` is the twelve
months after ``as_of + (k - 1)`` years, up to and including ``as_of + k`` years
(year 1 runs from the day after the data date to its first anniversary). A
date on or before the data date is in year 0.

A project's annual saving counts in full in every plan year **after** the year
it completes in, and not at all in that year (a part year counts nothing). A
project completing in year 0 (done before the data date) counts from year 1.
"""

from __future__ import annotations

import datetime as dt

__all__ = ["add_years", "plan_year", "saving_by_year", "year_end"]


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` moved on by whole ``years`` (29 February becomes 28 February).

    Examples
    --------
    >>> add_years(dt.date(2028, 2, 29), 1)
    datetime.date(2029, 2, 28)
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def year_end(as_of: dt.date, year: int) -> dt.date:
    """The last day of plan year ``year`` (``as_of`` itself for year 0)."""
    return add_years(as_of, year)


def plan_year(as_of: dt.date, when: dt.date) -> int:
    """The plan year ``when`` falls in: 0 on or before ``as_of``, else 1, 2, ...

    Examples
    --------
    >>> as_of = dt.date(2026, 10, 31)
    >>> [plan_year(as_of, dt.date(*d)) for d in ((2026, 10, 31), (2026, 11, 1),
    ...                                          (2027, 10, 31), (2027, 11, 1))]
    [0, 1, 1, 2]
    """
    if when <= as_of:
        return 0
    year = max(1, when.year - as_of.year)
    while year_end(as_of, year) < when:
        year += 1
    while year > 1 and year_end(as_of, year - 1) >= when:
        year -= 1
    return year


def saving_by_year(saving_gbp: float, completes_in_year: int | None, n_years: int
                   ) -> list[float]:
    """The annual saving counted in plan years 1 to ``n_years``.

    Full in every year after ``completes_in_year``, nothing in that year and
    before; nothing at all for an unscheduled project (``None``).

    Examples
    --------
    >>> saving_by_year(100.0, 2, 4)
    [0.0, 0.0, 100.0, 100.0]
    >>> saving_by_year(100.0, 0, 2), saving_by_year(100.0, None, 2)
    ([100.0, 100.0], [0.0, 0.0])
    """
    if completes_in_year is None:
        return [0.0] * n_years
    return [float(saving_gbp) if year > completes_in_year else 0.0
            for year in range(1, n_years + 1)]
