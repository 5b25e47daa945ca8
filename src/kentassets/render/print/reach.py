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
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ... import schema
from .. import style
from .._reach import (
    COUNTY_CODE,
    DEMAND,
    DEMAND_ESTIMATE_NOTE,
    MEAN_DISTANCE_M,
    P90_DISTANCE_M,
    SERVICE,
    SITES,
    THRESHOLD_M,
    DistrictReach,
    ReachEffect,
    band_index,
    band_labels,
    distance_text,
    headline_threshold,
    hex_cells,
    hex_corners,
    reach_estimate,
    reach_method,
    service_label,
    share_text,
    thresholds_of,
    withheld_note,
    within_column,
)
from ._chart import (
    Curve,
    chart_height_mm,
    draw_options_chart,
    options_curves,
    view_transform,
)
from ._compact import (
    ASCENT_EM,
    Cell,
    Labels,
    clip_label,
    compact_table_height_mm,
    draw_compact_table,
    label_width_mm,
)
from .geometry import geom_path, map_limits
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
from .text import PT_MM, clean_text, fmt_number, wrap_mm

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .pages import PageOptions
    from .prepare import DistrictData

#: Width of the print maps' hexagons across the flats, metres (coarser than the web's).
PRINT_CELL_M = 1000.0


def _service_label(service: Any) -> str:
    return clean_text(service_label(service), max_chars=40)


def _today_columns(thresholds_m: Sequence[int], estimate: bool, *,
                   people: bool = True) -> tuple[Column, ...]:
    """Service, sites, (people,) the share within each threshold, mean and p90."""
    return (
        Column("Service", 1.0),
        Column("Sites", align="right"),
        *((Column("People (est.)" if estimate else "People", align="right"),) if people
          else ()),
        *(Column(f"Within {distance_text(t)}", align="right") for t in thresholds_m),
        Column("Mean distance", align="right"),
        Column("90% within", align="right"),
    )


def _today_rows(table: pd.DataFrame, thresholds_m: Sequence[int], *,
                people: bool = True) -> list[list[str]]:
    """One row per service: sites, people, shares within each threshold, mean and p90."""
    rows = []
    for _, r in table.iterrows():
        rows.append([
            _service_label(r[SERVICE]), fmt_number(r.get(SITES)),
            *((fmt_number(r.get(DEMAND)),) if people else ()),
            *(share_text(r.get(within_column(t))) or "–" for t in thresholds_m),
            distance_text(r.get(MEAN_DISTANCE_M)) or "–",
            distance_text(r.get(P90_DISTANCE_M)) or "–",
        ])
    return rows


def _one_population(table: pd.DataFrame) -> float | None:
    """The district's people when every service counts the same people (else None)."""
    people = pd.to_numeric(table[DEMAND], errors="coerce") if DEMAND in table.columns else None
    if people is None or not len(people) or people.isna().any() or people.nunique() != 1:
        return None
    return float(people.iloc[0])


def _effects(shortlist: pd.DataFrame) -> list[tuple[pd.Series, ReachEffect]]:
    """The shortlisted co-locations that carry reach figures, with their effects."""
    if "reach" not in shortlist.columns:
        return []
    return [(s, s["reach"]) for _, s in shortlist.iterrows() if s["reach"] is not None]


def _stranded_thresholds(effects: Sequence[ReachEffect], headline_m: int | None) -> list[int]:
    """The distances to give a stranded column: the headline, and any that strands anyone."""
    keys = {t for e in effects for t, v in e.losing.items() if v > 0}
    if headline_m is not None:
        keys.add(headline_m)
    return sorted(keys)[:3]


#: The verdict of a co-location that strands people (drawn bold, in dark red).
_STRANDS = "Strands people"


def _verdict(effect: ReachEffect) -> str:
    """What the co-location does to reach, in two or three words."""
    if effect.strands:
        return _STRANDS
    if effect.farther is not None and effect.farther > 0:
        return "No one stranded"
    if effect.farther is not None:
        return "No change"
    return "–"


def _effect_columns(stranded_m: Sequence[int]) -> tuple[Column, ...]:
    return (
        Column("Id"),
        Column("Place (largest member)", 1.0),
        Column("People farther", align="right"),
        Column("Mean extra", align="right"),
        *(Column(f"Stranded ({distance_text(t)})", align="right") for t in stranded_m),
        Column("Reach"),
    )


def _effect_figures(effect: ReachEffect, stranded_m: Sequence[int]) -> list[str]:
    """People farther, the mean extra distance, people stranded within each distance.

    Blank where the verdict already says it: all of them for *No change*, the
    stranded counts for *No one stranded*.
    """
    if effect.farther is not None and effect.farther <= 0 and not effect.strands:
        return [""] * (2 + len(stranded_m))
    farther = [fmt_number(effect.farther),
               (distance_text(effect.mean_extra_m) or "–") if effect.farther else "–"]
    if effect.farther is not None and not effect.strands:
        return [*farther, *[""] * len(stranded_m)]
    return [*farther, *(fmt_number(effect.losing.get(t)) for t in stranded_m)]


def _effect_rows(effects: Sequence[tuple[pd.Series, ReachEffect]],
                 stranded_m: Sequence[int]) -> list[list[str]]:
    """Per shortlisted co-location: people farther, how much, stranded, the verdict."""
    return [[str(s["colocation_id"]), clean_text(s["place"], max_chars=34),
             *_effect_figures(e, stranded_m), _verdict(e)] for s, e in effects]


def _reach_subtitle(reach: DistrictReach, options: PageOptions, code: str) -> str:
    synthetic = options.synthetic and style.SYNTHETIC_NOTE not in str(options.title)
    return subtitle_text(options.title, date_text(options.data_date),
                     f"distance {reach.method}, to the nearest site of each service "
                     "(sites across the boundary count)",
                     style.SYNTHETIC_NOTE if synthetic else None, f"district {code}")


def _cells(columns: Sequence[Column]) -> list[Cell]:
    """The columns for a compact table: a fixed column's header on two lines."""
    out = []
    for c in columns:
        head = c.header.split(" ", 1) if c.weight == 0 else [c.header]
        out.append(Cell(tuple(head), c.weight, c.align))
    return out


def _draw_today(page: Page, reach: DistrictReach, box: tuple[float, float, float],
                size_pt: float) -> float:
    """The table of reach today from ``box`` = (x, top, width); return the y below it."""
    people = _one_population(reach.table)
    title = "Reach today"
    if people is not None:  # one figure in the title rather than a column repeating it
        title += f": {fmt_number(people)} {'estimated ' if reach.estimate else ''}people"
    columns = _today_columns(reach.thresholds_m, reach.estimate, people=people is None)
    rows = _today_rows(reach.table, reach.thresholds_m, people=people is None)
    note = [DEMAND_ESTIMATE_NOTE] if reach.estimate else []
    return draw_compact_table(page, box, _cells(columns), rows, size_pt=size_pt,
                              title=title, note=note) - 6.0


_EFFECTS_NOTE = ("People farther: whose nearest site of a service gets farther; mean extra: "
                 "by how much.", "Stranded: left with no site within the distance.")
_EFFECTS_TITLE = "What the shortlist does to reach"


def _effects_table(data: DistrictData, headline_m: int | None
                   ) -> tuple[list[Cell], list[list[str]]]:
    effects = _effects(data.shortlist)
    stranded = _stranded_thresholds([e for _, e in effects], headline_m)
    return _cells(_effect_columns(stranded)), _effect_rows(effects, stranded)


def _effects_height_mm(table: tuple[list[Cell], list[list[str]]], size_pt: float,
                       n_rows: int | None = None) -> float:
    """The height the shortlist's reach table needs (``n_rows`` of it), with its notes."""
    columns, rows = table
    if not rows:
        return 14.0
    return compact_table_height_mm(columns, len(rows) if n_rows is None else n_rows, size_pt,
                                   title=True, note_lines=len(_EFFECTS_NOTE) + 1)


def _draw_effects(page: Page, data: DistrictData, table: tuple[list[Cell], list[list[str]]],
                  box: tuple[float, float, float, float], size_pt: float) -> None:
    """What each shortlisted co-location does to reach, in ``box`` (or a line saying none)."""
    x, y0, w, h = box
    columns, rows = table
    if rows:
        fit = len(rows)
        while fit > 1 and _effects_height_mm(table, size_pt, fit) > h:
            fit -= 1
        more = [f"+ {len(rows) - fit} more not shown."] if fit < len(rows) else []
        draw_compact_table(page, (x, y0 + h, w), columns, rows[:fit], size_pt=size_pt,
                           title=_EFFECTS_TITLE, note=[*_EFFECTS_NOTE, *more],
                           strong=(_STRANDS,))
        return
    title = Labels(page, size_pt=size_pt + 2.5, bold=True)
    title.add(x, y0 + h - (size_pt + 2.5) * PT_MM * ASCENT_EM, _EFFECTS_TITLE)
    title.add_to()
    msg = Labels(page, size_pt=size_pt, color=MUTED)
    msg.add(x, y0 + h - 7.0 - size_pt * PT_MM * ASCENT_EM,
            "No shortlisted co-location in this district." if not len(data.shortlist)
            else "The shortlisted co-locations carry no reach figures.")
    msg.add_to()


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
    y = _draw_today(page, reach, (MARGIN_MM, top, left_w), size)
    # Above the maps: the shortlist's table on the left, the options curve on the right.
    curves = options_curves(reach.options)
    curve_h = (chart_height_mm(len(curves), size, hollow=any(not c.optimal for c in curves))
               + (70.0 if big else 45.0))
    effects = _effects_table(data, reach.headline_m)
    need = max(_effects_height_mm(effects, size), curve_h - (top - y))
    maps_h = min(y - bottom - need - 8.0, (top - bottom) * 0.42, width / 4 * 0.9)
    if maps_h < 40.0:  # the shortlist comes first: no maps without room
        maps_h = 0.0
    split = bottom + maps_h + (6.0 if maps_h else 0.0)
    _draw_effects(page, data, effects, (MARGIN_MM, split + 2.0, left_w, y - split - 2.0), size)
    _draw_options(page, reach, curves, (right_x, top - 6.0, right_w, split + 2.0), size)
    if maps_h:
        _draw_reach_maps(page, data, reach, (MARGIN_MM, bottom + 2.0, width, maps_h), size)


def _draw_options(page: Page, reach: DistrictReach, curves: Sequence[Curve],
                  box: tuple[float, float, float, float], size: float) -> None:
    """The options chart and its legend, between ``top`` and ``floor`` (``box``)."""
    x, top, w, _ = box
    if curves:
        draw_options_chart(page, curves, box, size_pt=size,
                           threshold_m=_options_threshold(reach))
        return
    page.text(x, top, "Options", fontsize=size + 2.5, fontweight="bold", va="top")
    why = ("No service has two or more sites of its own in this district: there are "
           "no options of which sites to keep." if reach.options_run else
           "The options were not computed: the solver they need is not installed "
           "(pip install 'kentassets[reach]').")
    page.text(x, top - 7.0, "\n".join(wrap_mm(why, w, size, 3)), fontsize=size,
              va="top", color=MUTED, linespacing=1.3)


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
    heading = Labels(page, size_pt=size + 2.5, bold=True)
    heading.add(x0, y0 + h, "Where people live: average distance to the nearest site",
                va="top")
    heading.add_to()
    names = Labels(page, size_pt=size, bold=True)
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
        # Straight on the page, no Axes: ``view`` has the box's aspect (equal scales).
        to_page = view_transform(page, view, (x0 + i * (map_w + 6.0), y0 + legend_h,
                                              map_w, map_h))
        keep = cells.demand[service] > 0
        for path, colour in _band_paths(polygons[keep], cells.mean_m[service][keep], reach):
            patch = page.fig.add_artist(PathPatch(path, transform=to_page, fc=colour,
                                                  ec="none"))
            if outline is not None:  # the hexagons end at the district boundary
                patch.set_clip_path(outline, to_page)
        if outline is not None:
            page.fig.add_artist(PathPatch(outline, transform=to_page, facecolor="none",
                                          edgecolor="#222222", lw=0.6))
        names.add(x0 + i * (map_w + 6.0), y0 + legend_h + map_h + 0.8,
                  clip_label(_service_label(service), map_w, size, bold=True), va="bottom")
    names.add_to()
    _draw_band_legend(page, reach, x0, y0 + legend_h * 0.4, size)


def _draw_band_legend(page: Page, reach: DistrictReach, x: float, y: float,
                      size: float) -> None:
    """The distance bands in a row: a swatch and its label each."""
    from matplotlib.patches import Rectangle

    labels = band_labels(reach.thresholds_m)
    colours = style.reach_band_colours(len(labels))
    text = Labels(page, size_pt=size - 0.5)
    muted = Labels(page, size_pt=size - 0.5, color=MUTED)
    for label, colour in zip(labels, colours, strict=True):
        page.fig.patches.append(Rectangle(page.rect(x, y - 1.5, 3.0, 3.0)[:2],
                                          3.0 / page.width_mm, 3.0 / page.height_mm,
                                          transform=page.fig.transFigure, fc=colour,
                                          ec="#333333", lw=0.3))
        text.add(x + 4.0, y, label, va="center")
        x += label_width_mm(label, size - 0.5) + 10.0
    people = "estimated people" if reach.estimate else "people"
    note = (f"Hexagons {distance_text(PRINT_CELL_M)} across, averaged over their {people}; "
            "blank: no one lives there.")
    withheld = [service_label(s) for s in reach.services if s in reach.withheld]
    if withheld:
        note += " " + withheld_note(withheld)
    muted.add(x, y, clean_text(note), va="center")
    text.add_to()
    muted.add_to()


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
