"""The reach page's options chart, drawn straight on the page.

No matplotlib Axes: its spines, ticks, locators, grid and legend cost more than
the few lines, labels and markers the chart needs (about 0.06 s a page). The
chart is one transform from data (sites kept, per cent) to the page, a line and
its markers per service, five gridlines and short tick labels; its legend rows
say what the curve means for each service, so the page needs no separate notes.
Text is left-aligned at fixed line heights: nothing is measured to lay it out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import style
from .._reach import (
    COVERED_SHARE,
    CURRENT_SHARE,
    CURRENT_SITES,
    KEEPS_CURRENT,
    SERVICE,
    SOLVE_STATUS,
    SOLVED_OPTIMAL,
    K,
    distance_text,
    service_label,
    share_text,
)
from ._compact import Labels, mm_transform
from .layout import MUTED, Page
from .text import PT_MM, clean_text

if TYPE_CHECKING:
    from matplotlib.transforms import Transform

#: Gridlines of the share axis, per cent.
_GRID_PCT = (0, 25, 50, 75, 100)
_STAR_EDGE = "#222222"


@dataclass(frozen=True)
class Curve:
    """One service's options curve."""

    label: str
    k: np.ndarray
    share: np.ndarray
    today_k: int
    today_share: float
    keeps_today: int | None  # fewest sites that keep today's share
    optimal: bool


def _column(options: pd.DataFrame, name: str, default: Any) -> np.ndarray:
    """A column of the options as floats (``default`` where the table lacks it)."""
    if name not in options.columns:
        return np.full(len(options), default, dtype=float)
    return pd.to_numeric(options[name], errors="coerce").to_numpy(dtype=float)


def options_curves(options: pd.DataFrame) -> list[Curve]:
    """The options per service, in the order the table first names them."""
    if not len(options):
        return []
    services = options[SERVICE].astype(str).to_numpy()
    k_all = _column(options, K, np.nan)
    share_all = _column(options, COVERED_SHARE, np.nan)
    current_all = _column(options, CURRENT_SHARE, np.nan)
    sites_all = _column(options, CURRENT_SITES, np.nan)
    keeps_all = (options[KEEPS_CURRENT].astype("boolean").fillna(False).to_numpy(dtype=bool)
                 if KEEPS_CURRENT in options.columns else None)
    optimal_all = (options[SOLVE_STATUS].astype("string").fillna(SOLVED_OPTIMAL)
                   .eq(SOLVED_OPTIMAL).to_numpy(dtype=bool)
                   if SOLVE_STATUS in options.columns else np.ones(len(options), dtype=bool))
    out = []
    for service in pd.unique(services):
        rows = np.flatnonzero(services == service)
        rows = rows[np.argsort(k_all[rows], kind="mergesort")]
        k, share = k_all[rows], share_all[rows]
        current = float(np.nanmax(current_all[rows]))
        keeps = keeps_all[rows] if keeps_all is not None else share >= current - 1e-9
        today = sites_all[rows]
        today_k = int(np.nanmax(today) if np.isfinite(today).any() else np.nanmax(k))
        out.append(Curve(clean_text(service_label(service), max_chars=40), k, share, today_k,
                         current, int(k[keeps].min()) if keeps.any() else None,
                         bool(optimal_all[rows].all())))
    return out


def view_transform(page: Page, view: Sequence[float],
                   box: tuple[float, float, float, float]) -> Transform:
    """Data coordinates (``view`` = xmin, xmax, ymin, ymax) to ``box`` (mm) on the page."""
    from matplotlib.transforms import Affine2D

    fx, fy, fw, fh = page.rect(*box)
    return (Affine2D().translate(-view[0], -view[2])
            .scale(fw / (view[1] - view[0]), fh / (view[3] - view[2]))
            .translate(fx, fy) + page.fig.transFigure)


def k_ticks(k_min: int, k_max: int) -> list[int]:
    """Whole numbers of sites to label, at most seven, on a 1-2-5 step.

    Examples
    --------
    >>> k_ticks(1, 18), k_ticks(1, 12), k_ticks(1, 4), k_ticks(3, 3)
    ([5, 10, 15], [2, 4, 6, 8, 10, 12], [1, 2, 3, 4], [3])
    """
    step = 1
    while (k_max - k_min) / step > 6:
        step = step * 5 // 2 if str(step)[0] == "2" else step * 2
    ticks = [t for t in range(k_min, k_max + 1) if t % step == 0]
    return ticks or [k_min, k_max]


def legend_lines(curves: Sequence[Curve]) -> list[str]:
    """One line per service (how few sites keep today's share), then the star's."""
    out = []
    for c in curves:
        today = share_text(c.today_share)
        out.append(f"{c.label}: {c.keeps_today} of its {c.today_k} sites keep today's {today}"
                   if c.keeps_today is not None else
                   f"{c.label}: its {c.today_k} sites reach {today} today")
    return [*out, "today's sites"]


def chart_height_mm(n_curves: int, size_pt: float, *, hollow: bool) -> float:
    """Height of everything but the plot: title, caption, axis labels, legend, notes."""
    line = size_pt * PT_MM * 1.45
    return ((size_pt + 2.5) * PT_MM * 1.3 + 1.5 + line + 2.0  # title, caption
            + line + 1.0 + line + 2.5  # tick labels, axis label
            + (n_curves + 1) * line + (2 * line if hollow else 0.0))


@dataclass(frozen=True)
class _Plot:
    """Where the plot is on the page and its data-to-page transform."""

    page: Page
    box: tuple[float, float, float, float]  # x, y, w, h mm
    view: tuple[float, float, float, float]  # kmin, kmax, pct min, pct max
    to_page: Any

    def line(self, xs: Any, ys: Any, **kw: Any) -> None:
        from matplotlib.lines import Line2D

        self.page.fig.add_artist(Line2D(xs, ys, transform=self.to_page, **kw))

    def x_mm(self, k: float) -> float:
        x, _, w, _ = self.box
        return x + (k - self.view[0]) / (self.view[1] - self.view[0]) * w

    def y_mm(self, pct: float) -> float:
        _, y, _, h = self.box
        return y + (pct - self.view[2]) / (self.view[3] - self.view[2]) * h


def _draw_axes(plot: _Plot, curves: Sequence[Curve], ticks: Labels) -> None:
    """Gridlines and share labels, the k axis line and its labels (no Axes)."""
    kmin, kmax = plot.view[0], plot.view[1]
    grid_y = np.repeat(np.array(_GRID_PCT, dtype=float), 3)
    grid_y[2::3] = np.nan  # one path, broken between gridlines
    grid_x = np.tile([kmin, kmax, np.nan], len(_GRID_PCT))
    plot.line(grid_x, grid_y, color="#DDDDDD", lw=0.5, zorder=1)
    plot.line([kmin, kmax], [0, 0], color="#555555", lw=0.7, zorder=1)
    for pct in _GRID_PCT:
        ticks.add(plot.box[0] - 1.2, plot.y_mm(pct), f"{pct}%", ha="right", va="center")
    lo = int(min(c.k.min() for c in curves))
    hi = int(max(max(c.k.max(), c.today_k) for c in curves))
    at = k_ticks(lo, hi)
    tick_pct = 1.5 / plot.box[3] * (plot.view[3] - plot.view[2])  # 1.5 mm long
    plot.line(np.repeat(np.array(at, dtype=float), 3),
              np.tile([0.0, -tick_pct, np.nan], len(at)), color="#555555", lw=0.7, zorder=1)
    for t in at:
        ticks.add(plot.x_mm(t), plot.box[1] - 2.0, str(t), ha="center", va="top")


def _draw_curves(plot: _Plot, curves: Sequence[Curve]) -> None:
    """Covered share against sites kept, one line per service, today's point a star."""
    for i, c in enumerate(curves):
        colour = style.SERVICE_COLOURS[i % len(style.SERVICE_COLOURS)]
        plot.line(c.k, c.share * 100, marker="o", ms=3.5, lw=1.4, color=colour,
                  mfc=colour if c.optimal else "white", zorder=3)
        plot.line([c.today_k], [c.today_share * 100], marker="*", ms=11, color=colour,
                  mec=_STAR_EDGE, mew=0.6, ls="none", zorder=5)


def _draw_legend(page: Page, curves: Sequence[Curve], x: float, top: float,
                 text: Labels) -> float:
    """A swatch and a line per service, then the star; return the y below."""
    from matplotlib.lines import Line2D

    line = text.size_pt * PT_MM * 1.45
    to_mm = mm_transform(page)
    colours = [style.SERVICE_COLOURS[i % len(style.SERVICE_COLOURS)]
               for i in range(len(curves))]
    y = top - line / 2
    for words, colour in zip(legend_lines(curves), [*colours, None], strict=True):
        if colour is None:  # the star
            page.fig.add_artist(Line2D([x + 3.0], [y], transform=to_mm, marker="*", ms=9,
                                       color="#888888", mec=_STAR_EDGE, mew=0.6, ls="none"))
        else:
            page.fig.add_artist(Line2D([x, x + 3.0, x + 6.0], [y, y, y], transform=to_mm,
                                       marker="o", markevery=[1], ms=3.5, lw=1.4,
                                       color=colour))
        text.add(x + 8.0, y, words, va="center")
        y -= line
    return y + line / 2


def draw_options_chart(page: Page, curves: Sequence[Curve],
                       box: tuple[float, float, float, float], *, size_pt: float,
                       threshold_m: int | None) -> None:
    """The options chart in ``box`` = (x, top, w, floor) mm: title, plot, legend, notes."""
    x, top, w, floor = box
    within = distance_text(threshold_m) if threshold_m else "the threshold"
    hollow = any(not c.optimal for c in curves)
    line = size_pt * PT_MM * 1.45
    text = Labels(page, size_pt=size_pt)
    muted = Labels(page, size_pt=size_pt, color=MUTED)
    ticks = Labels(page, size_pt=size_pt - 0.5, color=MUTED)
    title = Labels(page, size_pt=size_pt + 2.5, bold=True)
    title.add(x, top, "Options: how many sites reach how many people", va="top")
    y = top - (size_pt + 2.5) * PT_MM * 1.3 - 1.5
    muted.add(x, y, f"Share of the district's people within {within}", va="top")
    y -= line + 2.0
    plot_h = min(top - floor - chart_height_mm(len(curves), size_pt, hollow=hollow), w * 0.62)
    inset = size_pt * PT_MM * 2.6  # room for "100%"
    lo = float(min(c.k.min() for c in curves))
    hi = float(max(max(c.k.max(), c.today_k) for c in curves))
    pad = max(0.4, (hi - lo) * 0.03)
    plot_box = (x + inset, y - plot_h, w - inset - 2.0, plot_h)
    view = (lo - pad, hi + pad, 0.0, 102.0)
    plot = _Plot(page, plot_box, view, view_transform(page, view, plot_box))
    _draw_axes(plot, curves, ticks)
    _draw_curves(plot, curves)
    y = plot_box[1] - 2.0 - line - 1.0
    text.add(plot_box[0] + plot_box[2] / 2, y, "Sites of its own the district keeps (k)",
             ha="center", va="top")
    y = _draw_legend(page, curves, x, y - line - 2.5, text)
    if hollow:
        for k, note in enumerate(("Hollow points: the solver stopped at its time limit "
                                  "before proving the share", "the best possible; the best "
                                  "share may be higher.")):
            muted.add(x, y - 1.0 - k * line, note, va="top")
    for labels in (title, text, muted, ticks):
        labels.add_to()
