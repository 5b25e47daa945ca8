"""Place point labels so that they overlap neither each other nor given obstacles.

Pure geometry, no matplotlib: boxes are ``(x0, y0, x1, y1)`` in any one unit
(map metres for the print maps). Labels are taken in order of priority, and
each tries a few positions around its point (right, left, above, below, then
the diagonals); the first position that fits inside the frame and clears every
label already placed and every obstacle wins. So the important places win, and
a label that cannot be placed is left out rather than drawn over another.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import pandas as pd

from ..errors import ValidationError

#: Candidate positions: (name, horizontal alignment, vertical alignment, dx, dy)
#: with dx, dy in units of the offset from the point.
_POSITIONS: Final = (
    ("center", "center", "center", 0.0, 0.0),
    ("right", "left", "center", 1.0, 0.0),
    ("left", "right", "center", -1.0, 0.0),
    ("above", "center", "bottom", 0.0, 1.0),
    ("below", "center", "top", 0.0, -1.0),
    ("upper right", "left", "bottom", 0.7, 0.7),
    ("lower right", "left", "top", 0.7, -0.7),
    ("upper left", "right", "bottom", -0.7, 0.7),
    ("lower left", "right", "top", -0.7, -0.7),
)
#: Positions tried, in order, unless the caller chooses others.
DEFAULT_POSITIONS: Final = tuple(p[0] for p in _POSITIONS[1:])
#: Average character width and line height as fractions of the font size.
CHAR_WIDTH_EM: Final = 0.56
LINE_HEIGHT_EM: Final = 1.2


def estimate_text_size(texts: pd.Series | list[str], fontsize: float) -> np.ndarray:
    """Approximate width and height of one-line labels, in the font size's unit.

    Parameters
    ----------
    texts
        The labels.
    fontsize
        Font size (points, or map metres when already scaled).

    Returns
    -------
    numpy.ndarray
        ``(n, 2)`` widths and heights; capitals count wider than lower case.

    Examples
    --------
    >>> estimate_text_size(["Deal", "Sittingbourne"], 10).round(1).tolist()
    [[23.8, 12.0], [74.2, 12.0]]
    """
    values = [str(t) for t in texts]
    widths = [
        fontsize * (CHAR_WIDTH_EM * len(t) + 0.14 * sum(c.isupper() for c in t))
        for t in values
    ]
    heights = [fontsize * LINE_HEIGHT_EM] * len(values)
    return np.column_stack([widths, heights]) if values else np.zeros((0, 2))


def _box(x: float, y: float, w: float, h: float, ha: str, va: str) -> np.ndarray:
    x0 = x if ha == "left" else x - w if ha == "right" else x - w / 2
    y0 = y if va == "bottom" else y - h if va == "top" else y - h / 2
    return np.array([x0, y0, x0 + w, y0 + h])


def _clear(box: np.ndarray, taken: np.ndarray, frame: np.ndarray | None) -> bool:
    if frame is not None and (
        box[0] < frame[0] or box[1] < frame[1] or box[2] > frame[2] or box[3] > frame[3]
    ):
        return False
    if not len(taken):
        return True
    overlap = (
        (taken[:, 0] < box[2]) & (taken[:, 2] > box[0])
        & (taken[:, 1] < box[3]) & (taken[:, 3] > box[1])
    )
    return not bool(overlap.any())


def place_labels(
    anchors: np.ndarray,
    sizes: np.ndarray,
    *,
    priority: np.ndarray | None = None,
    obstacles: np.ndarray | None = None,
    frame: tuple[float, float, float, float] | None = None,
    offset: float | Sequence[float] = 0.0,
    padding: float = 0.0,
    positions: Sequence[str] = DEFAULT_POSITIONS,
) -> pd.DataFrame:
    """Choose a non-overlapping position for each label, most important first.

    Parameters
    ----------
    anchors
        ``(n, 2)`` points being labelled.
    sizes
        ``(n, 2)`` label widths and heights (see :func:`estimate_text_size`).
    priority
        Larger goes first; ties keep the input order. Default: the input order.
    obstacles
        ``(m, 4)`` boxes no label may overlap (other labels, symbols, a legend).
    frame
        ``(x0, y0, x1, y1)`` every label must stay inside.
    offset
        Gap between the point and its label; several gaps are tried in turn (every
        position at the first gap, then at the next), for crowded maps.
    padding
        Extra clearance around each placed label.
    positions
        Positions to try, in order, from ``center`` (on the point: for names of
        areas drawn without a symbol), ``right``, ``left``, ``above``, ``below``,
        ``upper right``, ``lower right``, ``upper left``, ``lower left``.

    Returns
    -------
    pandas.DataFrame
        One row per label, in input order: ``placed`` (bool), ``x``, ``y`` (the
        text anchor), ``ha``, ``va`` (alignments), ``position`` and the box
        ``x0``, ``y0``, ``x1``, ``y1``. Labels that fit nowhere have
        ``placed`` False and NaN coordinates.

    Examples
    --------
    Two labels on nearly the same point: the more important one takes the right,
    the other moves to the left.

    >>> anchors = np.array([[0.0, 0.0], [1.0, 0.0]])
    >>> sizes = np.array([[10.0, 2.0], [10.0, 2.0]])
    >>> out = place_labels(anchors, sizes, priority=np.array([1, 2]), offset=0.5)
    >>> out[["placed", "position"]].values.tolist()
    [[True, 'left'], [True, 'right']]
    """
    anchors = np.asarray(anchors, dtype=float).reshape(-1, 2)
    sizes = np.asarray(sizes, dtype=float).reshape(-1, 2)
    count = len(anchors)
    rank = np.zeros(count) if priority is None else -np.asarray(priority, dtype=float)
    order = np.argsort(rank, kind="stable")
    taken = (
        np.asarray(obstacles, dtype=float).reshape(-1, 4)
        if obstacles is not None else np.zeros((0, 4))
    )
    bounds = np.asarray(frame, dtype=float) if frame is not None else None
    table = {p[0]: p for p in _POSITIONS}
    unknown = [p for p in positions if p not in table]
    if unknown:
        raise ValidationError(f"unknown label positions {unknown}; choose from {list(table)}")
    gaps = [float(offset)] if isinstance(offset, int | float) else [float(g) for g in offset]
    tried = [(*table[p][:3], table[p][3] * g, table[p][4] * g) for g in gaps for p in positions
             if g == gaps[0] or p != "center"]
    rows: list[dict[str, object]] = [_unplaced() for _ in range(count)]
    for index in order:
        x, y = anchors[index]
        width, height = sizes[index]
        for name, ha, va, dx, dy in tried:
            tx, ty = x + dx, y + dy
            box = _box(tx, ty, width, height, ha, va)
            if _clear(box + np.array([-padding, -padding, padding, padding]), taken, bounds):
                taken = np.vstack([taken, box])
                rows[index] = {
                    "placed": True, "x": tx, "y": ty, "ha": ha, "va": va,
                    "position": name, "x0": box[0], "y0": box[1], "x1": box[2], "y1": box[3],
                }
                break
    return pd.DataFrame(rows, columns=list(_unplaced()))


def _unplaced() -> dict[str, object]:
    nan = float("nan")
    return {
        "placed": False, "x": nan, "y": nan, "ha": "", "va": "", "position": "",
        "x0": nan, "y0": nan, "x1": nan, "y1": nan,
    }
