"""The print fonts: the package's compact "Kentassets Sans", then DejaVu Sans.

Every PDF embeds a TrueType (Type 42) subset of each face it uses: vector,
searchable text. matplotlib builds each subset with fontTools from the whole
font file, which for DejaVu Sans took about 0.2 s a subset, because its
OpenType layout tables are decompiled every time and its ligatures add a second
subset of the same face. "Kentassets Sans" (``data/fonts``, derived from
matplotlib's DejaVu Sans by ``scripts/derive_print_fonts.py``) has the same
outlines, advance widths and kerning for Latin text (every European accent)
and common symbols, without those tables, and subsets in about 0.006 s. A
character it lacks (Greek, Cyrillic...) is drawn in DejaVu Sans by matplotlib's
per-glyph font fallback.
"""

from __future__ import annotations

import functools
from importlib import resources

#: Font families of print text, first choice first (matplotlib falls back per glyph).
PRINT_FONT_FAMILIES: tuple[str, ...] = ("Kentassets Sans", "DejaVu Sans")
#: The package's print font files, in ``kentassets/data/fonts``.
PRINT_FONT_FILES: tuple[str, ...] = ("KentassetsSans.ttf", "KentassetsSans-Bold.ttf")


@functools.cache
def register_print_fonts() -> None:
    """Make the package's print fonts known to matplotlib's font manager (once).

    Adding a font is the one change made outside a scoped ``rc_context``:
    matplotlib keeps one font list per process. Registering is idempotent, and
    a process that never prints never loads the fonts.
    """
    from matplotlib import font_manager

    known = {entry.fname for entry in font_manager.fontManager.ttflist}
    folder = resources.files("kentassets") / "data" / "fonts"
    for name in PRINT_FONT_FILES:
        path = str(folder / name)
        if path not in known:
            font_manager.fontManager.addfont(path)
