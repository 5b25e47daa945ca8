"""Compact, fixed-layout text for the reach page: labels without ``Text`` objects,
and a table of one-line rows laid out from character widths.

A matplotlib ``Text`` measures each of its lines with FreeType before the PDF
backend lays the line out again to draw it (about 0.3 ms a short line, on top
of the drawing). The reach page draws some 150 short one-line texts, most of
them table cells, so :class:`Labels` hands them straight to the renderer's
``draw_text`` (the same glyphs, font subsets and searchable text in the PDF)
and places them from advance widths read once per character from the font
(:func:`label_width_mm`), instead of measuring every string.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .fonts import PRINT_FONT_FAMILIES, register_print_fonts
from .layout import MIN_FONT_PT, MUTED, TEXT, Page
from .text import PT_MM, clean_text

if TYPE_CHECKING:
    from matplotlib.backend_bases import RendererBase

#: The height of capitals and ascenders above the baseline, in em (DejaVu Sans).
ASCENT_EM = 0.76
#: The height of capitals and figures (DejaVu Sans), and the depth of descenders, em.
CAP_EM = 0.73
DESCENT_EM = 0.24
_EM_SIZE = 100.0  # the font size advances are read at
#: A table cell that warns: bold dark red, as the HTML cards' warnings (``.kent-strands``).
STRONG = "#9B1C1C"


@functools.lru_cache(maxsize=2)
def _faces(bold: bool) -> tuple[Any, ...]:
    """The print fonts' faces (first choice first), loaded once for their advances."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    register_print_fonts()
    faces = []
    for family in PRINT_FONT_FAMILIES:
        prop = font_manager.FontProperties(family=family, weight="bold" if bold else "normal")
        face = FT2Font(font_manager.findfont(prop, fallback_to_default=False))
        face.set_size(_EM_SIZE, 72)
        faces.append(face)
    return tuple(faces)


@functools.lru_cache(maxsize=1024)
def _advance_em(char: str, bold: bool) -> float:
    """How far one character moves the pen, in em (the first font that has it)."""
    from matplotlib.ft2font import LoadFlags

    faces = _faces(bold)
    face = next((f for f in faces if f.get_char_index(ord(char))), faces[0])
    glyph = face.load_char(ord(char), flags=LoadFlags.NO_HINTING)
    return float(glyph.linearHoriAdvance) / 65536.0 / _EM_SIZE


def label_width_mm(text: str, size_pt: float, *, bold: bool = False) -> float:
    """Width of one line of print text, mm, from its characters' advances (no kerning).

    Examples
    --------
    >>> round(label_width_mm("1,240", 8.0), 2)
    8.08
    """
    return sum(_advance_em(ch, bold) for ch in text) * size_pt * PT_MM


def clip_label(text: str, width_mm: float, size_pt: float, *, bold: bool = False) -> str:
    """``text`` as one line no wider than ``width_mm``, ending in an ellipsis if cut."""
    if label_width_mm(text, size_pt, bold=bold) <= width_mm + 0.05:
        return text
    while text and label_width_mm(text + "…", size_pt, bold=bold) > width_mm:
        text = text[:-1]
    return text.rstrip() + "…"


class Labels:
    """One-line texts of one size, drawn by one artist in the order added.

    Positions are mm on the page, ``y`` the baseline; ``ha`` is ``left``,
    ``right`` or ``center``. A line may be bold or coloured unlike the rest.
    :meth:`add_to` puts the artist on the page.
    """

    def __init__(self, page: Page, *, size_pt: float, bold: bool = False,
                 color: str = TEXT) -> None:
        self.page = page
        self.size_pt = size_pt
        self.bold = bold
        self.color = color
        self.items: list[tuple[float, float, str, bool, str]] = []  # x, y, text, bold, colour

    def add(self, x_mm: float, y_mm: float, text: str, *, ha: str = "left",
            va: str = "baseline", bold: bool | None = None, color: str | None = None) -> None:
        """A line of text (already clean) at ``x_mm``, ``y_mm``, aligned as ``ha``, ``va``.

        ``va`` is ``baseline``, ``top`` (of the capitals), ``center`` (of the
        capitals) or ``bottom`` (of the descenders); ``bold`` and ``color``
        default to the labels'.
        """
        if not text:
            return
        bold = self.bold if bold is None else bold
        shift = 0.0 if ha == "left" else label_width_mm(text, self.size_pt, bold=bold) * (
            {"right": 1.0, "center": 0.5}[ha])
        em = self.size_pt * PT_MM
        drop = {"baseline": 0.0, "top": ASCENT_EM * em, "center": CAP_EM / 2 * em,
                "bottom": -DESCENT_EM * em}[va]
        self.items.append((x_mm - shift, y_mm - drop, text, bold, color or self.color))

    def add_to(self) -> None:
        """Put the lines on the page (one artist; nothing when there are none)."""
        if self.items:
            self.page.fig.add_artist(_labels_artist()(self))


@functools.cache
def _labels_artist() -> type:
    """The artist class (made on first use: matplotlib is imported only to print)."""
    from matplotlib.artist import Artist
    from matplotlib.font_manager import FontProperties

    class LabelsArtist(Artist):
        """Draws a :class:`Labels`' lines straight through the renderer."""

        def __init__(self, labels: Labels) -> None:
            super().__init__()
            self.labels = labels
            self.set_zorder(3)  # where a Text would be

        def draw(self, renderer: RendererBase) -> None:
            if not self.get_visible():
                return
            lab = self.labels
            props = {bold: FontProperties(family=list(PRINT_FONT_FAMILIES), size=lab.size_pt,
                                          weight="bold" if bold else "normal")
                     for bold in (False, True)}
            gc = renderer.new_gc()
            to_px = lab.page.fig.transFigure
            w, h = lab.page.width_mm, lab.page.height_mm
            for x, y, text, bold, color in lab.items:
                px, py = to_px.transform((x / w, y / h))
                gc.set_foreground(color)
                renderer.draw_text(gc, px, py, text, props[bold], 0.0)
            gc.restore()
            self.stale = False

    return LabelsArtist


@dataclass(frozen=True)
class Cell:
    """A column of a compact table: its header lines, share of spare width, alignment."""

    header: tuple[str, ...]
    weight: float = 0.0  # 0: as wide as its widest cell; else a share of the rest
    align: str = "left"


@dataclass
class _Writers:
    """The labels a table draws: bold headers, body text, the muted note."""

    head: Labels
    body: Labels
    note: Labels
    rules: list[tuple[float, float, float]] = field(default_factory=list)  # x0, x1, y
    shaded: list[tuple[float, float]] = field(default_factory=list)  # y0, y1

    def draw(self, page: Page) -> None:
        from matplotlib.collections import LineCollection, PolyCollection

        for labels in (self.head, self.body, self.note):
            labels.add_to()
        mm = mm_transform(page)
        if self.shaded:
            x0, x1 = self.rules[0][0], self.rules[0][1]
            page.fig.add_artist(PolyCollection(
                [[(x0, a), (x1, a), (x1, b), (x0, b)] for a, b in self.shaded],
                transform=mm, facecolors="#F1F1F1", edgecolors="none", zorder=0))
        page.fig.add_artist(LineCollection([[(a, y), (b, y)] for a, b, y in self.rules],
                                           transform=mm, colors="#333333",
                                           linewidths=[0.8] + [0.5] * (len(self.rules) - 1)))


def mm_transform(page: Page) -> Any:
    """Millimetres from the page's lower-left corner to the page."""
    from matplotlib.transforms import Affine2D

    return Affine2D().scale(1 / page.width_mm, 1 / page.height_mm) + page.fig.transFigure


def _widths(columns: Sequence[Cell], rows: Sequence[Sequence[str]], width_mm: float,
            size_pt: float, pad_mm: float, strong: Collection[str]) -> list[float]:
    """Column widths: fixed columns as wide as their widest cell, the rest shared."""
    widths = []
    for i, col in enumerate(columns):
        head = max(label_width_mm(h, size_pt, bold=True) for h in col.header)
        cells = max((label_width_mm(r[i], size_pt, bold=r[i] in strong) for r in rows),
                    default=0.0)
        widths.append(max(head, 0.0 if col.weight else cells) + 2 * pad_mm)
    spare = max(width_mm - sum(widths), 0.0)
    total = sum(c.weight for c in columns) or 1.0
    return [w + spare * c.weight / total for w, c in zip(widths, columns, strict=True)]


def compact_table_height_mm(columns: Sequence[Cell], n_rows: int, size_pt: float, *,
                            title: bool, note_lines: int) -> float:
    """The height :func:`draw_compact_table` takes, mm."""
    line = size_pt * PT_MM * 1.2
    head = max(len(c.header) for c in columns)
    return ((size_pt + 2.5) * PT_MM * 1.3 + 1.5 if title else 0.0) + head * line + 1.6 + (
        n_rows * (line + 1.5) + 1.0 + note_lines * MIN_FONT_PT * PT_MM * 1.2)


def draw_compact_table(page: Page, origin: tuple[float, float, float],
                       columns: Sequence[Cell], rows: Sequence[Sequence[str]], *,
                       size_pt: float, title: str = "", note: Sequence[str] = (),
                       strong: Collection[str] = ()) -> float:
    """A table of one-line rows from ``origin`` = (x, top, width) mm; return its bottom.

    Cells are cut to their column with an ellipsis; the header lines are given
    (nothing is wrapped); ``note`` lines go under the table in small type; a
    cell whose text is in ``strong`` is drawn bold in :data:`STRONG`.
    """
    x, y, width = origin
    pad = 1.0
    line = size_pt * PT_MM * 1.2
    ascent = size_pt * PT_MM * ASCENT_EM
    out = _Writers(Labels(page, size_pt=size_pt, bold=True), Labels(page, size_pt=size_pt),
                   Labels(page, size_pt=MIN_FONT_PT, color=MUTED))
    if title:
        big = Labels(page, size_pt=size_pt + 2.5, bold=True)
        big.add(x, y - (size_pt + 2.5) * PT_MM * ASCENT_EM, clean_text(title))
        big.add_to()
        y -= (size_pt + 2.5) * PT_MM * 1.3 + 1.5
    widths = _widths(columns, rows, width, size_pt, pad, strong)
    lefts = [x + sum(widths[:i]) for i in range(len(widths))]
    n_head = max(len(c.header) for c in columns)

    def put(labels: Labels, i: int, baseline: float, text: str) -> None:
        right = columns[i].align == "right"
        bold = labels.bold or text in strong
        cell = clip_label(text, widths[i] - 2 * pad, size_pt, bold=bold)
        labels.add(lefts[i] + widths[i] - pad if right else lefts[i] + pad, baseline, cell,
                   ha="right" if right else "left", bold=bold,
                   color=STRONG if text in strong else None)

    for i, col in enumerate(columns):  # headers bottom-aligned
        for k, text in enumerate(col.header):
            put(out.head, i, y - 0.8 - ascent - (n_head - len(col.header) + k) * line, text)
    y -= n_head * line + 1.6
    out.rules.append((x, x + width, y))
    for r, row in enumerate(rows):
        if r % 2 == 1:
            out.shaded.append((y - line - 1.5, y))
        for i, text in enumerate(row):
            put(out.body, i, y - 0.75 - ascent, clean_text(text))
        y -= line + 1.5
    out.rules.append((x, x + width, y))
    for k, text in enumerate(note):
        out.note.add(x, y - 0.8 - MIN_FONT_PT * PT_MM * (ASCENT_EM + 1.2 * k), clean_text(text))
    out.draw(page)
    return y - 1.0 - len(note) * MIN_FONT_PT * PT_MM * 1.2
