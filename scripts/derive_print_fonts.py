"""Derive the compact print fonts that kentassets ships as package data.

Run once by a developer, from the repository root, to refresh the files in
``src/kentassets/data/fonts/``::

    python scripts/derive_print_fonts.py

Why: every PDF embeds a TrueType (Type 42) subset of each font it uses, and
matplotlib builds that subset with fontTools from the whole font file. DejaVu
Sans carries large OpenType layout tables (``GSUB``, ``GPOS``, ``GDEF``), a
``MATH`` table and hinting programs; fontTools decompiles them for every subset,
about 0.12 s a time, and the ligatures in ``GSUB`` make matplotlib embed a
second subset of the same face. The derived fonts keep DejaVu Sans's outlines,
advance widths and pair kerning (the legacy ``kern`` table) for Latin text and
common symbols, and drop the rest: a subset then takes about 0.006 s.

Source: ``DejaVuSans.ttf`` and ``DejaVuSans-Bold.ttf`` bundled with matplotlib
(a runtime dependency), DejaVu Fonts licence (Bitstream Vera licence plus public
domain changes), which allows modified copies when they are renamed to names
without "Bitstream" or "Vera": the family is renamed to :data:`FAMILY`. The
copyright and licence name records are kept.

Characters outside :data:`UNICODE_RANGES` are drawn from matplotlib's own DejaVu
Sans by font fallback (``kentassets.render.print.layout``), so nothing a
register holds goes missing; it only costs that page the slower subset.

The output is deterministic: the same matplotlib and fontTools versions give
byte-identical files (no timestamps are recalculated).
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import matplotlib
from fontTools import subset
from fontTools.ttLib import TTFont

#: Where the package data goes, relative to the repository root.
OUT_DIR = Path("src/kentassets/data/fonts")
#: The derived family's name (the DejaVu licence asks for a new name).
FAMILY = "Kentassets Sans"
#: (source file in matplotlib's fonts/ttf, output file, style name)
FACES = (
    ("DejaVuSans.ttf", "KentassetsSans.ttf", "Book"),
    ("DejaVuSans-Bold.ttf", "KentassetsSans-Bold.ttf", "Bold"),
)
#: Unicode blocks kept: Latin with every European accent (Welsh ŵ ŷ included),
#: punctuation, currency, letter-like symbols, arrows, maths and geometric
#: shapes. Fewer glyphs make a cheaper subset (1,524 glyphs: 6 ms a subset;
#: with Greek, Cyrillic and dingbats too, 2,845 glyphs: 13 ms); other scripts
#: are drawn from DejaVu Sans by fallback.
UNICODE_RANGES = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x024F),  # Latin-1 Supplement, Latin Extended-A and -B
    (0x1E00, 0x1EFF),  # Latin Extended Additional
    (0x2000, 0x206F),  # general punctuation
    (0x20A0, 0x20CF),  # currency symbols
    (0x2100, 0x214F),  # letter-like symbols
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # mathematical operators
    (0x25A0, 0x25FF),  # geometric shapes
    (0xFFFD, 0xFFFD),  # replacement character
)
#: Name records rewritten with the new family (1 family, 3 unique id, 4 full
#: name, 6 PostScript name, 16/17 typographic family and subfamily).
_RENAMED = (1, 3, 4, 6, 16, 17)


def _options() -> subset.Options:
    options = subset.Options()
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "MATH", "FFTM"]
    options.hinting = False  # PDFs are drawn from outlines; hints only add bytes
    options.legacy_kern = True  # keep pair kerning in the 'kern' table
    options.glyph_names = True
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.recalc_timestamp = False
    return options


def _rename(font: TTFont, style: str) -> None:
    ps_family = FAMILY.replace(" ", "")
    names = {
        1: FAMILY,
        3: f"{ps_family}-{style}",
        4: FAMILY if style == "Book" else f"{FAMILY} {style}",
        6: ps_family if style == "Book" else f"{ps_family}-{style}",
        16: FAMILY,
        17: style,
    }
    table = font["name"]
    table.names = [record for record in table.names if record.nameID not in _RENAMED]
    for name_id, value in names.items():
        table.setName(value, name_id, 3, 1, 0x409)
        table.setName(value, name_id, 1, 0, 0)


def derive(source: Path, target: Path, style: str) -> None:
    """Subset ``source`` to :data:`UNICODE_RANGES`, drop layout tables, rename, save."""
    options = _options()
    font = subset.load_font(str(source), options, dontLoadGlyphNames=False)
    subsetter = subset.Subsetter(options=options)
    unicodes = [u for low, high in UNICODE_RANGES for u in range(low, high + 1)]
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    _rename(font, style)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    subset.save_font(font, str(tmp), options)
    tmp.replace(target)


def main() -> int:
    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    for source_name, target_name, style in FACES:
        target = OUT_DIR / target_name
        derive(fonts / source_name, target, style)
        digest = hashlib.sha256(target.read_bytes()).hexdigest()[:16]
        print(f"{target}: {target.stat().st_size:,} bytes, sha256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
