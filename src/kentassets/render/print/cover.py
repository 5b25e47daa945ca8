"""The atlas's summary pages: the cover (county map, totals against the savings
target, programme progress, eps sensitivity), the load summary by agency and the
workshop decisions to review.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Unpack

import numpy as np
import pandas as pd

from kentassets.render._ranges import compact_money

from ... import schema
from .. import style
from ..programme import progress_pairs, review_rows
from ..settings import (
    CountyContent,
    OutputKeywords,
    OutputSettings,
    resolve_output,
)
from .context import context_attribution, draw_overview_context, text_boxes_mm
from .geometry import add_geom, map_limits
from .labels import reserved_mm
from .layers import bng_frame, north_arrow, scalebar
from .layout import (
    MARGIN_MM,
    MIN_FONT_PT,
    MUTED,
    TEXT,
    Page,
    attribution_text,
    date_text,
    draw_footer,
    draw_header,
    subtitle_text,
)
from .prepare import bool_col, colocation_rows, num_col, str_col
from .tables import Column, draw_table
from .text import PT_MM, clean_text, fmt_money, fmt_number, wrap, wrap_mm

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.axes import Axes

    from ...plan import Trajectory
    from ...reference.context import MapContext


def _draw_county_map(ax: Axes, districts: gpd.GeoDataFrame, counts: Mapping[str, int],
                     points: np.ndarray, box_w_mm: float, box_h_mm: float,
                     label_pt: float = 7.5, context: MapContext | None = None) -> None:
    from matplotlib import colormaps

    view = map_limits(districts.total_bounds, box_w_mm, box_h_mm, pad=0.03)
    ax.set_xlim(view[0], view[1])
    ax.set_ylim(view[2], view[3])
    ax.set_aspect("equal", adjustable="box")
    cmap = colormaps["Oranges"]
    top = max(max(counts.values(), default=0), 1)
    for _, r in districts.iterrows():
        n = counts.get(str(r[schema.DISTRICT_CODE]), 0)
        add_geom(ax, r.geometry, facecolor=cmap(0.08 + 0.5 * n / top), edgecolor="#444444",
                  lw=0.7, zorder=1)
    if len(points):
        ax.scatter(points[:, 0], points[:, 1], s=5, c=style.HULL_COLOUR, edgecolors="#5A2A00",
                   linewidths=0.2, zorder=2)
    labels = []
    for _, r in districts.iterrows():
        p = r.geometry.representative_point()
        n = counts.get(str(r[schema.DISTRICT_CODE]), 0)
        name = "\n".join(wrap(clean_text(r.get(schema.DISTRICT_NAME, ""), max_chars=40), 13, 2))
        labels.append(ax.text(
            p.x, p.y, f"{name}\n{n:,}", ha="center", va="center", fontsize=label_pt,
            zorder=5, parse_math=False, color=TEXT, linespacing=1.15,
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "alpha": 0.8, "ec": "none"}))
    if context is not None:
        m_per_mm = (view[1] - view[0]) / box_w_mm
        obstacles = np.vstack([
            text_boxes_mm(labels, view, m_per_mm, pad_mm=1.5),
            np.reshape(np.asarray(reserved_mm(view, box_w_mm=box_w_mm, north=True, insets=()),
                                  dtype=float), (-1, 4)),
        ])
        draw_overview_context(ax, context, view, box_w_mm=box_w_mm, obstacles_mm=obstacles)
    bng_frame(ax, view, labels=True)
    scalebar(ax, size_pt=7.5)
    north_arrow(ax)


def _draw_sweep(ax: Axes, sweep: pd.DataFrame | None, eps_m: float | None) -> None:
    ax.set_title("Sensitivity to the co-location distance (eps)", fontsize=9.5,
                 fontweight="bold", loc="left")
    if sweep is None or len(sweep) == 0 or "eps_m" not in sweep.columns:
        ax.text(0.5, 0.5, "No sweep available", ha="center", va="center",
                transform=ax.transAxes, fontsize=8, color=MUTED)
        ax.set_xticks([])
        ax.set_yticks([])
        return
    s = sweep.sort_values("eps_m")
    x = pd.to_numeric(s["eps_m"], errors="coerce").to_numpy(dtype=float)
    ax.plot(x, num_col(s, "n_colocations").to_numpy(), marker="o", color=style.HULL_COLOUR,
            lw=1.4, ms=4, label="co-locations")
    ax.set_ylabel("Co-locations", fontsize=7.5, color=style.HULL_COLOUR)
    ax.set_xlabel("eps, metres (largest distance between neighbouring assets)", fontsize=7.5)
    ax.tick_params(labelsize=7)
    if np.nanmin(x) > 0 and np.nanmax(x) / np.nanmin(x) > 8:
        ax.set_xscale("log")
    ax.set_xticks(x)
    ax.set_xticklabels([f"{v:,.0f}" for v in x])
    ax.minorticks_off()
    ax.grid(True, color="#DDDDDD", lw=0.5)
    if "n_assets" in s.columns:
        ax2 = ax.twinx()
        ax2.plot(x, num_col(s, "n_assets").to_numpy(), marker="s", color=style.PALETTE[0],
                 lw=1.2, ms=3.5, ls="--")
        ax2.set_ylabel("Assets in co-locations", fontsize=7.5, color=style.PALETTE[0])
        ax2.tick_params(labelsize=7)
        ax2.minorticks_off()
    if eps_m is not None:
        ax.axvline(float(eps_m), color="#333333", lw=0.8, ls=":")
        ax.text(float(eps_m), 0.02, f" used: {float(eps_m):,.0f} m",
                transform=ax.get_xaxis_transform(), fontsize=7, ha="left", va="bottom",
                color="#333333")


def _totals_lines(totals: Mapping[str, Any], n_colocs: int, n_short: int, n_assets: int) -> list[
    tuple[str, str]
]:
    def num(key: str) -> float | None:
        try:
            v = float(totals.get(key))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None
        return v if np.isfinite(v) else None

    annual = num("annual_saving_gbp")
    target = num("target_gbp")
    if target is None:
        target = num("savings_target_gbp")
    years = num("target_years")
    over = num("saving_over_target_period_gbp")
    if over is None and annual is not None and years is not None:
        over = annual * years
    share = num("share_of_target")
    if share is None and over is not None and target:
        share = over / target
    lines = [
        ("Assets mapped", f"{n_assets:,}"),
        ("Multi-agency co-locations", f"{n_colocs:,}"),
        ("Shortlisted", f"{n_short:,}"),
        ("Estimated saving a year", fmt_money(annual)),
    ]
    if years is not None:
        lines.append((f"Saving over {years:,.0f} years", fmt_money(over)))
    if target is not None:
        lines.append(("Savings target" + (f" ({years:,.0f} years)" if years else ""),
                      fmt_money(target)))
    if share is not None:
        lines.append(("Share of target", f"{share:.0%}"))
    return lines + _range_lines(num)


def _range_lines(num: Any) -> list[tuple[str, str]]:
    """The saving as a range toward the target, with the share resting on given figures."""
    low, high = num("annual_saving_low_gbp"), num("annual_saving_high_gbp")
    if low is None or high is None or low == high:
        return []
    lines = [("Saving a year, range (≈)", f"{compact_money(low)}–{compact_money(high)}")]
    share_low, share_high = num("share_of_target_low"), num("share_of_target_high")
    if share_low is not None and share_high is not None:
        lines.append(("Share of target, range", f"{share_low:.0%}–{share_high:.0%}"))
    given = num("saving_given_share")
    if given is not None:
        lines.append(("Resting on given figures", f"{given:.0%} (rest: benchmarks)"))
    return lines


def _draw_cover_map(page: Page, districts: gpd.GeoDataFrame, opps: pd.DataFrame, *,
                    top: float, bottom: float, col_w: float, big: bool,
                    context: MapContext | None = None) -> None:
    """The county map of co-location counts by district, left of the totals column."""
    codes = str_col(opps, schema.DISTRICT_CODE)
    counts = {str(k): int(v) for k, v in codes.dropna().value_counts().items()}
    pts = np.empty((0, 2))
    if len(opps) and "geometry" in opps.columns:
        cent = opps.geometry.centroid
        pts = np.column_stack([cent.x.to_numpy(), cent.y.to_numpy()])
    # generalise co-location dots that contain sensitive members? centroids are
    # averages of several sites, drawn small at county scale: no single site is shown.
    tick_pad = 5.0
    map_x = MARGIN_MM + tick_pad
    map_w = page.width_mm - 2 * MARGIN_MM - col_w - 8.0 - tick_pad
    map_y = bottom + tick_pad + 2.0
    map_h = top - map_y - 6.0
    ax = page.fig.add_axes(page.rect(map_x, map_y, map_w, map_h))
    _draw_county_map(ax, districts, counts, pts, map_w, map_h,
                     label_pt=7.5 if big else MIN_FONT_PT, context=context)
    page.text(map_x, top - 1.0, "Multi-agency co-locations by district (dots: co-locations)",
              fontsize=9.5, fontweight="bold", va="top")


def _draw_target_bar(page: Page, totals: Mapping[str, Any], col_x: float, col_w: float,
                     y: float) -> float:
    """The savings against the target as a bar, when known; return the y below it."""
    from matplotlib.patches import Rectangle

    share = None
    try:
        share = float(totals.get("share_of_target"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        share = None
    if share is not None and np.isfinite(share):
        y -= 2.0
        bar = page.fig.add_axes(page.rect(col_x, y - 6.0, col_w, 6.0))
        bar.set_xlim(0, max(1.0, share))
        bar.set_ylim(0, 1)
        bar.axis("off")
        bar.add_patch(Rectangle((0, 0), 1.0, 1, fc="#EEEEEE", ec="#555555", lw=0.6))
        bar.add_patch(Rectangle((0, 0.15), share, 0.7, fc=style.HULL_COLOUR, ec="none"))
        bar.plot([1.0, 1.0], [-0.25, 1.25], color="#222222", lw=1.2, clip_on=False)
        bar.text(1.0, -0.35, "target", ha="center", va="top", fontsize=MIN_FONT_PT,
                 color=TEXT, parse_math=False)
        y -= 6.0 + 5.0
        page.text(col_x, y, f"Estimated savings over the target period: {share:.0%} of the "
                  "target (black line).", fontsize=7.5, va="top", color=MUTED)
        y -= 16.0
    return y


def _draw_progress(page: Page, progress: Any, col_x: float, col_w: float, y: float,
                   size: float) -> float:
    """Progress toward the target by stage (estimates marked); return the y below it."""
    pairs = progress_pairs(progress)
    if not pairs:
        return y
    page.text(col_x, y, "Programme progress toward the target", fontsize=size + 1,
              fontweight="bold", va="top")
    y -= (size + 1) * PT_MM * 1.8
    for label, value in pairs:
        page.text(col_x, y, label, fontsize=size, va="top")
        y -= size * PT_MM * 1.4
        page.text(col_x + col_w, y, value, fontsize=size, va="top", ha="right",
                  fontweight="bold")
        y -= size * PT_MM * 1.7
    page.text(col_x, y, "est.: the model's estimate, not a realised saving.",
              fontsize=MIN_FONT_PT, va="top", color=MUTED)
    return y - 14.0


def draw_review(
    page: Page,
    to_review: pd.DataFrame,
    *,
    title: str,
    attribution_year: int,
    boundary_source: str,
    synthetic: bool,
    page_label: str | None,
) -> None:
    """The decisions on co-locations merged or retired this round, for the workshop."""
    sub = subtitle_text(title, "decisions on ids that were merged or are no longer co-locations; "
                    "kept until the workshop moves or closes them")
    top = draw_header(page, "Decisions to review", sub)
    bottom = draw_footer(page, attribution_text(attribution_year, boundary_source, synthetic),
                     page_label=page_label)
    cols = (Column("Id"), Column("Status"), Column("Decided on"), Column("What to do", 5.0))
    rows = [[clean_text(c) for c in row] for row in review_rows(to_review)]
    width = page.width_mm - 2 * MARGIN_MM
    draw_table(page, (MARGIN_MM, bottom + 2.0, width, top - bottom - 4.0), cols, rows,
                size_pt=8.5 if page.width_mm > 350 else 7.0, max_lines=3)


def draw_cover(
    page: Page,
    *,
    districts: gpd.GeoDataFrame,
    opportunities: gpd.GeoDataFrame,
    assets: gpd.GeoDataFrame,
    settings: OutputSettings | None = None,
    content: CountyContent | None = None,
    page_label: str | None,
    context: MapContext | None = None,
    trajectory: Trajectory | None = None,
    **keywords: Unpack[OutputKeywords],
) -> None:
    big = page.width_mm > 350
    s, c = resolve_output(settings, content, keywords, where="draw_cover")
    title, data_date, synthetic = s.title, s.data_date, s.synthetic
    attribution_year, boundary_source = s.attribution_year, s.boundary_source or "official"
    sweep, totals, params_note, eps_m = c.sweep, c.totals or {}, c.params_note, c.eps_m
    sub = subtitle_text("Co-location opportunities atlas", date_text(data_date), params_note,
                    style.SYNTHETIC_NOTE if synthetic else None)
    top = draw_header(page, title or "Public estate", sub)
    attribution = attribution_text(attribution_year, boundary_source, synthetic)
    bottom = draw_footer(page, context_attribution(attribution, context), page_label=page_label)
    opps = colocation_rows(opportunities)
    col_w = 150.0 if big else 105.0
    band = (62.0 if big else 48.0) if trajectory is not None else 0.0
    _draw_cover_map(page, districts, opps, top=top, bottom=bottom + band, col_w=col_w,
                    big=big, context=context)
    if trajectory is not None:
        _draw_cover_trajectory(page, trajectory, x=MARGIN_MM,
                               width=page.width_mm - 2 * MARGIN_MM - col_w - 8.0,
                               bottom=bottom, height=band - 4.0, big=big)
    col_x = page.width_mm - MARGIN_MM - col_w
    n_short = int(bool_col(opps, "shortlisted", False).sum())
    lines = _totals_lines(totals, len(opps), n_short, len(assets))
    page.text(col_x, top - 1.0, "County totals", fontsize=11, fontweight="bold", va="top")
    y = top - 9.0
    size = 10.0 if big else 8.5
    for label, value in lines:
        page.text(col_x, y, label, fontsize=size, va="top")
        page.text(col_x + col_w, y, value, fontsize=size, va="top", ha="right",
                  fontweight="bold")
        y -= size * PT_MM * 1.7
    y = _draw_target_bar(page, totals, col_x, col_w, y)
    y = _draw_progress(page, totals.get("progress"), col_x, col_w, y, size * 0.9)
    sweep_h = min(y - bottom - 14.0, 135.0 if big else 80.0)
    if sweep_h > 30:
        sx = page.fig.add_axes(page.rect(col_x + 11.0, y - sweep_h, col_w - 24.0, sweep_h))
        _draw_sweep(sx, sweep, eps_m)


def _draw_cover_trajectory(page: Page, trajectory: Trajectory, *, x: float, width: float,
                           bottom: float, height: float, big: bool) -> None:
    """The plan's county trajectory against the target, in a band under the county map:
    the sentence saying when the target is reached (or how far short the plan falls),
    then the cumulative saving by plan year against the target line."""
    from .plan import draw_trajectory

    size = 8.5 if big else 7.0
    lines = wrap_mm(trajectory.summary(), width, size + 1.0, 2)
    top = bottom + height
    page.text(x, top, "\n".join(lines), fontsize=size + 1.0, va="top", fontweight="bold",
              linespacing=1.3)
    text_h = len(lines) * (size + 1.0) * PT_MM * 1.3 + 3.0
    ax = page.fig.add_axes(page.rect(x + 12.0, bottom + 5.0, width - 14.0,
                                     height - text_h - 11.0))
    draw_trajectory(ax, trajectory, size=size)


def draw_load_summary(
    page: Page,
    load_summary: pd.DataFrame | None,
    *,
    title: str,
    data_date: date | datetime | str | None,
    synthetic: bool,
    attribution_year: int,
    boundary_source: str,
    page_label: str | None,
) -> None:
    sub = subtitle_text(title, date_text(data_date), style.SYNTHETIC_NOTE if synthetic else None,
                    "every input row is listed in the ledger, with the reason and what to fix")
    top = draw_header(page, "Load summary by agency", sub)
    bottom = draw_footer(page, attribution_text(attribution_year, boundary_source, synthetic),
                     page_label=page_label)
    frame = load_summary if load_summary is not None else pd.DataFrame()
    cols = (
        Column("Agency", 2.0),
        Column("Rows", align="right"),
        Column("Loaded", align="right"),
        Column("Excluded", align="right"),
        Column("Rejected", align="right"),
        Column("", 0.3),
        Column("Top reasons", 4.0),
    )
    rows: list[list[str]] = []
    sums = {k: 0.0 for k in ("rows", "loaded", "excluded", "rejected")}
    for _, r in frame.iterrows():
        reasons = r.get("top_reasons", "")
        if isinstance(reasons, Mapping):
            reasons = "; ".join(f"{k} ({v})" for k, v in reasons.items())
        elif isinstance(reasons, list | tuple):
            reasons = "; ".join(str(x) for x in reasons)
        row = [clean_text(r.get("agency", ""))]
        for key in sums:
            row.append(fmt_number(r.get(key)))
            value = pd.to_numeric(r.get(key), errors="coerce")
            if pd.notna(value):
                sums[key] += float(value)
        row += ["", clean_text(reasons)]
        rows.append(row)
    has_total = bool(rows) and rows[-1][0].strip().lower() in {"all", "total", "all agencies"}
    if rows and not has_total:
        rows.append(["All agencies", *(fmt_number(v) for v in sums.values()), "", ""])
    else:
        rows.append(["(no load summary given)", "", "", "", "", "", ""])
    width = page.width_mm - 2 * MARGIN_MM
    draw_table(page, (MARGIN_MM, bottom + 2.0, width, top - bottom - 4.0), cols, rows,
                size_pt=8.5 if page.width_mm > 350 else 7.0, max_lines=3, bold_last=True)
