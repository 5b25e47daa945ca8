"""Map layers, drawn in order into one matplotlib Axes: neighbours, the district,
the grid, co-location outlines, assets, inset frames, then the labels.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import style
from .geometry import _add_geom, _clip, _geom_path, _intersects, _view_box
from .labels import _LABEL_GID, _place_labels
from .layout import _MUTED, MIN_FONT_PT
from .prepare import _DistrictData
from .text import _text_width_mm

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.text import Text

logger = logging.getLogger(__name__)


_NEIGHBOUR_FILL = "#EFEFEF"
_WATER = "#FFFFFF"


def _bng_frame(ax: Axes, view: Sequence[float], *, labels: bool) -> None:
    """Labelled British National Grid ticks (km) and faint grid lines."""
    xmin, xmax, ymin, ymax = view
    span = max(xmax - xmin, ymax - ymin)
    step = 50_000.0
    for km in (0.5, 1, 2, 5, 10, 20, 50):
        if span / (km * 1000) <= 7:
            step = km * 1000
            break
    xt = np.arange(np.ceil(xmin / step) * step, xmax, step)
    yt = np.arange(np.ceil(ymin / step) * step, ymax, step)
    fmt = "{:.0f}" if step >= 1000 else "{:.1f}"
    for v in xt:
        ax.axvline(v, color="#9A9A9A", lw=0.3, ls=(0, (2, 3)), zorder=1.8)
    for v in yt:
        ax.axhline(v, color="#9A9A9A", lw=0.3, ls=(0, (2, 3)), zorder=1.8)
    ax.set_xticks(xt)
    ax.set_yticks(yt)
    if labels:
        ax.set_xticklabels([fmt.format(v / 1000) for v in xt])
        ax.set_yticklabels([fmt.format(v / 1000) for v in yt], rotation=90, va="center")
        ax.tick_params(labelsize=MIN_FONT_PT, length=2.5, width=0.5, pad=1.5, colors=_MUTED,
                       labelcolor=_MUTED, top=True, right=True, direction="out")
    else:
        ax.set_xticklabels([])
        ax.set_yticklabels([])
        ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_linewidth(0.8)
        spine.set_color("#333333")


def _north_arrow(ax: Axes, *, size_pt: float = 9.0) -> None:
    from matplotlib.patches import FancyArrow

    x, y0, length = 0.955, 0.885, 0.06
    ax.add_patch(FancyArrow(x, y0, 0, length, width=0.006, head_width=0.022,
                            head_length=0.025, length_includes_head=True, transform=ax.transAxes,
                            color="#222222", zorder=9))
    ax.text(x, y0 + length + 0.008, "N", transform=ax.transAxes, ha="center", va="bottom",
            fontsize=size_pt, fontweight="bold", zorder=9, parse_math=False,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8})
    ax.text(x, y0 - 0.006, "grid north", transform=ax.transAxes, ha="center", va="top",
            fontsize=MIN_FONT_PT, color=_MUTED, zorder=9, parse_math=False,
            bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8})


def _scalebar(ax: Axes, *, size_pt: float) -> None:
    from matplotlib_scalebar.scalebar import ScaleBar

    ax.add_artist(
        ScaleBar(1.0, "m", location="lower left", length_fraction=0.22, box_alpha=0.85,
                 border_pad=0.6, pad=0.4, font_properties={"size": size_pt},
                 color="#222222", width_fraction=0.008)
    )


@dataclass
class _MapStyle:
    marker_pt: float
    label_pt: float
    neighbour_names: bool
    north: bool


def _draw_hulls(ax: Axes, colocs: pd.DataFrame, view: Sequence[float]) -> None:
    """Co-location outlines as two path collections (fast to build and to write)."""
    from matplotlib.collections import PathCollection

    paths, widths = [], []
    for geom, shortlisted in zip(colocs["geom"], colocs["shortlisted"], strict=True):
        if geom is None or not _intersects(view, geom.bounds):
            continue
        path = _geom_path(geom)
        if path is not None:
            paths.append(path)
            widths.append(1.3 if shortlisted else 0.8)
    if not paths:
        return
    ax.add_collection(PathCollection(paths, facecolors=style.HULL_COLOUR, edgecolors="none",
                                     alpha=0.16, zorder=2.0), autolim=False)
    ax.add_collection(PathCollection(paths, facecolors="none", edgecolors=style.HULL_COLOUR,
                                     linewidths=widths, zorder=2.1), autolim=False)


def _draw_map(
    ax: Axes,
    data: _DistrictData,
    view: Sequence[float],
    *,
    box_w_mm: float,
    label_ids: Sequence[str],
    map_style: _MapStyle,
    frame_labels: bool,
    insets: Sequence[tuple[str, Sequence[float]]] = (),
) -> list[Text]:
    """Draw the district map into ``ax``; return the co-location label texts."""
    from matplotlib.patches import Rectangle

    xmin, xmax, ymin, ymax = view
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("equal", adjustable="box")
    ax.set_facecolor(_WATER)
    for name, full in data.neighbours:
        if not _intersects(view, full.bounds):
            continue
        geom = _clip(full, view)
        if geom.is_empty:
            continue
        _add_geom(ax, geom, facecolor=_NEIGHBOUR_FILL, edgecolor=style.NEIGHBOUR_EDGE,
                  lw=0.6, zorder=1)
        if map_style.neighbour_names and name:
            p = geom.intersection(_view_box(view, 0.04)).representative_point()
            if p.is_empty:
                continue
            half = (_text_width_mm(name, 8.0) / 2 + 1.5) * (xmax - xmin) / box_w_mm
            px = min(max(p.x, xmin + half), xmax - half)
            ax.text(px, p.y, name, fontsize=8, color="#8A8A8A", ha="center", va="center",
                    zorder=1.5, clip_on=True, parse_math=False)
    own = _clip(data.geom, view)
    _add_geom(ax, own, facecolor="white", edgecolor="none", zorder=1.2)
    _bng_frame(ax, view, labels=frame_labels)
    _add_geom(ax, own, facecolor="none", edgecolor=style.DISTRICT_EDGE, lw=1.4, zorder=2.6)

    colocs = data.colocations
    _draw_hulls(ax, colocs, view)

    pts = data.points
    ms = map_style.marker_pt
    for agency in sorted(pts["agency"].unique()):
        st = data.styles.get(agency) or style.agency_styles([agency])[agency]
        mine = pts.loc[pts["agency"] == agency]
        open_ = mine.loc[~mine["sensitive"]]
        if len(open_):
            ax.scatter(open_["x"].to_numpy(), open_["y"].to_numpy(), s=ms**2, marker=st.marker,
                       c=st.colour, edgecolors="#1A1A1A", linewidths=0.3, zorder=3)
        gen = mine.loc[mine["sensitive"], ["x", "y"]].drop_duplicates()
        if len(gen):
            ax.scatter(gen["x"].to_numpy(), gen["y"].to_numpy(), s=(ms * 1.5) ** 2,
                       marker=st.marker, facecolors="white", edgecolors=st.colour,
                       linewidths=1.1, zorder=3.1)

    for letter, (ix0, ix1, iy0, iy1) in insets:
        ax.add_patch(Rectangle((ix0, iy0), ix1 - ix0, iy1 - iy0, fill=False, ec="#222222",
                               lw=0.9, ls=(0, (4, 2)), zorder=7))
        ax.text(ix0, iy1, f" {letter} ", ha="left", va="bottom", fontsize=8, fontweight="bold",
                zorder=7.5, parse_math=False, color="white",
                bbox={"boxstyle": "square,pad=0.15", "fc": "#222222", "ec": "none"})

    wanted = set(label_ids)
    sel = colocs.loc[colocs["colocation_id"].isin(wanted)]
    sel = sel.loc[(sel["cx"] > xmin) & (sel["cx"] < xmax) & (sel["cy"] > ymin) & (sel["cy"] < ymax)]
    m_per_mm = (xmax - xmin) / box_w_mm
    box_h_mm = (ymax - ymin) / m_per_mm
    reserved = [
        (0.0, 0.0, 0.22 * box_w_mm + 12.0, 11.0),  # scale bar, lower left
        *([(box_w_mm - 16.0, box_h_mm - 26.0, box_w_mm, box_h_mm)] if map_style.north else []),
    ]
    for _letter, (ix0, _ix1, _iy0, iy1) in insets:
        bx, by = (ix0 - xmin) / m_per_mm, (iy1 - ymin) / m_per_mm
        reserved.append((bx - 1.0, by - 1.0, bx + 6.0, by + 5.5))
    in_view = colocs.loc[(colocs["cx"] > xmin) & (colocs["cx"] < xmax)
                         & (colocs["cy"] > ymin) & (colocs["cy"] < ymax)]
    anchors_mm = np.column_stack([(in_view["cx"].to_numpy() - xmin) / m_per_mm,
                                  (in_view["cy"].to_numpy() - ymin) / m_per_mm])
    inside = pts.loc[(pts["x"] > xmin) & (pts["x"] < xmax) & (pts["y"] > ymin) & (pts["y"] < ymax)]
    points_mm = np.column_stack([(inside["x"].to_numpy() - xmin) / m_per_mm,
                                 (inside["y"].to_numpy() - ymin) / m_per_mm])
    order = sel.sort_values(["shortlisted", "district_rank", "rank", "colocation_id"],
                            ascending=[False, True, True, True], na_position="last",
                            kind="mergesort")
    placements = _place_labels(
        order, anchors_mm, points_mm, reserved, box_w_mm=box_w_mm, box_h_mm=box_h_mm,
        xmin=xmin, ymin=ymin, m_per_mm=m_per_mm, size_pt=map_style.label_pt,
    )
    texts: list[Text] = []
    for cid, shortlisted, (ax_mm, ay_mm), (tx_mm, ty_mm), leader in placements:
        t = ax.text(xmin + tx_mm * m_per_mm, ymin + ty_mm * m_per_mm, cid,
                    fontsize=map_style.label_pt, fontweight="bold" if shortlisted else "normal",
                    ha="center", va="center", zorder=8, parse_math=False, color="#111111",
                    bbox={"boxstyle": "round,pad=0.18", "fc": "white", "alpha": 0.92,
                          "ec": style.HULL_COLOUR, "lw": 0.8 if shortlisted else 0.5})
        t.set_gid(_LABEL_GID)
        texts.append(t)
        if leader is not None:
            lx, ly = leader
            ax.plot([xmin + ax_mm * m_per_mm, xmin + lx * m_per_mm],
                    [ymin + ay_mm * m_per_mm, ymin + ly * m_per_mm],
                    color=style.HULL_COLOUR, lw=0.6, zorder=7.9, solid_capstyle="round")
    skipped = len(sel) - len(texts)
    if skipped:
        logger.debug("%d co-location labels left out for legibility", skipped)
    return texts
