"""Number formatting shared by the HTML renderers (values are untrusted)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from ..safety import escape_html


def is_missing(value: Any) -> bool:
    """True for ``None``, NaN, ``pd.NA`` and ``NaT``.

    Examples
    --------
    >>> is_missing(None), is_missing(float("nan")), is_missing(0)
    (True, True, False)
    """
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


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
