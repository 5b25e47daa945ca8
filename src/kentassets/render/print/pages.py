"""The district page: legend, insets, main map and shortlist composed on one
landscape page (:func:`district_pdf`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Unpack

from ...reference.context import study_area_context
from .. import style
from .._ranges import ESTIMATE_FOOTNOTE
from ..settings import OutputSettings, SettingsKeywords, resolve_settings
from .context import context_attribution
from .geometry import map_limits
from .insets import find_insets, place_name
from .layers import MapStyle, draw_map, north_arrow, scalebar
from .layout import (
    MARGIN_MM,
    MIN_FONT_PT,
    MUTED,
    Page,
    attribution_text,
    boundary_source_of,
    date_text,
    draw_footer,
    draw_header,
    new_page,
    paper_mm,
    rc,
    subtitle_text,
)
from .prepare import DistrictData, prepare_district, shared_print_data
from .tables import SHORTLIST_COLUMNS, draw_table, shortlist_rows, table_height_mm
from .text import PT_MM, chars_for, clean_text, wrap_mm

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.figure import Figure

    from ...reference.context import MapContext


def _legend(page: Page, x0: float, top: float, w: float, data: DistrictData) -> float:
    """Draw the legend with its top-left corner at (x0, top) mm; return its height in mm."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    size = 7.5
    chars = chars_for(w - 9.0, size)
    handles: list[Any] = []
    labels: list[str] = []
    for agency in sorted(data.counts):
        st = data.styles.get(agency) or style.agency_styles([agency])[agency]
        sens = agency in data.sensitive
        handles.append(Line2D([], [], ls="none", marker=st.marker, markersize=6,
                              markerfacecolor="white" if sens else st.colour,
                              markeredgecolor=st.colour if sens else "#1A1A1A",
                              markeredgewidth=1.1 if sens else 0.4))
        suffix = f" ({data.abbr.get(agency, '')}): {data.counts[agency]:,}"
        if sens:
            suffix += " *"
        labels.append(clean_text(agency, max_chars=max(chars - len(suffix), 8)) + suffix)
    n_colocs = len(data.colocations)
    handles.append(Patch(fc=style.HULL_COLOUR + "29", ec=style.HULL_COLOUR, lw=0.9))
    labels.append(f"Co-location outline: {n_colocs:,} in district")
    handles.append(Patch(fc="white", ec=style.HULL_COLOUR, lw=1.2))
    labels.append(f"Label bold = shortlisted ({len(data.shortlist):,})")
    # A figure legend anchored at (x0, top): where a legend in an Axes of its own
    # put its upper-left corner, without the cost of the Axes.
    leg = page.fig.legend(handles, labels, loc="upper left",
                          bbox_to_anchor=page.rect(x0, top, 0.0, 0.0)[:2], frameon=False,
                          fontsize=size, title="Agencies (assets in district)",
                          title_fontproperties={"size": size + 1, "weight": "bold"},
                          alignment="left", borderaxespad=0.0, handletextpad=0.6,
                          labelspacing=0.45, handlelength=1.6)
    for t in [*leg.get_texts(), leg.get_title()]:
        t.set_parse_math(False)
    extent = leg.get_window_extent(page.fig.canvas.get_renderer())  # type: ignore[attr-defined]
    used = extent.height / page.fig.dpi * 25.4 + 1.5
    if data.sensitive & set(data.counts):
        note = ("* sensitive: each site is shown only at the centre of its 1 km grid square, "
                "without name or address")
        lines = wrap_mm(note, w, MIN_FONT_PT, 3)
        page.text(x0, top - used, "\n".join(lines), fontsize=MIN_FONT_PT, va="top",
                  ha="left", color=MUTED, linespacing=1.25)
        used += len(lines) * MIN_FONT_PT * PT_MM * 1.3 + 1.0
    return used


@dataclass(frozen=True)
class PageOptions:
    """The settings every district page of one output shares."""

    title: str | None
    data_date: date | datetime | str | None
    synthetic: bool
    params_note: str | None
    attribution_year: int
    boundary_source: str
    max_insets: int
    context: MapContext | None = None  # towns, coast, water, roads under the assets


@dataclass(frozen=True)
class _DistrictLayout:
    """Where things go on a district page, in mm from the lower-left corner."""

    big: bool  # A3 rather than A4
    top: float  # lower edge of the header
    bottom: float  # upper edge of the footer
    map_box: tuple[float, float, float, float]  # x, y, w, h of the main map
    col_x: float  # the right-hand column: legend, insets, shortlist
    col_w: float
    view: tuple[float, float, float, float]  # window of the main map, metres


def _district_layout(page: Page, data: DistrictData, options: PageOptions,
                     page_label: str | None) -> _DistrictLayout:
    """Draw the header and footer; return the layout of the rest of the page."""
    big = page.width_mm > 350
    heading = f"{data.name}: co-location opportunities"
    sub = subtitle_text(options.title, date_text(options.data_date), options.params_note,
                    style.SYNTHETIC_NOTE if options.synthetic else None,
                    f"district {data.code}")
    top = draw_header(page, heading, sub)
    attribution = attribution_text(options.attribution_year, options.boundary_source,
                               options.synthetic)
    bottom = draw_footer(page, context_attribution(attribution, options.context),
                     page_label=page_label)
    gap = 7.0
    col_w = 140.0 if big else 112.0
    tick_pad = 5.0
    map_x = MARGIN_MM + tick_pad
    map_w = page.width_mm - 2 * MARGIN_MM - col_w - gap - tick_pad
    map_y = bottom + tick_pad + 3.0
    map_h = top - map_y - 1.0
    return _DistrictLayout(big, top, bottom, (map_x, map_y, map_w, map_h),
                           page.width_mm - MARGIN_MM - col_w, col_w,
                           map_limits(data.geom.bounds, map_w, map_h))


def _choose_insets(data: DistrictData, lay: _DistrictLayout, room: float,
                   max_insets: int) -> tuple[list[tuple[str, tuple[float, float, float, float]]],
                                             float, float]:
    """Inset windows where labels would crowd the main map, and the inset size (mm).

    ``room`` is the height left in the column once the shortlist is placed: the
    shortlist comes first (every id must be on the page), so no inset without room.
    """
    n_side = 2 if lay.big else 1
    inset_w = (lay.col_w - 4.0) / 2 if (n_side == 2 and max_insets >= 2) else lay.col_w
    inset_h = min(inset_w * 0.95, 78.0 if lay.big else 55.0)
    if room < inset_h + 10.0:
        max_insets = 0
    map_w = lay.map_box[2]
    windows = find_insets(data.colocations, lay.view, map_w,
                           max_insets=min(max_insets, n_side),
                           inset_w_mm=inset_w, aspect=inset_w / inset_h)
    if len(windows) == 1:
        inset_w = lay.col_w
        inset_h = min(70.0 if lay.big else 55.0, max(room - 10.0, inset_h))
        windows = find_insets(data.colocations, lay.view, map_w, max_insets=1,
                               inset_w_mm=inset_w, aspect=inset_w / inset_h)
    return windows, inset_w, inset_h


def _draw_insets(page: Page, data: DistrictData, lay: _DistrictLayout, y: float,
                 windows: Sequence[tuple[str, tuple[float, float, float, float]]],
                 inset_w: float, inset_h: float, context: MapContext | None) -> set[str]:
    """Draw the inset maps side by side below ``y``; return the ids they label."""
    inset_style = MapStyle(marker_pt=5.0 if lay.big else 4.0, label_pt=MIN_FONT_PT + 0.5,
                            neighbour_names=False, north=False, name_scale=0.9)
    covered: set[str] = set()
    for i, (letter, window) in enumerate(windows):
        ix = lay.col_x + i * (inset_w + 4.0)
        iy = y - inset_h - 4.0
        ax_in = page.fig.add_axes(page.rect(ix, iy, inset_w, inset_h))
        c = data.colocations
        inside = c.loc[(c["cx"] > window[0]) & (c["cx"] < window[1]) & (c["cy"] > window[2])
                       & (c["cy"] < window[3])]
        covered.update(inside["colocation_id"])
        draw_map(ax_in, data, window, box_w_mm=inset_w, label_ids=list(inside["colocation_id"]),
                  map_style=inset_style, frame_labels=False, context=context)
        scalebar(ax_in, size_pt=MIN_FONT_PT)
        place = place_name(data, window)
        page.text(ix, iy + inset_h + 0.8, f"Inset {letter}" + (f": {place}" if place else ""),
                  fontsize=7.5, fontweight="bold", va="bottom", ha="left")
    return covered


def _draw_main_map(page: Page, data: DistrictData, lay: _DistrictLayout,
                   windows: Sequence[tuple[str, Sequence[float]]], covered: set[str],
                   context: MapContext | None) -> None:
    """The district map with grid, scale bar, north arrow and inset frames."""
    map_style = MapStyle(marker_pt=4.2 if lay.big else 3.4,
                          label_pt=7.0 if lay.big else MIN_FONT_PT,
                          neighbour_names=True, north=True)
    map_w = lay.map_box[2]
    ax = page.fig.add_axes(page.rect(*lay.map_box))
    main_ids = [i for i in data.colocations["colocation_id"] if i not in covered]
    draw_map(ax, data, lay.view, box_w_mm=map_w, label_ids=main_ids, map_style=map_style,
              frame_labels=True, insets=windows, context=context)
    scalebar(ax, size_pt=7.5)
    north_arrow(ax)
    ax.set_xlabel("Easting, km (British National Grid)", fontsize=MIN_FONT_PT, color=MUTED,
                  labelpad=1.5)
    ax.set_ylabel("Northing, km", fontsize=MIN_FONT_PT, color=MUTED, labelpad=1.5)


def _any_estimated(shortlist: Any) -> bool:
    """Whether a shortlisted saving rests on estimates (its text reads ≈ ...)."""
    return "saving_estimated" in shortlist.columns and bool(
        shortlist["saving_estimated"].fillna(False).astype(bool).any())


def _draw_shortlist(page: Page, data: DistrictData, lay: _DistrictLayout, y: float,
                    rows: Sequence[Sequence[str]], table_pt: float) -> None:
    """The shortlist table between ``y`` and the footer, or a line saying there is none."""
    if rows:
        draw_table(page, (lay.col_x, lay.bottom + 1.0, lay.col_w, y - lay.bottom - 1.0),
                    SHORTLIST_COLUMNS, rows, size_pt=table_pt,
                    title=f"Shortlist: {len(rows)} co-location{'s' if len(rows) != 1 else ''}",
                    more_note="Rank: in district (in county). Costs and savings £ a year."
                    + (" " + ESTIMATE_FOOTNOTE if _any_estimated(data.shortlist) else ""),
                    max_lines=3)
    else:
        page.text(lay.col_x, y, "Shortlist", fontsize=9.5, fontweight="bold", va="top")
        msg = ("No shortlisted co-location in this district." if len(data.colocations)
               else "No multi-agency co-location found in this district.")
        page.text(lay.col_x, y - 6.0, msg, fontsize=7.5, va="top", color=MUTED)


def _draw_district_page(page: Page, data: DistrictData, options: PageOptions, *,
                        page_label: str | None = None) -> None:
    """Compose a district page: header, legend, insets, main map, shortlist, footer."""
    lay = _district_layout(page, data, options, page_label)
    y = lay.top - _legend(page, lay.col_x, lay.top, lay.col_w, data) - 3.0
    table_pt = 7.0 if lay.big else MIN_FONT_PT
    rows = shortlist_rows(data.shortlist)
    table_need = table_height_mm(SHORTLIST_COLUMNS, rows, lay.col_w, table_pt, 3) + 12.0
    windows, inset_w, inset_h = _choose_insets(data, lay, y - lay.bottom - table_need,
                                               options.max_insets)
    covered = _draw_insets(page, data, lay, y, windows, inset_w, inset_h, options.context)
    if windows:
        y -= inset_h + 4.0 + 6.0
    _draw_main_map(page, data, lay, windows, covered, options.context)
    _draw_shortlist(page, data, lay, y, rows, table_pt)


def district_figure(data: DistrictData, *, paper: str, options: PageOptions,
                     page_label: str | None = "") -> Figure:
    """Draw one district page on a new Figure; writing it is the caller's business.

    The page is drawn once and goes both into the district PDF and, as it is,
    into the atlas, which stamps its page number into the room kept free for it
    (``page_label=""``).
    """
    with rc():
        page = new_page(paper)
        _draw_district_page(page, data, options, page_label=page_label)
    return page.fig


def district_pdf(
    assets: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    opportunities: gpd.GeoDataFrame,
    *,
    district_code: str,
    settings: OutputSettings | None = None,
    params_note: str | None = None,
    max_insets: int = 2,
    context: MapContext | None = None,
    **keywords: Unpack[SettingsKeywords],
) -> Figure:
    """Draw one printable landscape page for a district.

    The page holds the district map (boundary, faint neighbours, assets coloured
    and shaped by agency, co-location outlines labelled with their ids, scale bar,
    north arrow, British National Grid ticks in km), a legend with counts, inset
    maps of the places where co-locations crowd each other, the district's
    shortlist table (ids match the map labels), and the attribution.

    Parameters
    ----------
    assets
        Canonical assets (EPSG:27700) with ``colocation_id``; all districts.
    districts
        ``district_code``, ``district_name``, geometry (EPSG:27700).
    opportunities
        ``score_opportunities`` output (hull polygons in EPSG:27700).
    district_code
        ONS code of the district to draw.
    settings, **keywords
        What every output prints (:class:`~kentassets.render.settings.OutputSettings`),
        built once by the pipeline; or, as before, any of its fields as a keyword
        (``title=``, ``data_date=``, ``synthetic=``, ...), which replaces its value.
    params_note
        Short text about the analysis parameters, e.g. ``"eps 250 m"``.
    max_insets
        Most inset maps to draw for crowded town centres (0 for none).
    context
        Towns, coast, water, built-up areas (and roads and rail from an OS base
        map) drawn quietly under the assets, as already read
        (:func:`kentassets.io.context.study_context`); ``None`` draws none. Only
        places inside ``districts`` are named. This renderer is pure (it reads and
        writes no file): :func:`kentassets.district_pdf`
        (:func:`kentassets.pipeline.maps.district_pdf`) reads the built-in context,
        or an OS GeoPackage given as ``basemap=``, and calls it.

    Returns
    -------
    matplotlib.figure.Figure
        The page (Agg canvas attached). Save it with
        :func:`kentassets.pipeline.maps.write_figure_pdf` (or take its bytes with
        :func:`~kentassets.render.print.write.figure_pdf_bytes`) to get embedded
        fonts and fixed metadata.

    Raises
    ------
    ValidationError
        If ``paper`` is not A3/A4 or ``district_code`` is not in ``districts``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import kentassets as ka
    >>> estate = ka.sample_estate()
    >>> colocs = ka.find_colocations(estate.assets, eps_m=250)
    >>> assets = colocs.label_assets(estate.assets)
    >>> opps = ka.score_opportunities(colocs, assets)
    >>> fig = ka.district_pdf(assets, ka.load_districts(), opps, district_code="E07000110",
    ...                       paper="A4", synthetic=True)
    >>> type(fig).__name__, [round(inches * 25.4) for inches in fig.get_size_inches()]  # mm
    ('Figure', [297, 210])
    >>> plt.close(fig)

    Save it with :func:`kentassets.pipeline.maps.write_figure_pdf` (into a folder
    of your choice), e.g. ``write_figure_pdf(fig, "maidstone.pdf")``.
    """
    s = resolve_settings(settings, keywords, where="district_pdf")
    paper, title, data_date = s.paper, s.title, s.data_date
    synthetic, attribution_year = s.synthetic, s.attribution_year
    sensitive_agencies, boundary_source = s.sensitive_agencies, s.boundary_source
    paper_mm(paper)
    assets = style.with_districts(assets, districts)
    data = prepare_district(assets, districts, district_code,
                             shared_print_data(assets, opportunities, sensitive_agencies))
    options = PageOptions(title=title, data_date=data_date, synthetic=synthetic,
                           params_note=params_note, attribution_year=attribution_year,
                           boundary_source=boundary_source_of(districts, boundary_source),
                           max_insets=max_insets,
                           context=None if context is None
                           else study_area_context(districts, context))
    return district_figure(data, paper=paper, options=options)
