"""Inset maps: where co-location labels would crowd the main map, and a short place
name for each inset.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .prepare import DistrictData
from .text import clean_text


def find_insets(
    colocs: pd.DataFrame,
    view: Sequence[float],
    map_w_mm: float,
    *,
    max_insets: int,
    inset_w_mm: float,
    aspect: float,
    zoom: float = 4.0,
    crowd_mm: float = 11.0,
    min_group: int = 3,
) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Windows around the places where co-location labels would crowd the main map.

    A window is centred on the densest remaining group of co-locations (three or
    more within ``crowd_mm`` of each other at the main map's scale) and sized so
    the inset shows it ``zoom`` times larger than the main map. Windows do not
    overlap.
    """
    if max_insets <= 0 or len(colocs) < min_group:
        return []
    xmin, xmax, _, _ = view
    m_per_mm = (xmax - xmin) / map_w_mm
    radius = crowd_mm * m_per_mm
    w = max(inset_w_mm * m_per_mm / zoom, 600.0)
    h = w / aspect
    xy = colocs[["cx", "cy"]].to_numpy(dtype=float)
    d2 = ((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2)
    near = d2 <= radius**2
    remaining = np.ones(len(xy), dtype=bool)
    out: list[tuple[str, tuple[float, float, float, float]]] = []
    for letter in "ABCD"[:max_insets]:
        counts = (near & remaining[None, :]).sum(axis=1) * remaining
        window = None
        for best in np.argsort(-counts, kind="stable"):
            if counts[best] < min_group:
                break
            group = remaining & near[best]
            cx, cy = xy[group, 0].mean(), xy[group, 1].mean()
            cand = (cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2)
            if all(cand[1] < o[0] or cand[0] > o[1] or cand[3] < o[2] or cand[2] > o[3]
                   for _, o in out):
                window = cand
                break
            remaining[best] = False  # its place is already covered by another inset
        if window is None:
            break
        covered = (xy[:, 0] > window[0]) & (xy[:, 0] < window[1]) & (
            xy[:, 1] > window[2]) & (xy[:, 1] < window[3])
        remaining &= ~covered
        out.append((letter, window))
    return out


_COUNTY_WORDS = frozenset({"KENT", "MEDWAY", "ENGLAND", "UK", "UNITED KINGDOM"})


def place_name(data: DistrictData, window: Sequence[float]) -> str:
    """A short place name for an inset: the town part of the biggest co-location's address."""
    c = data.colocations
    inside = c.loc[(c["cx"] > window[0]) & (c["cx"] < window[1]) & (c["cy"] > window[2])
                   & (c["cy"] < window[3])]
    for place in inside["place"]:
        parts = [p.strip() for p in str(place).split(",") if p.strip()]
        if parts and place != "(location withheld)":
            # the last part that is neither a postcode nor a county ("KENT")
            for part in reversed(parts):
                if re.fullmatch(r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}", part.upper()):
                    continue
                if part.upper() in _COUNTY_WORDS:
                    continue
                return clean_text(part.title() if part.isupper() else part, max_chars=28)
    return ""
