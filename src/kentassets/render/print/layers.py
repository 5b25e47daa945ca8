"""Map layers, drawn in order into one matplotlib Axes: neighbours, the district,
the grid, co-location outlines, assets, inset frames, then the labels.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import style
from .context import context_layer, draw_place_names, text_boxes_mm
from .geometry import add_geom, clip, geom_path, intersects, view_box
from .labels import draw_labels, in_view_mm, reserved_mm
from .layout import MIN_FONT_PT, MUTED
from .prepare import DistrictData
from .text import text_width_mm

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.text import Text

    from ...reference.context import MapContext


_NEIGHBOUR_FILL = "#EFEFEF"
_WATER = "#FFFFFF"


def bng_frame(ax: Axes, view: Sequence[float], *, labels: bool) -> None:
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
    if labels:
        ax.set_xticks(xt)
        ax.set_yticks(yt)
        ax.set_xticklabels([fmt.format(v / 1000) for v in xt])
        ax.set_yticklabels([fmt.format(v / 1000) for v in yt], rotation=90, va="center")
        ax.tick_params(labelsize=MIN_FONT_PT, length=2.5, width=0.5, pad=1.5, colors=MUTED,
                       labelcolor=MUTED, top=True, right=True, direction="out")
    else:  # no ticks at all (they were of zero length, unlabelled): nothing to draw
        ax.set_xticks([])
        ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.8)
        spine.set_color("#333333")


def north_arrow(ax: Axes, *, size_pt: float = 9.0) -> None:
    from matplotlib.patches import FancyArrow

    x, y0, length = 0.955, 0.885, 0.06
    ax.add_patch(FancyArrow(x, y0, 0, length, width=0.006, head_width=0.022,
                            head_length=0.025, length_includes_head=True, transform=ax.transAxes,
                            color="#222222", zorder=9))
    ax.text(x, y0 + length + 0.008, "N", transform=ax.transAxes, ha="center", va="bottom",
            fontsize=size_pt, fontweight="bold", zorder=9, parse_math=False,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8})
    ax.text(x, y0 - 0.006, "grid north", transform=ax.transAxes, ha="center", va="top",
            fontsize=MIN_FONT_PT, color=MUTED, zorder=9, parse_math=False,
            bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8})


def scalebar(ax: Axes, *, size_pt: float) -> None:
    from matplotlib_scalebar.scalebar import ScaleBar

    ax.add_artist(
        ScaleBar(1.0, "m", location="lower left", length_fraction=0.22, box_alpha=0.85,
                 border_pad=0.6, pad=0.4, font_properties={"size": size_pt},
                 color="#222222", width_fraction=0.008)
    )


@dataclass
class MapStyle:
    marker_pt: float
    label_pt: float
    neighbour_names: bool
    north: bool
    name_scale: float = 1.0  # size of the place names of the map context


def _draw_hulls(ax: Axes, colocs: pd.DataFrame, view: Sequence[float]) -> None:
    """Co-location outlines as two path collections (fast to build and to write)."""
    from matplotlib.collections import PathCollection

    paths, widths = [], []
    for geom, shortlisted in zip(colocs["geom"], colocs["shortlisted"], strict=True):
        if geom is None or not intersects(view, geom.bounds):
            continue
        path = geom_path(geom)
        if path is not None:
            paths.append(path)
            widths.append(1.3 if shortlisted else 0.8)
    if not paths:
        return
    ax.add_collection(PathCollection(paths, facecolors=style.HULL_COLOUR, edgecolors="none",
                                     alpha=0.16, zorder=2.0), autolim=False)
    ax.add_collection(PathCollection(paths, facecolors="none", edgecolors=style.HULL_COLOUR,
                                     linewidths=widths, zorder=2.1), autolim=False)


@dataclass(frozen=True)
class _MapCanvas:
    """One map box being drawn: the axes, the window it shows and how."""

    ax: Axes
    view: tuple[float, float, float, float]  # xmin, xmax, ymin, ymax (metres)
    box_w_mm: float
    map_style: MapStyle
    frame_labels: bool
    own: Any  # the district, clipped to the window


#: A map layer: draws one kind of thing into the canvas.
_Layer = Callable[[_MapCanvas, DistrictData], None]


def _draw_neighbours(canvas: _MapCanvas, data: DistrictData) -> None:
    """Neighbouring districts, faint, with their names when the style asks for them."""
    ax, view = canvas.ax, canvas.view
    xmin, xmax, _, _ = view
    for name, full in data.neighbours:
        if not intersects(view, full.bounds):
            continue
        geom = clip(full, view)
        if geom.is_empty:
            continue
        add_geom(ax, geom, facecolor=_NEIGHBOUR_FILL, edgecolor=style.NEIGHBOUR_EDGE,
                  lw=0.6, zorder=1)
        if canvas.map_style.neighbour_names and name:
            p = geom.intersection(view_box(view, 0.04)).representative_point()
            if p.is_empty:
                continue
            half = (text_width_mm(name, 8.0) / 2 + 1.5) * (xmax - xmin) / canvas.box_w_mm
            px = min(max(p.x, xmin + half), xmax - half)
            ax.text(px, p.y, name, fontsize=8, color="#8A8A8A", ha="center", va="center",
                    zorder=1.5, clip_on=True, parse_math=False)


def _draw_district_fill(canvas: _MapCanvas, data: DistrictData) -> None:
    """The district itself, white over the neighbours."""
    add_geom(canvas.ax, canvas.own, facecolor="white", edgecolor="none", zorder=1.2)


def _draw_grid(canvas: _MapCanvas, data: DistrictData) -> None:
    """British National Grid lines and ticks."""
    bng_frame(canvas.ax, canvas.view, labels=canvas.frame_labels)


def _draw_district_edge(canvas: _MapCanvas, data: DistrictData) -> None:
    """The district boundary, over the grid lines."""
    add_geom(canvas.ax, canvas.own, facecolor="none", edgecolor=style.DISTRICT_EDGE, lw=1.4,
              zorder=2.6)


def _draw_outlines(canvas: _MapCanvas, data: DistrictData) -> None:
    """Co-location outlines."""
    _draw_hulls(canvas.ax, data.colocations, canvas.view)


def _draw_assets(canvas: _MapCanvas, data: DistrictData) -> None:
    """Asset symbols by agency; sensitive sites as hollow symbols at their grid square."""
    ax, pts, ms = canvas.ax, data.points, canvas.map_style.marker_pt
    agencies = pts["agency"].to_numpy(dtype=object)
    sensitive = pts["sensitive"].to_numpy(dtype=bool)
    xy = pts[["x", "y"]].to_numpy(dtype=float)
    for agency in sorted(set(agencies)):
        st = data.styles.get(agency) or style.agency_styles([agency])[agency]
        mine = agencies == agency
        open_ = xy[mine & ~sensitive]
        if len(open_):
            ax.scatter(open_[:, 0], open_[:, 1], s=ms**2, marker=st.marker,
                       c=st.colour, edgecolors="#1A1A1A", linewidths=0.3, zorder=3)
        gen = _first_of_each(xy[mine & sensitive])
        if len(gen):
            ax.scatter(gen[:, 0], gen[:, 1], s=(ms * 1.5) ** 2,
                       marker=st.marker, facecolors="white", edgecolors=st.colour,
                       linewidths=1.1, zorder=3.1)


def _first_of_each(xy: np.ndarray) -> np.ndarray:
    """The distinct rows of ``xy``, each where it first occurs (``drop_duplicates``)."""
    if len(xy) < 2:
        return xy
    _, first = np.unique(xy, axis=0, return_index=True)
    return xy[np.sort(first)]


#: Layers under any context: neighbours, then the district's white fill.
_BASE_LAYERS: tuple[_Layer, ...] = (_draw_neighbours, _draw_district_fill)
#: Context layers (towns, coast, roads) go here, passed to :func:`draw_map` as
#: ``context_layers``: drawn over the district fill and under the grid, the
#: district boundary, the co-location outlines and the assets. None yet.
_CONTEXT_LAYERS: tuple[_Layer, ...] = ()
#: Layers over the context: grid, boundary, outlines, assets (in this order).
_TOP_LAYERS: tuple[_Layer, ...] = (_draw_grid, _draw_district_edge, _draw_outlines,
                                   _draw_assets)


def _draw_inset_frames(ax: Axes, insets: Sequence[tuple[str, Sequence[float]]]) -> None:
    """Dashed frames, lettered, around the windows shown as insets."""
    from matplotlib.patches import Rectangle

    for letter, (ix0, ix1, iy0, iy1) in insets:
        ax.add_patch(Rectangle((ix0, iy0), ix1 - ix0, iy1 - iy0, fill=False, ec="#222222",
                               lw=0.9, ls=(0, (4, 2)), zorder=7))
        ax.text(ix0, iy1, f" {letter} ", ha="left", va="bottom", fontsize=8, fontweight="bold",
                zorder=7.5, parse_math=False, color="white",
                bbox={"boxstyle": "square,pad=0.15", "fc": "#222222", "ec": "none"})


def draw_map(
    ax: Axes,
    data: DistrictData,
    view: Sequence[float],
    *,
    box_w_mm: float,
    label_ids: Sequence[str],
    map_style: MapStyle,
    frame_labels: bool,
    insets: Sequence[tuple[str, Sequence[float]]] = (),
    context_layers: Sequence[_Layer] = _CONTEXT_LAYERS,
    context: MapContext | None = None,
) -> list[Text]:
    """Draw the district map into ``ax``; return the co-location label texts.

    The layers are drawn in the order ``_BASE_LAYERS``, ``context_layers`` (and
    the ``context``: towns, coast, water, roads), ``_TOP_LAYERS``, then the inset
    frames, the co-location labels and the place names, which avoid those labels.
    """
    xmin, xmax, ymin, ymax = view
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("equal", adjustable="box")
    ax.set_facecolor(_WATER)
    canvas = _MapCanvas(ax, (xmin, xmax, ymin, ymax), box_w_mm, map_style, frame_labels,
                        clip(data.geom, view))
    extra = (context_layer(context),) if context is not None else ()
    for layer in (*_BASE_LAYERS, *context_layers, *extra, *_TOP_LAYERS):
        layer(canvas, data)
    _draw_inset_frames(ax, insets)
    texts = draw_labels(ax, data, canvas.view, box_w_mm=box_w_mm, label_ids=label_ids,
                         label_pt=map_style.label_pt, north=map_style.north, insets=insets)
    if context is not None:
        reserved = reserved_mm(canvas.view, box_w_mm=box_w_mm, north=map_style.north,
                                insets=insets)
        # every label already on the map: co-location ids, neighbour names, inset letters
        obstacles = np.vstack([text_boxes_mm(ax.texts, canvas.view, (xmax - xmin) / box_w_mm),
                               np.reshape(np.asarray(reserved, dtype=float), (-1, 4))])
        symbols = in_view_mm(data.points, "x", "y", canvas.view, (xmax - xmin) / box_w_mm)
        draw_place_names(ax, context, canvas.view, box_w_mm=box_w_mm, obstacles_mm=obstacles,
                         symbols_mm=symbols, scale=map_style.name_scale)
    return texts
