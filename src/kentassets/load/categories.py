"""Free text to categories (use, tenure, status) by ordered rules, run once per
distinct value.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .vectors import Factorized, constant_text, factorize, put, spread

# Free text -> categories: first matching pattern wins (lower-case text).
_USE_RULES: tuple[tuple[str, str], ...] = (
    ("library", r"librar"),
    ("fire", r"fire (station|service|and rescue)|\bfire\b|\bfrs\b"),
    ("police", r"police|constabulary|custody"),
    ("health", r"health|surgery|medical|hospital|clinic|\bgp\b|\bnhs\b|dental|dentist|"
               r"pharmac|practice|mental|cmht|camhs|cypmhs|hospice|treatment|therapy"),
    ("education", r"school|education|college|academy|nursery|universit|pupil referral"),
    ("depot", r"depot|workshop|\byard\b|waste|recycling|transfer station|highways|"
              r"garage|salt barn|industrial|warehouse|store\b|stores\b"),
    ("customer_service", r"customer serv|contact cent|gateway|one stop|information cent"),
    ("office", r"office|admin|civic|town hall|county hall|headquarters|\bhq\b"),
    ("residential", r"residential|housing|dwelling|\bflats?\b|\bhouses?\b|hostel|"
                    r"care home|bungalow|accommodation"),
    ("community", r"community|village hall|\bhall\b|leisure|sport|museum|theatre|"
                  r"cultural|youth|day cent|children.?s cent|arts?\b|gallery|"
                  r"recreation|swimming|pool|centre"),
    ("land", r"\bland\b|open space|park|garden|allot|playing field|woodland|farm|"
             r"verge|common|cemetery|crematori|amenity|field"),
)

_AGENCY_USE_RULES: tuple[tuple[str, str], ...] = (
    ("police", r"police|constabulary"),
    ("fire", r"fire"),
    ("health", r"\bnhs\b|health|\bicb\b|\bccg\b|hospital|trust"),
    ("library", r"librar"),
)

TENURE_RULES: tuple[tuple[str, str], ...] = (
    ("freehold", r"freehold|owned|ownership|chattel"),
    ("leasehold", r"leasehold|leashold|lease|leased|rented|tenant|ground ?lease"),
    ("licence", r"licen[cs]e"),
)

STATUS_RULES: tuple[tuple[str, str], ...] = (
    ("part_vacant", r"part(ly|ially)?[ -]?(vacant|empty|occupied)|under.?occupied"),
    ("surplus", r"surplus|disposal|for sale|to be sold|declared"),
    ("vacant", r"vacant|empty|void|unoccupied|disused|mothball|dormant"),
    ("occupied", r"occupied|in use|operational|active|open|^a$|^yes$|leasehold|licen[cs]e"),
)

SURPLUS_USE = re.compile(r"(?i)surplus|for disposal")


def categorise(
    raw: pd.Series | None,
    rules: Sequence[tuple[str, str]],
    *,
    default: str,
    index: pd.Index,
    missing: str = "unknown",
    factorized: Factorized | None = None,
) -> pd.Series:
    """Map free text to a category with ordered regular-expression rules.

    The rules run once per distinct value, so a million rows with twenty
    distinct values cost twenty matches.

    Parameters
    ----------
    raw
        The text (``None``: no such column, every row ``missing``).
    rules
        ``(category, pattern)`` pairs, tried in order on the lower-case text.
    default
        Category of text that no rule matches.
    index
        Index of the result.
    missing
        Category of missing text.
    factorized
        ``raw`` factorized already (see :func:`factorize`), to skip doing it again.

    Examples
    --------
    >>> categorise(pd.Series(["Freehold - part let", "Leashold", None]), TENURE_RULES,
    ...            default="other", index=pd.RangeIndex(3)).tolist()
    ['freehold', 'leasehold', 'unknown']
    """
    if raw is None:
        return constant_text(missing, index, "str")
    codes, table = _category_codes(raw, rules, default, missing, factorized)
    return spread(codes, table, index, "str")


def _category_codes(
    raw: pd.Series,
    rules: Sequence[tuple[str, str]],
    default: str,
    missing: str,
    factorized: Factorized | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Per row, a position in a table of categories (the last entry: ``missing``)."""
    codes, uniques = factorized if factorized is not None else factorize(raw)
    compiled = [(cat, re.compile(pattern)) for cat, pattern in rules]

    def one(value: object) -> str:
        lowered = " ".join(str(value).lower().split())
        for cat, pattern in compiled:
            if pattern.search(lowered):
                return cat
        return default

    table = np.array([one(v) for v in uniques] + [missing], dtype=object)
    return np.where(codes >= 0, codes, len(uniques)), table


def unrecognised_words(
    factorized: Factorized,
    rules: Sequence[tuple[str, str]],
    *,
    rows: np.ndarray | None = None,
    limit: int = 8,
) -> tuple[list[tuple[str, int]], int]:
    """The distinct values that no rule matches, with their row counts, most
    frequent first (at most ``limit``), and how many such values there are.
    ``rows`` (a boolean mask) limits the rows counted.

    Examples
    --------
    >>> from kentassets.load.vectors import factorize
    >>> unrecognised_words(factorize(pd.Series(["Peppercorn", "Freehold", "Peppercorn"])),
    ...                    TENURE_RULES)
    ([('Peppercorn', 2)], 1)
    """
    codes, uniques = factorized
    plain = {"other", "others", "unknown", "not known", "n/a", "na", "none", "tbc", "-"}
    if rows is not None:
        codes = codes[rows]
    compiled = [re.compile(pattern) for _, pattern in rules]
    unknown = np.array(
        [
            (text := " ".join(str(v).lower().split())) not in plain
            and not any(p.search(text) for p in compiled)
            for v in uniques
        ],
        dtype=bool,
    )
    if not unknown.any():
        return [], 0
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    found = [(str(uniques[i]), int(counts[i])) for i in np.flatnonzero(unknown & (counts > 0))]
    found.sort(key=lambda item: (-item[1], item[0]))
    return found[:limit], len(found)


def categorise_use(
    raw: pd.Series | None,
    *,
    names: pd.Series | None,
    agency: str,
    default: str | None,
    index: pd.Index,
    factorized: Factorized | None = None,
) -> pd.Series:
    """Use category from the use column, else the schema's, the name's or the agency's.

    ``factorized`` is as for :func:`categorise`.

    Examples
    --------
    >>> categorise_use(pd.Series(["Open Space Land and Allottments", None]), names=None,
    ...                agency="Kent Police", default=None, index=pd.RangeIndex(2)).tolist()
    ['land', 'police']
    """
    if raw is None:
        codes, table = np.zeros(len(index), dtype=np.int64), np.array([""], dtype=object)
    else:
        codes, table = _category_codes(raw, _USE_RULES, "other", "", factorized)
    blank_entry = table == ""
    if not blank_entry.any() or not (blank := blank_entry[codes]).any():
        return spread(codes, table, index, "string")
    if default:
        return spread(codes, np.where(blank_entry, default, table), index, "string")
    # The name and agency fill only the rows without a use.
    use = spread(codes, table, index, "str")
    rows = index[blank]
    by_name = categorise(
        None if names is None else names[blank],
        _USE_RULES,
        default="",
        index=rows,
        missing="",
    )
    agency_use = categorise(
        pd.Series([agency]), _AGENCY_USE_RULES, default="other", index=pd.RangeIndex(1)
    ).iloc[0]
    fill = by_name.mask(by_name == "", agency_use).astype("str")
    return put(use, pd.Series(blank, index=index), fill.set_axis(rows)).astype("string")
