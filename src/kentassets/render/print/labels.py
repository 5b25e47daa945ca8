"""Co-location labels: deterministic placement clear of each other, of co-location
centres and of the scale bar and north arrow, and a check for overlaps.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import style
from .prepare import DistrictData
from .text import PT_MM, text_width_mm

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Text

logger = logging.getLogger(__name__)


_LABEL_GID = "colocation-label"
_ANGLES = np.deg2rad([45, 135, -45, -135, 90, -90, 0, 180, 22.5, 157.5, -22.5, -157.5])
_RADII_MM = (1.2, 3.0, 5.5, 8.5, 12.0, 16.0, 21.0, 28.0)


def _free_position(
    ax_mm: float,
    ay_mm: float,
    hw: float,
    hh: float,
    obstacles: np.ndarray,
    points_mm: np.ndarray,
    *,
    box_w_mm: float,
    box_h_mm: float,
) -> tuple[tuple[float, float] | None, tuple[float, float, float] | None]:
    """Centre for a label box of half-size (hw, hh) mm around the anchor (ax_mm, ay_mm).

    Tries the rings of ``_RADII_MM`` from the inside out; on the first ring with
    a candidate inside the map box overlapping no obstacle, returns the one
    covering the fewest asset points. Returns ``(chosen or None, best)``, where
    ``best`` is the least-overlapping candidate seen ``(overlap, x, y)``.
    """
    best: tuple[float, float, float] | None = None  # (overlap, x, y)
    for r in _RADII_MM:
        cx = ax_mm + np.cos(_ANGLES) * (r + hw)
        cy = ay_mm + np.sin(_ANGLES) * (r + hh)
        x0, x1, y0, y1 = cx - hw, cx + hw, cy - hh, cy + hh
        inside = (x0 >= 0.8) & (x1 <= box_w_mm - 0.8) & (y0 >= 0.8) & (y1 <= box_h_mm - 0.8)
        if len(obstacles):
            ox = np.clip(np.minimum(x1[:, None], obstacles[None, :, 2])
                         - np.maximum(x0[:, None], obstacles[None, :, 0]), 0, None)
            oy = np.clip(np.minimum(y1[:, None], obstacles[None, :, 3])
                         - np.maximum(y0[:, None], obstacles[None, :, 1]), 0, None)
            overlap = (ox * oy).sum(axis=1)
        else:
            overlap = np.zeros(len(cx))
        overlap = np.where(inside, overlap, np.inf)
        free = np.flatnonzero(overlap == 0)
        if len(free):
            if len(points_mm):
                covered = ((points_mm[None, :, 0] > x0[free, None])
                           & (points_mm[None, :, 0] < x1[free, None])
                           & (points_mm[None, :, 1] > y0[free, None])
                           & (points_mm[None, :, 1] < y1[free, None])).sum(axis=1)
                k = int(free[np.argmin(covered)])
            else:
                k = int(free[0])
            return (float(cx[k]), float(cy[k])), best
        k = int(np.argmin(overlap))
        if np.isfinite(overlap[k]) and (best is None or overlap[k] < best[0]):
            best = (float(overlap[k]), float(cx[k]), float(cy[k]))
    return None, best


def _place_labels(
    order: pd.DataFrame,
    anchors_mm: np.ndarray,
    points_mm: np.ndarray,
    reserved: Sequence[tuple[float, float, float, float]],
    *,
    box_w_mm: float,
    box_h_mm: float,
    xmin: float,
    ymin: float,
    m_per_mm: float,
    size_pt: float,
) -> list[tuple[str, bool, tuple[float, float], tuple[float, float],
                tuple[float, float] | None]]:
    """Greedy, deterministic label placement on the page (in mm).

    Labels are placed in priority order (shortlisted first) at the nearest of a
    ring of candidate positions around their co-location that overlaps no placed
    label, no other co-location centre and no reserved corner (scale bar, north
    arrow), preferring the candidate covering the fewest asset symbols. A
    shortlisted label with no free candidate goes to the least-overlapping one;
    other labels with no room are left out (their outline is still drawn).
    """
    pad_mm = 0.18 * size_pt * PT_MM
    hh = (size_pt * PT_MM * 1.2 + 2 * pad_mm) / 2 + 0.35
    boxes = [np.array(r, dtype=float) for r in reserved]
    anchor_boxes = np.column_stack([anchors_mm - 1.0, anchors_mm + 1.0]) if len(anchors_mm) \
        else np.empty((0, 4))
    out = []
    for cid_value, flag, cx, cy in zip(order["colocation_id"], order["shortlisted"], order["cx"],
                                       order["cy"], strict=True):
        cid = str(cid_value)
        shortlisted = bool(flag)
        ax_mm = (float(cx) - xmin) / m_per_mm
        ay_mm = (float(cy) - ymin) / m_per_mm
        hw = (text_width_mm(cid, size_pt, bold=shortlisted) + 2 * pad_mm) / 2 + 0.4
        placed = np.array(boxes) if boxes else np.empty((0, 4))
        obstacles = np.vstack([placed, anchor_boxes[
            ~((np.abs(anchor_boxes[:, 0] + 1.0 - ax_mm) < 1e-6)
              & (np.abs(anchor_boxes[:, 1] + 1.0 - ay_mm) < 1e-6))]])
        chosen, best = _free_position(ax_mm, ay_mm, hw, hh, obstacles, points_mm,
                                      box_w_mm=box_w_mm, box_h_mm=box_h_mm)
        if chosen is None:
            if not shortlisted or best is None:
                continue
            chosen = (best[1], best[2])
        tx, ty = chosen
        boxes.append(np.array([tx - hw, ty - hh, tx + hw, ty + hh]))
        # leader line from the co-location to the nearest point of the label box
        lx = min(max(ax_mm, tx - hw + 0.4), tx + hw - 0.4)
        ly = min(max(ay_mm, ty - hh + 0.35), ty + hh - 0.35)
        leader = (lx, ly) if np.hypot(lx - ax_mm, ly - ay_mm) > 1.0 else None
        out.append((cid, shortlisted, (ax_mm, ay_mm), (tx, ty), leader))
    return out


def label_overlaps(fig: Figure) -> list[tuple[str, str]]:
    """Pairs of co-location labels whose boxes overlap on a rendered page.

    Parameters
    ----------
    fig
        A figure from :func:`district_pdf`.

    Returns
    -------
    list of tuple of str
        ``(id_a, id_b)`` for each overlapping pair within one map (empty when
        every label is clear of the others).
    """
    from matplotlib.text import Text

    fig.draw_without_rendering()  # lay out the label boxes
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    out: list[tuple[str, str]] = []
    for ax in fig.axes:
        boxes = [
            (t.get_text(), t.get_bbox_patch().get_window_extent(renderer)  # type: ignore[union-attr]
             if t.get_bbox_patch() is not None else t.get_window_extent(renderer))
            for t in ax.findobj(Text)
            if t.get_gid() == _LABEL_GID and t.get_visible()
        ]
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                a, b = boxes[i][1], boxes[j][1]
                if a.overlaps(b):
                    out.append((boxes[i][0], boxes[j][0]))
    return out


def reserved_mm(view: Sequence[float], *, box_w_mm: float, north: bool,
                 insets: Sequence[tuple[str, Sequence[float]]]) -> list[
    tuple[float, float, float, float]
]:
    """Boxes (mm in the map box) no label may cover: scale bar, north arrow, inset letters."""
    xmin, xmax, ymin, ymax = view
    m_per_mm = (xmax - xmin) / box_w_mm
    box_h_mm = (ymax - ymin) / m_per_mm
    reserved = [
        (0.0, 0.0, 0.22 * box_w_mm + 12.0, 11.0),  # scale bar, lower left
        *([(box_w_mm - 16.0, box_h_mm - 26.0, box_w_mm, box_h_mm)] if north else []),
    ]
    for _letter, (ix0, _ix1, _iy0, iy1) in insets:
        bx, by = (ix0 - xmin) / m_per_mm, (iy1 - ymin) / m_per_mm
        reserved.append((bx - 1.0, by - 1.0, bx + 6.0, by + 5.5))
    return reserved


def in_view_mm(frame: pd.DataFrame, x: str, y: str, view: Sequence[float],
                m_per_mm: float) -> np.ndarray:
    """The rows of ``frame`` strictly inside the view, as (n, 2) mm in the map box."""
    xmin, xmax, ymin, ymax = view
    xs, ys = frame[x].to_numpy(), frame[y].to_numpy()
    inside = (xs > xmin) & (xs < xmax) & (ys > ymin) & (ys < ymax)
    return np.column_stack([(xs[inside] - xmin) / m_per_mm, (ys[inside] - ymin) / m_per_mm])


def draw_labels(
    ax: Axes,
    data: DistrictData,
    view: Sequence[float],
    *,
    box_w_mm: float,
    label_ids: Sequence[str],
    label_pt: float,
    north: bool,
    insets: Sequence[tuple[str, Sequence[float]]],
) -> list[Text]:
    """Place and draw the labels of the co-locations ``label_ids`` inside the view."""
    xmin, xmax, ymin, ymax = view
    colocs = data.colocations
    sel = colocs.loc[colocs["colocation_id"].isin(set(label_ids))]
    sel = sel.loc[(sel["cx"] > xmin) & (sel["cx"] < xmax) & (sel["cy"] > ymin) & (sel["cy"] < ymax)]
    m_per_mm = (xmax - xmin) / box_w_mm
    order = sel.sort_values(["shortlisted", "district_rank", "rank", "colocation_id"],
                            ascending=[False, True, True, True], na_position="last",
                            kind="mergesort")
    placements = _place_labels(
        order, in_view_mm(colocs, "cx", "cy", view, m_per_mm),
        in_view_mm(data.points, "x", "y", view, m_per_mm),
        reserved_mm(view, box_w_mm=box_w_mm, north=north, insets=insets),
        box_w_mm=box_w_mm, box_h_mm=(ymax - ymin) / m_per_mm,
        xmin=xmin, ymin=ymin, m_per_mm=m_per_mm, size_pt=label_pt,
    )
    texts: list[Text] = []
    for cid, shortlisted, (ax_mm, ay_mm), (tx_mm, ty_mm), leader in placements:
        t = ax.text(xmin + tx_mm * m_per_mm, ymin + ty_mm * m_per_mm, cid,
                    fontsize=label_pt, fontweight="bold" if shortlisted else "normal",
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
