"""The package's print fonts: DejaVu Sans's metrics, one subset per face, fallback.

The PDFs embed "Kentassets Sans" (derived from matplotlib's DejaVu Sans by
``scripts/derive_print_fonts.py``) because subsetting it is about twenty times
cheaper; these tests check that nothing a reader sees changed: the same advance
widths and kerning, searchable text, and characters outside the compact font
still drawn (in DejaVu Sans) rather than lost.
"""

from __future__ import annotations

import io
from importlib import resources
from pathlib import Path

import matplotlib
import pytest
from fontTools.ttLib import TTFont

from kentassets.render.print.fonts import PRINT_FONT_FAMILIES, PRINT_FONT_FILES
from kentassets.render.print.layout import new_page, rc
from kentassets.render.print.write import figure_pdf_bytes

pypdf = pytest.importorskip("pypdf")

DEJAVU = Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _font(name: str) -> TTFont:
    return TTFont(str(resources.files("kentassets") / "data" / "fonts" / name))


@pytest.mark.parametrize(("ours", "theirs"), [
    ("KentassetsSans.ttf", "DejaVuSans.ttf"),
    ("KentassetsSans-Bold.ttf", "DejaVuSans-Bold.ttf"),
])
def test_same_widths_and_kerning_as_dejavu(ours: str, theirs: str) -> None:
    mine, source = _font(ours), TTFont(str(DEJAVU / theirs))
    cmap, source_cmap = mine.getBestCmap(), source.getBestCmap()
    text = "Kent County Council, 1–3 Week St, Maidstone ME14 1RF · £1.2m ≥ 8 m² Łódź Ŵ"
    for char in text:
        assert ord(char) in cmap, char
        assert (mine["hmtx"][cmap[ord(char)]] == source["hmtx"][source_cmap[ord(char)]]), char
    # pair kerning is kept (the legacy 'kern' table), the layout tables are gone
    assert "kern" in mine and not {"GSUB", "GPOS", "GDEF"} & set(mine.keys())
    pairs = mine["kern"].kernTables[0].kernTable
    assert pairs.get((cmap[ord("T")], cmap[ord("o")])) == source["kern"].kernTables[0].kernTable[
        (source_cmap[ord("T")], source_cmap[ord("o")])]
    # renamed, as the DejaVu (Bitstream Vera) licence asks of a modified font; licence kept
    names = {record.nameID: str(record) for record in mine["name"].names}
    assert names[1] == PRINT_FONT_FAMILIES[0]
    assert "Vera" not in names[1] + names[4] + names[6]
    assert "Bitstream" in names[13]


def _page_pdf(text: str) -> bytes:
    with rc():  # as every print page is drawn
        page = new_page("A4")
        page.text(20, 150, text, fontsize=12)
        page.text(20, 120, "Bold heading", fontsize=12, fontweight="bold")
    return figure_pdf_bytes(page.fig, title="fonts")


def _embedded_fonts(data: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    return sorted(str(ref.get_object()["/BaseFont"]).split("+")[-1] for ref in fonts.values())


def test_one_subset_per_face_and_searchable() -> None:
    # "fi" and "ffl" were ligatures in DejaVu Sans, which made a second subset per face
    data = _page_pdf("Office fit-out at Waffle House, Ashford")
    assert _embedded_fonts(data) == ["KentassetsSans", "KentassetsSans-Bold"]
    text = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "Office fit-out at Waffle House, Ashford" in text
    assert "Bold heading" in text


def test_characters_outside_the_compact_font_fall_back_to_dejavu() -> None:
    armenian = "Երևան"  # in DejaVu Sans, not in Kentassets Sans
    assert ord(armenian[0]) not in _font(PRINT_FONT_FILES[0]).getBestCmap()
    data = _page_pdf(f"Hall {armenian} Road")
    assert "DejaVuSans" in _embedded_fonts(data)
    assert armenian in pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()


def test_registering_twice_adds_nothing() -> None:
    from matplotlib import font_manager

    from kentassets.render.print.fonts import register_print_fonts

    register_print_fonts()
    before = len(font_manager.fontManager.ttflist)
    register_print_fonts.cache_clear()
    register_print_fonts()
    assert len(font_manager.fontManager.ttflist) == before
