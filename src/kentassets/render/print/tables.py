"""Tables on a print page: column widths, heights, drawing with alternate row
shading, and the district shortlist's columns and rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .layout import MIN_FONT_PT, MUTED, TEXT, Page
from .text import PT_MM, clean_text, fmt_money, fmt_number, text_width_mm, wrap_mm

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.transforms import Transform


@dataclass(frozen=True)
class Column:
    header: str
    weight: float = 0.0  # 0: as wide as its widest cell; else a share of the rest
    align: str = "left"


def _column_widths(columns: Sequence[Column], rows: Sequence[Sequence[str]], width_mm: float,
                   size_pt: float, pad_mm: float) -> list[float]:
    widths = [0.0] * len(columns)
    for i, col in enumerate(columns):
        if col.weight == 0:
            cells = [clean_text(r[i]) for r in rows] or [""]
            need = max(text_width_mm(c, size_pt) for c in cells)
            head = max((text_width_mm(w, size_pt, bold=True) for w in col.header.split()),
                       default=0.0)
            widths[i] = max(need, head) + 2 * pad_mm + 0.3
    rest = width_mm - sum(widths)
    total = sum(c.weight for c in columns if c.weight > 0)
    for i, col in enumerate(columns):
        if col.weight > 0:
            head = max((text_width_mm(w, size_pt, bold=True) for w in col.header.split()),
                       default=0.0)
            widths[i] = max(rest * col.weight / total, head + 2 * pad_mm + 0.3, 6.0)
    scale = min(1.0, width_mm / sum(widths))
    return [w * scale for w in widths]


def table_height_mm(columns: Sequence[Column], rows: Sequence[Sequence[str]], width_mm: float,
                     size_pt: float, max_lines: int) -> float:
    """Height the header and all ``rows`` of a table need, in mm (as :func:`draw_table`)."""
    pad = 1.0
    widths = _column_widths(columns, rows, width_mm, size_pt, pad)
    line_mm = size_pt * PT_MM * 1.2
    head = max(len(wrap_mm(c.header, widths[i] - 2 * pad, size_pt, 3, bold=True))
               for i, c in enumerate(columns))
    total = head * line_mm + 1.6
    for row in rows:
        n = max(len(wrap_mm(clean_text(v), widths[i] - 2 * pad, size_pt, max_lines))
                for i, v in enumerate(row))
        total += n * line_mm + 1.5
    return total


class _OnPage:
    """Draws like an ``Axes`` whose units are mm from ``origin``, straight on the page.

    A table needs no Axes: creating one (spines, axis, ticks) and clipping each of
    its texts to it costs more than drawing the table's text. Only the methods
    :func:`draw_table` uses.
    """

    def __init__(self, page: Page, origin: tuple[float, float]) -> None:
        from matplotlib.transforms import Affine2D

        self.fig = page.fig
        self.transform: Transform = (Affine2D().translate(*origin)
                                     .scale(1 / page.width_mm, 1 / page.height_mm)
                                     + page.fig.transFigure)

    def text(self, x: float, y: float, s: str, **kw: Any) -> Any:
        from matplotlib.text import Text

        return self.fig.add_artist(Text(x, y, s, transform=self.transform, **kw))

    def plot(self, xs: Sequence[float], ys: Sequence[float], **kw: Any) -> Any:
        from matplotlib.lines import Line2D

        return self.fig.add_artist(Line2D(xs, ys, transform=self.transform, **kw))

    def add_patch(self, patch: Any) -> Any:
        patch.set_transform(self.transform)
        return self.fig.add_artist(patch)


def _surface(page: Page, box: tuple[float, float, float, float], on_page: bool) -> Any:
    """Where a table in ``box`` draws, in mm from its lower-left corner."""
    x0, y0, w, h = box
    if on_page:
        return _OnPage(page, (x0, y0))
    ax = page.fig.add_axes(page.rect(x0, y0, w, h))
    ax.set_xlim(0, w)
    ax.set_ylim(0, h)
    ax.axis("off")
    return ax


@dataclass(frozen=True)
class _TableGrid:
    """The columns of a table being drawn into ``ax`` (units are mm)."""

    ax: Axes | _OnPage
    columns: Sequence[Column]
    widths: Sequence[float]
    lefts: Sequence[float]
    size_pt: float
    pad: float = 1.0

    @property
    def line_mm(self) -> float:
        return self.size_pt * PT_MM * 1.2

    def wrap(self, i: int, text: str, max_lines: int, *, bold: bool = False) -> list[str]:
        """``text`` wrapped to the width of column ``i``."""
        return wrap_mm(text, self.widths[i] - 2 * self.pad, self.size_pt, max_lines, bold=bold)

    def put(self, i: int, top: float, lines: Sequence[str], bold: bool) -> None:
        """Draw the lines of one cell of column ``i`` from ``top`` down."""
        col = self.columns[i]
        xx, ha = ((self.lefts[i] + self.widths[i] - self.pad, "right") if col.align == "right"
                  else (self.lefts[i] + self.pad, "left"))
        ascent_mm = self.size_pt * PT_MM * 0.78
        for k, line in enumerate(lines):
            if line:
                self.ax.text(xx, top - ascent_mm - k * self.line_mm, line, fontsize=self.size_pt,
                             fontweight="bold" if bold else "normal", va="baseline", ha=ha,
                             parse_math=False, color=TEXT)


def _draw_header(grid: _TableGrid, y: float, w: float) -> float:
    """The column headers (bold, bottom-aligned) and a rule; return the y below."""
    head = [grid.wrap(i, c.header, 3, bold=True) for i, c in enumerate(grid.columns)]
    n_head = max(len(x) for x in head)
    for i, lines in enumerate(head):
        grid.put(i, y - 0.8 - (n_head - len(lines)) * grid.line_mm, lines, True)
    y -= n_head * grid.line_mm + 1.6
    grid.ax.plot([0, w], [y, y], color="#333333", lw=0.8)
    return y


def _draw_rows(grid: _TableGrid, rows: Sequence[Sequence[str]], y: float, w: float, *,
               max_lines: int, bold_last: bool) -> tuple[float, int]:
    """Rows with alternate shading while they fit (room is kept for the "more" note)."""
    from matplotlib.patches import Rectangle

    note_h = grid.line_mm + 1.5
    drawn = 0
    for r, row in enumerate(rows):
        cells = [grid.wrap(i, clean_text(v), max_lines) for i, v in enumerate(row)]
        rh = max(len(x) for x in cells) * grid.line_mm + 1.5
        reserve = note_h if r < len(rows) - 1 else 0.0
        if y - rh < reserve:
            break
        if r % 2 == 1:
            grid.ax.add_patch(Rectangle((0, y - rh), w, rh, fc="#F1F1F1", ec="none", zorder=0))
        bold = bold_last and r == len(rows) - 1
        for i, lines in enumerate(cells):
            grid.put(i, y - 0.75, lines, bold)
        y -= rh
        drawn += 1
    return y, drawn


def draw_table(
    page: Page,
    box: tuple[float, float, float, float],
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    *,
    size_pt: float,
    title: str | None = None,
    max_lines: int = 2,
    more_note: str = "",
    bold_last: bool = False,
    on_page: bool = True,
) -> int:
    """Draw a table in ``box`` = (x, y, w, h) mm; return how many rows fitted.

    ``on_page`` (the default): draw straight on the page rather than into an
    Axes of its own (the same to the eye, about half the cost; the rows that
    do not fit are left out as before, but nothing is clipped to ``box``).
    """
    _, _, w, h = box
    ax = _surface(page, box, on_page)
    y = h
    if title:
        ax.text(0, y, title, fontsize=size_pt + 2.5, fontweight="bold", va="top", ha="left",
                parse_math=False, color=TEXT)
        y -= (size_pt + 2.5) * PT_MM * 1.3 + 1.5
    widths = _column_widths(columns, rows, w, size_pt, 1.0)
    lefts = np.concatenate([[0.0], np.cumsum(widths)[:-1]])
    grid = _TableGrid(ax, columns, widths, list(lefts), size_pt)
    y = _draw_header(grid, y, w)
    y, drawn = _draw_rows(grid, rows, y, w, max_lines=max_lines, bold_last=bold_last)
    ax.plot([0, w], [y, y], color="#333333", lw=0.5)
    left = len(rows) - drawn
    if left > 0 or more_note:
        note = (f"+ {left} more not shown. " if left > 0 else "") + more_note
        lines = wrap_mm(clean_text(note), w, MIN_FONT_PT, 3)  # a footnote may run long
        ax.text(0, y - 0.8, "\n".join(lines), fontsize=MIN_FONT_PT, va="top", ha="left",
                color=MUTED, parse_math=False, linespacing=1.2)
    return drawn


SHORTLIST_COLUMNS = (
    Column("Id"),
    Column("Place (largest member)", 3.0),
    Column("Agencies", 2.0),
    Column("Floor area m²", align="right"),
    Column("Staff FTE", align="right"),
    Column("Running cost /yr", align="right"),
    Column("Saving /yr (est.)", align="right"),
    Column("Rank", align="right"),
    Column("Status"),
)


def shortlist_rows(shortlist: pd.DataFrame) -> list[list[str]]:
    rows = []
    for s in shortlist.to_dict("records"):
        dr, rk = s["district_rank"], s["rank"]
        rank = fmt_number(dr) if pd.notna(dr) else "–"
        if pd.notna(rk):
            rank += f" ({fmt_number(rk)})"
        rows.append([
            s["colocation_id"], s["place"], s["agencies"], fmt_number(s["gia_m2"]),
            fmt_number(s["staff_fte"]), fmt_money(s["annual_cost_gbp"]),
            str(s.get("saving_text") or fmt_money(s["saving_gbp"])), rank,
            s.get("status", ""),
        ])
    return rows
