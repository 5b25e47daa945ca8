"""Number and date formatting shared by the renderers (values are untrusted)."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from ..safety import escape_html, is_missing


def finite_number(value: Any) -> float | None:
    """``value`` as a finite number, or ``None`` (missing, text, infinite).

    Examples
    --------
    >>> finite_number("12.5"), finite_number(None), finite_number(float("inf"))
    (12.5, None, None)
    """
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def format_number(value: Any, digits: int = 0) -> str:
    """Format a number with thousands separators; text that is not a number is escaped.

    Examples
    --------
    >>> format_number(1234.5), format_number(None), format_number("<b>")
    ('1,234', '', '&lt;b&gt;')
    """
    if is_missing(value):
        return ""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return escape_html(value)
    if not math.isfinite(number):
        return ""
    return f"{number:,.{digits}f}"


def format_money(value: Any, *, missing: str = "") -> str:
    """Format pounds, e.g. ``£12,345``; ``missing`` where there is no value.

    Examples
    --------
    >>> format_money(12345.4), format_money(None, missing="-")
    ('£12,345', '-')
    """
    text = format_number(value)
    return f"\u00a3{text}" if text else missing


def format_date(value: date | datetime | str | None) -> str:
    """A date as people write it (``31 October 2026``); text is returned as given.

    Examples
    --------
    >>> format_date(date(2026, 10, 31)), format_date(None), format_date("autumn 2026")
    ('31 October 2026', '', 'autumn 2026')
    """
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return f"{value.day} {value:%B %Y}"
    return str(value)
