"""Text on a print page: cleaning untrusted strings, measuring and wrapping them,
and the number, money and agency-name formats.
"""

from __future__ import annotations

import functools
import re
import textwrap
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ...safety import is_missing
from .._format import finite_number
from .fonts import PRINT_FONT_FAMILIES, register_print_fonts

PT_MM = 25.4 / 72.0  # millimetres per point
_CHAR_EM = 0.6  # conservative average glyph width of DejaVu Sans, in em


def clean_text(value: Any, *, max_chars: int | None = None) -> str:
    """Return ``value`` as one line of plain text that is safe to draw.

    Missing values become ``""``; control, format (including bidirectional
    overrides) and private-use characters become spaces; runs of white space
    collapse to one space; text longer than ``max_chars`` ends with an ellipsis.
    The result is meant for ``Text`` objects with ``parse_math=False``.

    Parameters
    ----------
    value
        Anything; usually a string read from an input file.
    max_chars
        Longest result, in characters, or None for no limit.

    Returns
    -------
    str
        The cleaned text.

    Examples
    --------
    >>> clean_text("Cost $5 \\u202e\\nof x_1^2")
    'Cost $5 of x_1^2'
    >>> clean_text("A very long name indeed", max_chars=10)
    'A very lo…'
    >>> clean_text(None)
    ''
    """
    if is_missing(value):
        return ""
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in str(value))
    text = " ".join(text.split())
    if max_chars is not None and len(text) > max_chars:
        text = text[: max(max_chars - 1, 0)].rstrip() + "…"
    return text


def wrap(text: str, width_chars: int, max_lines: int) -> list[str]:
    """Wrap ``text`` to at most ``max_lines`` lines of ``width_chars``; ellipsis on overflow."""
    width_chars = max(width_chars, 3)
    lines = textwrap.wrap(text, width=width_chars, break_long_words=True) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        lines[-1] = (last[: width_chars - 1].rstrip() if len(last) >= width_chars else last) + "…"
    return lines


@functools.lru_cache(maxsize=4096)
def text_width_mm(text: str, size_pt: float, *, bold: bool = False) -> float:
    """Width of one line of print text at ``size_pt``, millimetres (measured)."""
    # as matplotlib's TextToPath measures it: at 100 pt, scaled to the size
    width_pt = _width_at_100pt(text, bold) * (float(size_pt) / 100.0)
    return float(width_pt) * PT_MM


@functools.lru_cache(maxsize=8192)
def _width_at_100pt(text: str, bold: bool) -> float:
    """Width of ``text`` at 100 pt in points: the measure of every size."""
    from matplotlib.font_manager import get_font
    from matplotlib.ft2font import LoadFlags

    font = get_font(_print_font_files(bold))
    font.set_size(100.0, 72.0)
    font.set_text(text, 0.0, flags=LoadFlags.NO_HINTING)
    width, _ = font.get_width_height()
    return width / 64.0


@functools.cache
def _print_font_files(bold: bool) -> tuple[Any, ...]:
    """The font files of print text (first choice, then the per-glyph fallbacks)."""
    from matplotlib.font_manager import FontProperties, fontManager

    register_print_fonts()
    prop = FontProperties(family=list(PRINT_FONT_FAMILIES), weight="bold" if bold else "normal")
    return tuple(fontManager._find_fonts_by_props(prop))


def longest_fitting(fits: Callable[[str], bool], pieces: Sequence[str], sep: str,
                     end: str = "") -> int:
    """The most ``pieces`` (from the first) that fit joined by ``sep`` and followed by
    ``end``: the largest ``k`` with ``fits(sep.join(pieces[:k]) + end)``, 0 if none.

    The width of a line grows with each word or character added to its end, so
    a bisection finds it, measuring about log2(n) candidates where trying each
    in turn measured n.
    """
    lo, hi = 0, len(pieces)  # the answer is in lo..hi
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(sep.join(pieces[:mid]) + end):
            lo = mid
        else:
            hi = mid - 1
    return lo


def wrap_mm(text: str, width_mm: float, size_pt: float, max_lines: int, *,
             bold: bool = False) -> list[str]:
    """Wrap ``text`` into lines no wider than ``width_mm``; ellipsis when it overflows.

    Each line takes as many words as fit (a word wider than a line is broken);
    the longest fitting line is found by bisection.
    """
    def fits(line: str) -> bool:
        return text_width_mm(line, size_pt, bold=bold) <= width_mm + 0.05

    lines: list[str] = []
    words = text.split()
    i = 0
    while i < len(words):
        k = longest_fitting(fits, words[i:], " ")
        if k:
            lines.append(" ".join(words[i:i + k]))
            i += k
            continue
        # a single word wider than the line: break it
        word = words[i]
        cut = max(longest_fitting(fits, word, ""), 1)
        lines.append(word[:cut])
        if cut < len(word):
            words[i] = word[cut:]
        else:  # one character, wider than the line on its own
            i += 1
    if not lines:
        lines.append("")
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        keep = longest_fitting(fits, last, "", "…")
        lines = [*lines[: max_lines - 1], last[:keep].rstrip() + "…"]
    return lines


def chars_for(width_mm: float, size_pt: float) -> int:
    """How many characters of print text at ``size_pt`` fit in ``width_mm``."""
    return max(int(width_mm / (size_pt * _CHAR_EM * PT_MM)), 1)


def fmt_number(value: Any) -> str:
    """Format a whole number with thousands separators; missing values as an en dash."""
    number = finite_number(value)
    return "–" if number is None else f"{number:,.0f}"


def fmt_money(value: Any) -> str:
    """Format pounds compactly: £950, £12.3k, £4.56m."""
    number = finite_number(value)
    if number is None:
        return "–"
    size = abs(number)
    if size >= 1e6:
        return f"£{number / 1e6:,.2f}m"
    if size >= 1e4:
        return f"£{number / 1e3:,.0f}k"
    if size >= 1e3:
        return f"£{number / 1e3:,.1f}k"
    return f"£{number:,.0f}"


def abbreviations(agencies: Iterable[str]) -> dict[str, str]:
    """Short, unique abbreviations for agency names (``Kent County Council`` -> ``KCC``)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    small = {"and", "of", "the", "for", "in", "&"}
    for name in sorted({str(a) for a in agencies}):
        words = re.findall(r"[^\W_]+", clean_text(name))
        parts = []
        for word in words:
            if word.lower() in small:
                continue
            if len(word) > 1 and word.isupper():
                parts.append(word)
            else:
                parts.append(word[0].upper())
        abbr = "".join(parts)[:6]
        if len(abbr) < 2:
            abbr = ("".join(words)[:3].upper() or "AG")
        candidate, n = abbr, 2
        while candidate in used:
            candidate, n = f"{abbr}{n}", n + 1
        used.add(candidate)
        out[name] = candidate
    return out
