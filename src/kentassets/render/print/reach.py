"""Service reach on paper: a district's reach page and the atlas's county reach page.

The district page follows the district's map page (in its PDF and in the atlas):
how many people live within 1, 2 and 5 km of each service today, the options
curve (the largest share within 2 km that k of the district's own sites can
reach, today's point marked), and what each shortlisted co-location does to
reach. The county page holds the county table. Both are drawn only when the
reach stage ran.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ... import schema
from .. import style
from .._reach import (
    COUNTY_CODE,
    COVERED_SHARE,
    CURRENT_SHARE,
    CURRENT_SITES,
    DEMAND,
    DEMAND_ESTIMATE_NOTE,
    KEEPS_CURRENT,
    MEAN_DISTANCE_M,
    P90_DISTANCE_M,
    SERVICE,
    SITES,
    SOLVE_STATUS,
    SOLVED_OPTIMAL,
    THRESHOLD_M,
    DistrictReach,
    K,
    band_index,
    band_labels,
    distance_text,
    headline_threshold,
    hex_cells,
    hex_corners,
    reach_effect_lines,
    reach_estimate,
    reach_method,
    service_label,
    share_text,
    thresholds_of,
    withheld_note,
    within_column,
)
from .geometry import add_geom, geom_path, map_limits
from .layout import (
    MARGIN_MM,
    MIN_FONT_PT,
    MUTED,
    Page,
    attribution_text,
    date_text,
    draw_footer,
    draw_header,
    new_page,
    rc,
    subtitle_text,
)
from .tables import Column, draw_table, table_height_mm
from .text import PT_MM, clean_text, fmt_number, text_width_mm, wrap_mm

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .pages import PageOptions
    from .prepare import DistrictData

#: Width of the print maps' hexagons across the flats, metres (coarser than the web's).
PRINT_CELL_M = 1000.0


def _service_label(service: Any) -> str:
    return clean_text(service_label(service), max_chars=40)


def _today_columns(thresholds_m: Sequence[int], estimate: bool) -> tuple[Column, ...]:
    return (
        Column("Service", 1.0),
        Column("Sites", align="right"),
        Column("People (est.)" if estimate else "People", align="right"),
        *(Column(f"Within {distance_text(t)}", align="right") for t in thresholds_m),
        Column("Mean distance", align="right"),
        Column("90% within", align="right"),
    )


def _today_rows(table: pd.DataFrame, thresholds_m: Sequence[int]) -> list[list[str]]:
    """One row per service: sites, people, shares within each threshold, mean and p90."""
    rows = []
    for _, r in table.iterrows():
        rows.append([
            _service_label(r[SERVICE]), fmt_number(r.get(SITES)), fmt_number(r.get(DEMAND)),
            *(share_text(r.get(within_column(t))) or "–" for t in thresholds_m),
            distance_text(r.get(MEAN_DISTANCE_M)) or "–",
            distance_text(r.get(P90_DISTANCE_M)) or "–",
        ])
    return rows


def _effect_columns(headline_m: int | None) -> tuple[Column, ...]:
    beyond = f"Stranded ({distance_text(headline_m)})" if headline_m else "Stranded"
    return (
        Column("Id"),
        Column("Place (largest member)", 2.0),
        Column("People farther", align="right"),
        Column(beyond, align="right"),
        Column("What it does to reach", 4.0),
    )


def _effect_rows(shortlist: pd.DataFrame, headline_m: int | None) -> list[list[str]]:
    """Per shortlisted co-location with reach figures: people farther, stranded, sentences."""
    rows: list[list[str]] = []
    if "reach" not in shortlist.columns:
        return rows
    for _, s in shortlist.iterrows():
        effect = s["reach"]
        if effect is None:
            continue
        stranded = effect.losing.get(headline_m) if headline_m is not None else None
        rows.append([
            str(s["colocation_id"]), str(s["place"]), fmt_number(effect.farther),
            fmt_number(stranded), clean_text(" ".join(reach_effect_lines(effect))),
        ])
    return rows


@dataclass(frozen=True)
class _Curve:
    """One service's options curve."""

    label: str
    k: np.ndarray
    share: np.ndarray
    today_k: int
    today_share: float
    keeps_today: int | None  # fewest sites that keep today's share
    optimal: bool


def _curves(options: pd.DataFrame) -> list[_Curve]:
    """The options per service, in the order the table first names them."""
    if not len(options):
        return []
    out = []
    for service in pd.unique(options[SERVICE].astype(str)):
        rows = options[options[SERVICE].astype(str) == service].sort_values(K, kind="mergesort")
        k = pd.to_numeric(rows[K], errors="coerce").to_numpy(dtype=float)
        share = pd.to_numeric(rows[COVERED_SHARE], errors="coerce").to_numpy(dtype=float)
        current = float(pd.to_numeric(rows[CURRENT_SHARE], errors="coerce").max())
        keeps = (rows[KEEPS_CURRENT].fillna(False).astype(bool).to_numpy()
                 if KEEPS_CURRENT in rows.columns else share >= current - 1e-9)
        today = (pd.to_numeric(rows[CURRENT_SITES], errors="coerce").max()
                 if CURRENT_SITES in rows.columns else np.nanmax(k))
        optimal = (rows[SOLVE_STATUS].astype("string").fillna(SOLVED_OPTIMAL).eq(
            SOLVED_OPTIMAL).all() if SOLVE_STATUS in rows.columns else True)
        out.append(_Curve(_service_label(service), k, share, int(today), current,
                          int(k[keeps].min()) if keeps.any() else None, bool(optimal)))
    return out


def _draw_curves(ax: Axes, curves: Sequence[_Curve], threshold_m: int | None,
                 size_pt: float) -> None:
    """Covered share against sites kept, one line per service, today's point a star."""
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    within = distance_text(threshold_m) if threshold_m else "the threshold"
    ax.set_title("Options: how many sites reach how many people", fontsize=size_pt + 2,
                 fontweight="bold", loc="left")
    for i, c in enumerate(curves):
        colour = style.SERVICE_COLOURS[i % len(style.SERVICE_COLOURS)]
        ax.plot(c.k, c.share * 100, marker="o", ms=3.5, lw=1.4, color=colour,
                mfc=colour if c.optimal else "white", label=c.label)
        ax.plot([c.today_k], [c.today_share * 100], marker="*", ms=11, color=colour,
                mec="#222222", mew=0.6, ls="none", zorder=5)
    ax.set_xlabel("Sites of its own the district keeps (k)", fontsize=size_pt)
    ax.set_ylabel(f"Share of the district's people within {within}", fontsize=size_pt)
    ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, 102)
    ax.tick_params(labelsize=size_pt - 0.5)
    ax.grid(True, color="#DDDDDD", lw=0.5)
    handles, labels = ax.get_legend_handles_labels()
    from matplotlib.lines import Line2D

    handles.append(Line2D([], [], marker="*", ms=9, color="#888888", mec="#222222", mew=0.6,
                          ls="none"))
    labels.append("today's sites")
    leg = ax.legend(handles, labels, fontsize=size_pt - 0.5, loc="best", frameon=True,
                    framealpha=0.9)
    for t in leg.get_texts():
        t.set_parse_math(False)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)


def _curve_notes(curves: Sequence[_Curve], threshold_m: int | None) -> list[str]:
    """One sentence per service: how few sites keep today's share; the solver's caveat."""
    within = distance_text(threshold_m) if threshold_m else "the threshold"
    notes = []
    for c in curves:
        if c.keeps_today is not None:
            notes.append(f"{c.label}: {c.keeps_today} of its {c.today_k} sites keep today's "
                         f"{share_text(c.today_share)} within {within}.")
    if any(not c.optimal for c in curves):
        notes.append("Hollow points: the solver stopped at its time limit before proving "
                     "the share the best possible; the best share may be higher.")
    return notes


def _reach_subtitle(reach: DistrictReach, options: PageOptions, code: str) -> str:
    return subtitle_text(options.title, date_text(options.data_date),
                     f"distance {reach.method}, to the nearest site of each service "
                     "(sites across the boundary count)",
                     style.SYNTHETIC_NOTE if options.synthetic else None, f"district {code}")


def _draw_today(page: Page, reach: DistrictReach, box: tuple[float, float, float, float],
                size_pt: float) -> float:
    """The table of reach today at the top of ``box``; return the y below its notes."""
    x, top, w, _ = box
    columns = _today_columns(reach.thresholds_m, reach.estimate)
    rows = _today_rows(reach.table, reach.thresholds_m)
    h = table_height_mm(columns, rows, w, size_pt, 2) + (size_pt + 2.5) * PT_MM * 1.3 + 1.5
    note = DEMAND_ESTIMATE_NOTE if reach.estimate else ""
    h_note = 8.0 if note else 2.0
    draw_table(page, (x, top - h - h_note, w, h + h_note), columns, rows, size_pt=size_pt,
                title="Reach today", more_note=note, on_page=True)
    return top - h - h_note - 6.0


def _effects_height_mm(data: DistrictData, headline_m: int | None, width_mm: float,
                       size_pt: float) -> float:
    """The height the shortlist's reach table needs, with its title and footnote."""
    rows = _effect_rows(data.shortlist, headline_m)
    if not rows:
        return 14.0
    return (table_height_mm(_effect_columns(headline_m), rows, width_mm, size_pt, 4)
            + (size_pt + 2.5) * PT_MM * 1.3 + 12.0)


def _draw_effects(page: Page, data: DistrictData, box: tuple[float, float, float, float],
                  size_pt: float, headline_m: int | None) -> None:
    """What each shortlisted co-location does to reach, in ``box`` (or a line saying none)."""
    x, y0, w, h = box
    rows = _effect_rows(data.shortlist, headline_m)
    if rows:
        draw_table(page, (x, y0, w, h), _effect_columns(headline_m), rows, size_pt=size_pt,
                    title="What the shortlist does to reach", max_lines=4,
                    more_note="People farther: whose nearest site of a service gets farther "
                    "when the proposal moves or closes it. Stranded: left with no site within "
                    "the distance.", on_page=True)
        return
    page.text(x, y0 + h, "What the shortlist does to reach", fontsize=size_pt + 2.5,
              fontweight="bold", va="top")
    msg = ("No shortlisted co-location in this district." if not len(data.shortlist)
           else "The shortlisted co-locations carry no reach figures.")
    page.text(x, y0 + h - 7.0, msg, fontsize=size_pt, va="top", color=MUTED)


def _draw_reach_page(page: Page, data: DistrictData, reach: DistrictReach,
                     options: PageOptions, *, page_label: str | None) -> None:
    """Compose a district's reach page: today's table, the shortlist's effect, the curve."""
    big = page.width_mm > 350
    size = 8.0 if big else MIN_FONT_PT
    top = draw_header(page, f"{data.name}: service reach", _reach_subtitle(reach, options,
                                                                         data.code))
    bottom = draw_footer(page, attribution_text(options.attribution_year, options.boundary_source,
                                        options.synthetic), page_label=page_label)
    gap = 12.0
    width = page.width_mm - 2 * MARGIN_MM
    left_w = (width - gap) * 0.56
    right_x = MARGIN_MM + left_w + gap
    right_w = page.width_mm - MARGIN_MM - right_x
    y = _draw_today(page, reach, (MARGIN_MM, top, left_w, 0.0), size)
    # Above the maps: the shortlist's table on the left, the options curve on the right.
    curve_h = 110.0 if big else 72.0
    need = max(_effects_height_mm(data, reach.headline_m, left_w, size), curve_h - (top - y))
    maps_h = min(y - bottom - need - 6.0, (top - bottom) * 0.42, width / 4 * 0.9)
    if maps_h < 40.0:  # the shortlist comes first: no maps without room
        maps_h = 0.0
    split = bottom + maps_h + (6.0 if maps_h else 0.0)
    _draw_effects(page, data, (MARGIN_MM, split + 2.0, left_w, y - split - 2.0), size,
                  reach.headline_m)
    _draw_options(page, reach, (right_x, top - 6.0, right_w, split - 2.0), size)
    if maps_h:
        _draw_reach_maps(page, data, reach, (MARGIN_MM, bottom + 2.0, width, maps_h), size)


def _draw_options(page: Page, reach: DistrictReach, box: tuple[float, float, float, float],
                  size: float) -> None:
    """The options curve and its notes, between ``top`` and ``floor`` (``box``)."""
    x, top, w, floor = box
    curves = _curves(reach.options)
    threshold = _options_threshold(reach)
    if not curves:
        page.text(x, top, "Options", fontsize=size + 2.5, fontweight="bold", va="top")
        why = ("No service has two or more sites of its own in this district: there are "
               "no options of which sites to keep." if reach.options_run else
               "The options were not computed: the solver they need is not installed "
               "(pip install 'kentassets[reach]').")
        page.text(x, top - 7.0, "\n".join(wrap_mm(why, w, size, 3)), fontsize=size,
                  va="top", color=MUTED, linespacing=1.3)
        return
    notes = _curve_notes(curves, threshold)
    note_lines = [line for n in notes for line in wrap_mm(n, w, size, 3)]
    notes_h = len(note_lines) * size * PT_MM * 1.35
    plot_h = min(top - floor - notes_h - 13.0, w * 0.75)
    ax = page.fig.add_axes(page.rect(x + 12.0, top - plot_h, w - 12.0, plot_h))
    _draw_curves(ax, curves, threshold, size)
    page.text(x, top - plot_h - 11.0, "\n".join(note_lines), fontsize=size, va="top",
              color=MUTED, linespacing=1.35)


def _band_paths(polygons: np.ndarray, mean_m: np.ndarray, reach: DistrictReach
                ) -> list[tuple[Any, str]]:
    """One compound path per distance band (few PDF objects, however many hexagons)."""
    from matplotlib.path import Path

    colours = style.reach_band_colours(len(reach.thresholds_m) + 1)
    bands = band_index(mean_m, reach.thresholds_m)
    out = []
    for band in np.unique(bands):
        rings = polygons[bands == band]
        closed = np.concatenate([rings, rings[:, :1, :]], axis=1)
        codes = np.full(closed.shape[1], Path.LINETO, dtype=np.uint8)
        codes[0], codes[-1] = Path.MOVETO, Path.CLOSEPOLY
        path = Path(closed.reshape(-1, 2), np.tile(codes, len(rings)))
        out.append((path, style.REACH_NONE if band < 0 else colours[band]))
    return out


def _draw_reach_maps(page: Page, data: DistrictData, reach: DistrictReach,
                     box: tuple[float, float, float, float], size: float) -> None:
    """Small maps in a row, one per service: hexagons of people shaded by distance."""
    from matplotlib.patches import PathPatch

    x0, y0, w, h = box
    services = reach.mapped_services[:4]
    cells = hex_cells(reach, cell_m=PRINT_CELL_M)
    if not services or not len(cells):
        return
    page.text(x0, y0 + h, "Where people live: average distance to the nearest site",
              fontsize=size + 2.5, fontweight="bold", va="top")
    legend_h = size * PT_MM * 2.4
    title_h = size * PT_MM * 1.8
    map_w = (w - 6.0 * 3) / 4
    map_h = h - 8.0 - legend_h - title_h
    ring = hex_corners(cells.radius_m)
    polygons = np.stack([cells.x, cells.y], axis=1)[:, None, :] + ring[None, :, :]
    view = map_limits(data.geom.bounds, map_w, map_h, pad=0.02)
    # At this scale (about 1:500,000) 100 m is under a fifth of a millimetre: the
    # simplified outline looks the same, and clips and draws far faster.
    geom = data.geom.simplify(100.0, preserve_topology=True)
    outline = geom_path(geom)
    for i, service in enumerate(services):
        ax = page.fig.add_axes(page.rect(x0 + i * (map_w + 6.0), y0 + legend_h, map_w, map_h))
        ax.set_xlim(view[0], view[1])
        ax.set_ylim(view[2], view[3])
        ax.set_aspect("equal", adjustable="box")
        ax.axis("off")
        keep = cells.demand[service] > 0
        for path, colour in _band_paths(polygons[keep], cells.mean_m[service][keep], reach):
            patch = ax.add_artist(PathPatch(path, transform=ax.transData, fc=colour, ec="none"))
            if outline is not None:  # the hexagons end at the district boundary
                patch.set_clip_path(outline, ax.transData)
        add_geom(ax, geom, facecolor="none", edgecolor="#222222", lw=0.6)
        page.text(x0 + i * (map_w + 6.0), y0 + legend_h + map_h + 0.8, _service_label(service),
                  fontsize=size, fontweight="bold", va="bottom", ha="left")
    _draw_band_legend(page, reach, x0, y0 + legend_h * 0.4, size)


def _draw_band_legend(page: Page, reach: DistrictReach, x: float, y: float,
                      size: float) -> None:
    """The distance bands in a row: a swatch and its label each."""
    from matplotlib.patches import Rectangle

    labels = band_labels(reach.thresholds_m)
    colours = style.reach_band_colours(len(labels))
    for label, colour in zip(labels, colours, strict=True):
        page.fig.patches.append(Rectangle(page.rect(x, y - 1.5, 3.0, 3.0)[:2],
                                          3.0 / page.width_mm, 3.0 / page.height_mm,
                                          transform=page.fig.transFigure, fc=colour,
                                          ec="#333333", lw=0.3))
        page.text(x + 4.0, y, label, fontsize=size - 0.5, va="center", ha="left")
        x += text_width_mm(label, size - 0.5) + 10.0
    people = "estimated people" if reach.estimate else "people"
    note = (f"Hexagons {distance_text(PRINT_CELL_M)} across, averaged over their {people}; "
            "blank: no one lives there.")
    withheld = [service_label(s) for s in reach.services if s in reach.withheld]
    if withheld:
        note += " " + withheld_note(withheld)
    page.text(x, y, clean_text(note), fontsize=size - 0.5, va="center", ha="left",
              color=MUTED)


def _options_threshold(reach: DistrictReach) -> int | None:
    if len(reach.options) and THRESHOLD_M in reach.options.columns:
        values = pd.to_numeric(reach.options[THRESHOLD_M], errors="coerce").dropna()
        if len(values):
            return int(values.iloc[0])
    return headline_threshold(reach.thresholds_m)


def reach_figure(data: DistrictData, reach: DistrictReach, *, paper: str,
                 options: PageOptions, page_label: str | None = "") -> Figure:
    """Draw a district's reach page on a new Figure (it follows the district's map page)."""
    with rc():
        page = new_page(paper)
        _draw_reach_page(page, data, reach, options, page_label=page_label)
    return page.fig


def has_county_reach(service_reach: pd.DataFrame | None) -> bool:
    """Whether the reach table has county rows (the atlas then has a county reach page)."""
    return service_reach is not None and bool(
        service_reach[schema.DISTRICT_CODE].astype("string").eq(COUNTY_CODE).fillna(False).any())


def _by_district(service_reach: pd.DataFrame, headline_m: int) -> tuple[
    tuple[Column, ...], list[list[str]]
]:
    """Each district's share within the headline distance, one column per service."""
    codes = service_reach[schema.DISTRICT_CODE].astype("string")
    rows = service_reach[codes.ne(COUNTY_CODE).fillna(False).to_numpy()]
    services = list(pd.unique(service_reach[SERVICE].astype(str)))
    table = rows.pivot_table(index=[schema.DISTRICT_NAME, schema.DISTRICT_CODE],
                             columns=SERVICE, values=within_column(headline_m), sort=True,
                             aggfunc="first")
    columns = (Column("District", 1.0), *(Column(_service_label(s), align="right")
                                           for s in services))
    out = [[clean_text(name, max_chars=40),
            *(share_text(table.loc[(name, code)].get(s)) or "–" for s in services)]
           for name, code in table.index]
    return columns, out


def _draw_county_reach(page: Page, service_reach: pd.DataFrame, *, top: float,
                       bottom: float) -> None:
    """The county table, then each district's share within 2 km per service."""
    thresholds = thresholds_of(service_reach)
    estimate = reach_estimate(service_reach)
    big = page.width_mm > 350
    size = 8.5 if big else 7.0
    width = min(page.width_mm - 2 * MARGIN_MM, 230.0 if big else 200.0)  # figures near labels
    county = service_reach[service_reach[schema.DISTRICT_CODE].astype("string")
                           .eq(COUNTY_CODE).fillna(False).to_numpy()]
    columns = _today_columns(thresholds, estimate)
    rows = _today_rows(county, thresholds)
    h = table_height_mm(columns, rows, width, size, 2) + (size + 2.5) * PT_MM * 1.3 + 10.0
    draw_table(page, (MARGIN_MM, top - h, width, h), columns, rows, size_pt=size,
                title="The county today", more_note=DEMAND_ESTIMATE_NOTE if estimate else "",
                on_page=True)
    headline = headline_threshold(thresholds)
    if headline is None:
        return
    columns, rows = _by_district(service_reach, headline)
    y = top - h - 8.0
    draw_table(page, (MARGIN_MM, bottom + 2.0, width * 0.75, y - bottom - 2.0), columns, rows,
                size_pt=size, title=f"People within {distance_text(headline)} of each "
                "service, by district", max_lines=1, on_page=True)


def county_reach_figure(service_reach: pd.DataFrame, *, paper: str, title: str,
                        data_date: Any, synthetic: bool, attribution_year: int,
                        boundary_source: str, page_label: str | None) -> Figure:
    """The atlas's county reach page: the county table and the districts' shares."""
    with rc():
        page = new_page(paper)
        sub = subtitle_text(title, date_text(data_date),
                        f"distance {reach_method(service_reach)}, to the nearest site of "
                        "each public-facing service (sites across a district boundary count)",
                        style.SYNTHETIC_NOTE if synthetic else None)
        top = draw_header(page, "Service reach, county", sub)
        bottom = draw_footer(page, attribution_text(attribution_year, boundary_source, synthetic),
                         page_label=page_label)
        _draw_county_reach(page, service_reach, top=top, bottom=bottom)
    return page.fig
