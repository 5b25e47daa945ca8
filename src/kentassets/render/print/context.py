"""The map context on paper: land and sea, water, built-up areas, roads, rail, names.

The context sits quietly under the assets: light greys for land, built-up areas,
roads and rail, light blues for water, dark grey names with a white halo, so the
agencies' colours still lead. :func:`context_layer` gives :func:`.layers.draw_map`
the layer to draw (over the district fills, under the grid, boundary, outlines and
assets); :func:`draw_place_names` then names the places in the view, after the
co-location labels, avoiding them, the page furniture and each other, the
important places first (see :func:`kentassets.render.placement.place_labels`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ...reference.context import (
    KIND,
    PLACE_NAME,
    PLACE_RANK,
    ROAD_CLASS,
    MapContext,
    clip_context,
    max_rank_for_scale,
    select_places,
)
from ..placement import place_labels
from .text import PT_MM, text_width_mm

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.text import Text

__all__ = [
    "context_attribution",
    "context_layer",
    "draw_overview_context",
    "draw_place_names",
]

#: Sea (the map's background once a context is drawn), land, water, built-up areas.
SEA: Final = "#E3EDF5"
LAND: Final = "#FAFAF8"
BUILTUP: Final = "#E4E2DD"
WATER: Final = "#C9DEEE"
RIVER: Final = "#A9C9E2"
RAIL: Final = "#A0A0A0"
#: Road class -> (colour, width in points); minor roads are left off paper.
ROADS: Final = {
    "b_road": ("#CFCFCF", 0.7),
    "a_road": ("#BCBCBC", 1.0),
    "motorway": ("#A8A8A8", 1.5),
}
NAME_COLOUR: Final = "#474747"
#: Place rank -> (font size in points, bold).
NAME_FONT: Final = {1: (8.5, True), 2: (7.5, True), 3: (7.0, False), 4: (6.5, False),
                    5: (6.0, False)}
#: z-order: land under the district fills (1.0, 1.2); the rest over them and under
#: the grid (1.8), the co-location outlines (2.0) and the district edge (2.6).
LAND_Z: Final = 0.5
CONTEXT_Z: Final = 1.3
NAME_Z: Final = 1.95
#: Where a name may go: on its place, else around it, nearer first.
NAME_POSITIONS: Final = ("center", "above", "below", "right", "left", "upper right",
                         "lower right", "upper left", "lower left")
#: The light box behind a name, so grid lines and roads do not cross it.
NAME_BOX: Final = {"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.55}
#: gid of the place names, so tests and tools can find them on a page.
NAME_GID: Final = "kentassets-place-name"


def context_attribution(text: str, context: MapContext | None) -> str:
    """The page's attribution followed by the context's sources.

    Examples
    --------
    >>> context_attribution("Contains OS data.", None)
    'Contains OS data.'
    """
    lines = context.attribution() if context is not None else []
    if not lines:
        return text
    return f"{text.rstrip('.')}. Map context: {'; '.join(lines)}."


def _polygon_path(geometries: np.ndarray) -> Any:
    """One matplotlib Path for many polygons (holes as holes), or None when empty."""
    from matplotlib.path import Path as MplPath

    polys = shapely.get_parts(np.asarray(geometries, dtype=object))
    polys = shapely.orient_polygons(polys[shapely.get_type_id(polys) == 3])
    xy, ring = shapely.get_coordinates(shapely.get_rings(polys), return_index=True)
    if not len(xy):
        return None
    codes = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
    starts = np.r_[0, np.flatnonzero(np.diff(ring)) + 1]
    codes[starts] = MplPath.MOVETO
    codes[np.r_[starts[1:] - 1, len(xy) - 1]] = MplPath.CLOSEPOLY
    return MplPath(xy, codes)


def _line_parts(geometries: np.ndarray) -> list[np.ndarray]:
    """Coordinates of every line part (polygons are not included)."""
    parts = shapely.get_parts(np.asarray(geometries, dtype=object))
    parts = parts[np.isin(shapely.get_type_id(parts), (1, 2))]
    xy, index = shapely.get_coordinates(parts, return_index=True)
    return [seg for seg in np.split(xy, np.flatnonzero(np.diff(index)) + 1) if len(seg) > 1]


def _fill(ax: Axes, geometries: np.ndarray, colour: str, zorder: float,
          alpha: float = 1.0) -> None:
    from matplotlib.patches import PathPatch

    path = _polygon_path(geometries) if len(geometries) else None
    if path is not None:
        # add_artist: the view is set explicitly (add_patch would walk every vertex)
        ax.add_artist(PathPatch(path, facecolor=colour, edgecolor="none", lw=0, alpha=alpha,
                                zorder=zorder, transform=ax.transData))


def _lines(ax: Axes, geometries: np.ndarray, colour: str, width_pt: float, zorder: float,
           **kw: Any) -> None:
    from matplotlib.collections import LineCollection

    parts = _line_parts(geometries) if len(geometries) else []
    if parts:
        ax.add_collection(LineCollection(parts, colors=colour, linewidths=width_pt,
                                         zorder=zorder, capstyle="round", joinstyle="round",
                                         **kw), autolim=False)


def _cut(frame: gpd.GeoDataFrame, box: tuple[float, float, float, float],
         column: str | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """The geometries of ``frame`` cut to ``box`` (minx, miny, maxx, maxy), with the
    values of ``column`` on their rows.

    The features :func:`~kentassets.reference.context.clip_context` keeps, cut
    as it cuts them and in the same order, without building a frame per layer
    and map.
    """
    if not len(frame):
        return np.empty(0, dtype=object), None
    minx, miny, maxx, maxy = box
    geometries = frame.geometry.to_numpy()
    bounds = shapely.bounds(geometries)
    rows = np.flatnonzero((bounds[:, 0] <= maxx) & (bounds[:, 2] >= minx)
                          & (bounds[:, 1] <= maxy) & (bounds[:, 3] >= miny))
    rows = rows[shapely.intersects(geometries[rows], shapely.box(minx, miny, maxx, maxy))]
    cut = shapely.clip_by_rect(geometries[rows], minx, miny, maxx, maxy)
    keep = ~shapely.is_empty(cut)
    values = (None if column is None
              else frame[column].astype("string").fillna("").to_numpy(dtype=object)[rows][keep])
    return cut[keep], values


def _draw_water(ax: Axes, water: np.ndarray, kinds: np.ndarray | None, *, zorder: float,
                alpha: float = 1.0) -> None:
    if not len(water) or kinds is None:
        return
    rivers = kinds == "river"
    _fill(ax, water[~rivers], WATER, zorder, alpha)
    _lines(ax, water[rivers], RIVER, 0.6, zorder + 0.01)


def _draw_context(ax: Axes, context: MapContext, box: tuple[float, float, float, float]) -> None:
    """Sea, land, built-up areas, water, rail and roads (motorways on top), cut to ``box``."""
    ax.set_facecolor(SEA)
    _fill(ax, _cut(context.land, box)[0], LAND, LAND_Z)
    _fill(ax, _cut(context.builtup, box)[0], BUILTUP, CONTEXT_Z)
    _draw_water(ax, *_cut(context.water, box, KIND), zorder=CONTEXT_Z + 0.01)
    _lines(ax, _cut(context.rail, box)[0], RAIL, 0.7, CONTEXT_Z + 0.03,
           linestyles=(0, (3.0, 1.5)))
    roads, classes = _cut(context.roads, box, ROAD_CLASS)
    for step, (name, (colour, width)) in enumerate(ROADS.items()):
        mine = roads[classes == name] if classes is not None else roads
        _lines(ax, mine, colour, width, CONTEXT_Z + 0.04 + 0.01 * step)


def _view_box(view: Sequence[float]) -> tuple[float, float, float, float]:
    xmin, xmax, ymin, ymax = view
    return (xmin, ymin, xmax, ymax)


def context_layer(context: MapContext) -> Any:
    """A map layer (for ``draw_map``'s ``context_layers``) drawing ``context``.

    The layer takes ``(canvas, data)`` like the others; only the canvas's axes and
    view are used (typed loosely so this module need not import ``.layers``).
    """

    def draw(canvas: Any, data: Any) -> None:
        _draw_context(canvas.ax, context, _view_box(canvas.view))

    return draw


def text_boxes_mm(texts: Sequence[Text], view: Sequence[float], m_per_mm: float,
                  pad_mm: float = 0.8) -> np.ndarray:
    """Approximate boxes (mm from the map's lower left) of labels in data coordinates.

    Texts placed in axes coordinates (the north arrow) are skipped: the reserved
    corners cover them.
    """
    xmin, _, ymin, _ = view
    boxes = []
    for t in texts:
        if t.axes is None or t.get_transform() is not t.axes.transData or not t.get_text():
            continue
        x, y = t.get_position()
        size = float(t.get_fontsize())
        bold = str(t.get_fontweight()) in ("bold", "700")
        lines = t.get_text().split("\n")
        w = max(text_width_mm(line, size, bold=bold) for line in lines) + 2 * pad_mm
        h = len(lines) * size * PT_MM * 1.2 + 2 * pad_mm
        ha, va = t.get_horizontalalignment(), t.get_verticalalignment()
        x0 = (x - xmin) / m_per_mm - {"left": 0.0, "right": w}.get(ha, w / 2)
        y0 = (y - ymin) / m_per_mm - {"bottom": 0.0, "top": h}.get(va, h / 2)
        boxes.append((x0, y0, x0 + w, y0 + h))
    return np.asarray(boxes, dtype=float).reshape(-1, 4)


def draw_place_names(
    ax: Axes,
    context: MapContext,
    view: Sequence[float],
    *,
    box_w_mm: float,
    obstacles_mm: np.ndarray,
    symbols_mm: np.ndarray | None = None,
    scale: float = 1.0,
    max_rank: int | None = None,
) -> list[Text]:
    """Name the places in the view, most important first, without collisions.

    Parameters
    ----------
    ax
        The map axes.
    context
        Its ``places`` are the candidates (already limited to the study area).
    view
        ``(xmin, xmax, ymin, ymax)`` of the axes, BNG metres.
    box_w_mm
        Width of the axes on paper.
    obstacles_mm
        ``(n, 4)`` boxes (mm from the axes' lower left) no name may cover: the
        co-location labels, scale bar, north arrow, inset letters.
    symbols_mm
        ``(n, 2)`` asset symbols (mm): names keep clear of them where they can,
        and sit under them (the symbols are drawn on top) where they cannot.
    scale
        Multiplies the font sizes.
    max_rank
        Least important rank named; default from the map's scale.

    Returns
    -------
    list of matplotlib.text.Text
        The names drawn (gid ``kentassets-place-name``).
    """
    xmin, xmax, ymin, ymax = view
    m_per_mm = (xmax - xmin) / box_w_mm
    rank = max_rank if max_rank is not None else max_rank_for_scale(m_per_mm * 1000.0)
    places = select_places(context.places, bounds_m=_view_box(view), max_rank=rank)
    if not len(places):
        return []
    names = places[PLACE_NAME].astype(str).tolist()
    fonts = [NAME_FONT.get(int(r), NAME_FONT[5]) for r in places[PLACE_RANK]]
    sizes = np.array([[text_width_mm(n, f[0] * scale, bold=f[1]) + 0.8,
                       f[0] * scale * PT_MM * 1.1 + 0.4] for n, f in zip(names, fonts,
                                                                           strict=True)])
    anchors = np.column_stack([(places.geometry.x.to_numpy() - xmin) / m_per_mm,
                               (places.geometry.y.to_numpy() - ymin) / m_per_mm])
    box_h_mm = (ymax - ymin) / m_per_mm
    placed = _place_names(anchors, sizes, obstacles_mm, symbols_mm,
                          (0.8, 0.8, box_w_mm - 0.8, box_h_mm - 0.8))
    texts: list[Text] = []
    for i in np.flatnonzero(placed["placed"].to_numpy()):
        row = placed.iloc[i]
        # a faint white box rather than a stroked halo: a halo is drawn as glyph
        # outlines, which would double the size of the PDF; the name stays text
        text = ax.text(xmin + float(row["x"]) * m_per_mm, ymin + float(row["y"]) * m_per_mm,
                       names[i], fontsize=fonts[i][0] * scale, color=NAME_COLOUR,
                       fontweight="bold" if fonts[i][1] else "normal", ha=str(row["ha"]),
                       va=str(row["va"]), zorder=NAME_Z, clip_on=True, parse_math=False,
                       bbox=NAME_BOX)
        text.set_gid(NAME_GID)
        texts.append(text)
    return texts


def _place_names(anchors: np.ndarray, sizes: np.ndarray, obstacles: np.ndarray,
                 symbols: np.ndarray | None, frame: tuple[float, float, float, float],
                 ) -> pd.DataFrame:
    """Names clear of the labels and, first, of the asset symbols too.

    A name that finds no place clear of the symbols then tries again among them
    (keeping clear of the labels and the names already placed).
    """
    hard = np.reshape(np.asarray(obstacles, dtype=float), (-1, 4))
    soft = (np.column_stack([symbols - 0.9, symbols + 0.9]) if symbols is not None
            and len(symbols) else np.zeros((0, 4)))
    first = place_labels(anchors, sizes, obstacles=np.vstack([hard, soft]), frame=frame,
                         offset=(1.0, 3.5, 7.0), positions=NAME_POSITIONS)
    missing = ~first["placed"].to_numpy()
    if not missing.any() or not len(soft):
        return first
    taken = first.loc[~missing, ["x0", "y0", "x1", "y1"]].to_numpy(dtype=float)
    second = place_labels(anchors[missing], sizes[missing], obstacles=np.vstack([hard, taken]),
                          frame=frame, offset=(1.0, 3.5, 7.0), positions=NAME_POSITIONS)
    second.index = first.index[missing]
    first.loc[missing] = second
    return first


def draw_overview_context(ax: Axes, context: MapContext, view: Sequence[float], *,
                          box_w_mm: float, obstacles_mm: np.ndarray) -> list[Text]:
    """The context of a county overview (the atlas cover): over its coloured districts.

    Sea and land beneath, built-up areas and water translucent over the district
    colours, and the names of the largest towns (rank 1 and 2).
    """
    clipped = clip_context(context, _view_box(view))
    ax.set_facecolor(SEA)
    _fill(ax, clipped.land.geometry.to_numpy(), LAND, LAND_Z)
    _fill(ax, clipped.builtup.geometry.to_numpy(), "#6E6E6E", CONTEXT_Z, alpha=0.22)
    _draw_water(ax, clipped.water.geometry.to_numpy(), clipped.water[KIND].to_numpy()
                if len(clipped.water) else None, zorder=CONTEXT_Z + 0.01)
    return draw_place_names(ax, clipped, view, box_w_mm=box_w_mm, obstacles_mm=obstacles_mm,
                            scale=0.95, max_rank=2)
