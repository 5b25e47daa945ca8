"""Map windows and shapes: the view rectangle a map box shows, clipping to it, and
shapely polygons as matplotlib paths.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def geom_path(geom: Any) -> Any:
    """A matplotlib Path for a shapely (Multi)Polygon, holes included."""
    from matplotlib.path import Path as MplPath

    verts: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    polygons = getattr(geom, "geoms", [geom])
    for poly in polygons:
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)[:, :2]
            if len(xy) < 3:
                continue
            c = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
            c[0] = MplPath.MOVETO
            c[-1] = MplPath.CLOSEPOLY
            verts.append(xy)
            codes.append(c)
    if not verts:
        return None
    return MplPath(np.concatenate(verts), np.concatenate(codes))


def add_geom(ax: Axes, geom: Any, **kw: Any) -> None:
    from matplotlib.patches import PathPatch

    path = geom_path(geom)
    if path is not None:
        # add_artist, not add_patch: the view is set explicitly, and add_patch's
        # data-limit update walks every Bézier segment of a long outline.
        ax.add_artist(PathPatch(path, transform=ax.transData, **kw))


def map_limits(
    bounds: Sequence[float], box_w_mm: float, box_h_mm: float, pad: float = 0.04
) -> tuple[float, float, float, float]:
    """Limits (xmin, xmax, ymin, ymax) around ``bounds`` with the box's aspect ratio."""
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    if not np.all(np.isfinite([minx, miny, maxx, maxy])):
        minx, miny, maxx, maxy = 500_000.0, 100_000.0, 650_000.0, 200_000.0
    w = max(maxx - minx, 200.0) * (1 + 2 * pad)
    h = max(maxy - miny, 200.0) * (1 + 2 * pad)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    aspect = box_w_mm / box_h_mm
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    return cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2


def clip(geom: Any, view: Sequence[float]) -> Any:
    """``geom`` cut to a rectangle a little larger than the view (smaller PDF paths)."""
    import shapely

    xmin, xmax, ymin, ymax = view
    mx, my = (xmax - xmin) * 0.02, (ymax - ymin) * 0.02
    return shapely.clip_by_rect(geom, xmin - mx, ymin - my, xmax + mx, ymax + my)


def view_box(view: Sequence[float], margin: float) -> Any:
    from shapely.geometry import box

    xmin, xmax, ymin, ymax = view
    mx, my = (xmax - xmin) * margin, (ymax - ymin) * margin
    return box(xmin + mx, ymin + my, xmax - mx, ymax - my)


def intersects(view: Sequence[float], bounds: Sequence[float]) -> bool:
    xmin, xmax, ymin, ymax = view
    bx0, by0, bx1, by1 = bounds
    return not (bx1 < xmin or bx0 > xmax or by1 < ymin or by0 > ymax)
