"""The county atlas: cover, one page per district and the load summary, made as
the bytes of one PDF with bookmarks (:func:`atlas_pdf`; :func:`atlas_frame` and
:func:`assemble_atlas` when the district pages were saved already, by
:func:`district_page_pdf`). Pure: nothing here reads or writes a file;
:func:`kentassets.write_atlas` (:mod:`kentassets.pipeline.maps`) writes the file.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Unpack

import pandas as pd

from ... import schema
from ...plan import Trajectory, plan_trajectory
from ...reference.context import study_area_context
from ..settings import (
    CountyContent,
    OutputKeywords,
    OutputSettings,
    resolve_output,
)
from .cover import draw_cover, draw_load_summary, draw_review
from .layout import attribution_text, boundary_source_of, draw_page_label, new_page, paper_mm, rc
from .pages import PageOptions, district_figure
from .plan import draw_plan_page
from .prepare import DistrictData, prepare_district, shared_print_data
from .reach import county_reach_figure, has_county_reach, reach_figure
from .write import (
    add_outline,
    assemble,
    figures_to_pdf,
    pages_pdf_bytes,
    pdf_bytes,
    pdf_date,
    pdf_metadata,
)

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.figure import Figure

    from ...reference.context import MapContext
    from .._reach import DistrictReach

logger = logging.getLogger(__name__)


def district_page_pdf(data: DistrictData, *, paper: str, options: PageOptions,
                      reach: DistrictReach | None = None,
                      plan: tuple[pd.DataFrame, Trajectory] | None = None) -> bytes:
    """Draw a district's pages once and save them as one PDF (bytes).

    The map page, then the district's reach page with ``reach`` (the reach stage
    ran), then its "Implementation plan" page with ``plan`` (the plan's rows of
    the district, or the whole plan, and the county trajectory:
    :func:`kentassets.plan.plan_trajectory`). These bytes are the district's PDF
    file and, stamped with their page numbers, its pages of the atlas
    (:func:`assemble_atlas`): one PDF, so the fonts are embedded once.
    """
    figures = [district_figure(data, paper=paper, options=options)]
    if reach is not None:
        figures.append(reach_figure(data, reach, paper=paper, options=options))
    if plan is not None:
        figures.append(plan_figure(plan[0], plan[1], code=data.code, name=data.name,
                                   paper=paper, options=options))
    return pages_pdf_bytes(figures)


def plan_figure(plan: pd.DataFrame, trajectory: Trajectory, *, code: str, name: str,
                paper: str, options: PageOptions) -> Figure:
    """District ``code``'s "Implementation plan" page, on a new Figure.

    ``plan`` holds the plan's rows of the district (or the whole plan) and
    ``trajectory`` is the county's (:func:`kentassets.plan.plan_trajectory`). The
    page keeps the room of its number free: :func:`assemble_atlas` stamps it, as
    it stamps the district's map and reach pages.
    """
    footer = attribution_text(options.attribution_year, options.boundary_source,
                              options.synthetic)
    with rc():
        page = new_page(paper)
        draw_plan_page(page, plan, trajectory, code=code, name=name,
                       title=options.title or "", footer=footer, page_label="")
    return page.fig


def _label_page(paper: str, label: str) -> Figure:
    """A transparent page holding only a page number, to stamp over a district page."""
    with rc():
        page = new_page(paper)
        page.fig.patch.set_visible(False)
        draw_page_label(page, label)
    return page.fig


def atlas_pdf(
    *,
    assets: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    opportunities: gpd.GeoDataFrame,
    settings: OutputSettings | None = None,
    content: CountyContent | None = None,
    max_insets: int = 2,
    creation_date: datetime | None = None,
    context: MapContext | None = None,
    **keywords: Unpack[OutputKeywords],
) -> bytes:
    """The county atlas PDF, as bytes: cover, one page per district, load summary.

    The cover holds the title, the data date, a county map of the districts with
    their co-location counts, the county totals against the savings target, the
    programme's progress (when ``totals`` has ``progress``) and the eps
    sensitivity plot; a last page lists the decisions to review, when any.
    District pages are those of :func:`district_pdf` (in the order of
    ``districts``), each drawn once and saved as its district PDF is
    (:func:`district_page_pdf`), then stamped with its page number. The PDF has
    a bookmark per page, embedded fonts and fixed dates (byte-identical output for
    identical input). Pure: :func:`kentassets.write_atlas` writes these bytes to a
    file atomically (and reads the map context, or ``basemap=``, when not given).

    Parameters
    ----------
    assets, districts, opportunities
        As for :func:`district_pdf`.
    settings, content, **keywords
        What every output prints (:class:`~kentassets.render.settings.OutputSettings`)
        and the county tables (:class:`~kentassets.render.settings.CountyContent`),
        built once by the pipeline; or, as before, any of their fields as a
        keyword (``title=``, ``synthetic=``, ...), which replaces the record's value.
    max_insets
        Most inset maps per district page.
    creation_date
        Date for the PDF metadata (the pipeline may derive it from
        ``SOURCE_DATE_EPOCH``); default ``data_date``, else 2000-01-01.
    context
        Map context under the assets on the cover and the district pages, already
        read, as for :func:`district_pdf` (``None`` draws none).

    Returns
    -------
    bytes
        The atlas PDF.

    Raises
    ------
    ValidationError
        If ``paper`` is not A3/A4.

    Examples
    --------
    An atlas with one district page (Maidstone) to keep the example quick, written
    into a temporary folder by :func:`kentassets.write_atlas`:

    >>> import tempfile
    >>> from pathlib import Path
    >>> import kentassets as ka
    >>> estate = ka.sample_estate()
    >>> colocs = ka.find_colocations(estate.assets, eps_m=250)
    >>> assets = colocs.label_assets(estate.assets)
    >>> opps = ka.score_opportunities(colocs, assets)
    >>> districts = ka.load_districts()
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     atlas = Path(tmp) / "atlas.pdf"
    ...     ka.write_atlas(
    ...         atlas, assets=assets,
    ...         districts=districts[districts["district_code"] == "E07000110"],
    ...         opportunities=opps, sweep=ka.sweep_eps(assets),
    ...         totals=ka.county_totals(opps), load_summary=estate.summary(),
    ...         title=estate.manifest.title, data_date=estate.manifest.data_date,
    ...         synthetic=True, paper="A4", eps_m=250)
    ...     atlas.read_bytes()[:5]
    b'%PDF-'
    """
    s, c = resolve_output(settings, content, keywords, where="write_atlas")
    paper_mm(s.paper)
    s = replace(s, boundary_source=boundary_source_of(districts, s.boundary_source))
    common = shared_print_data(assets, opportunities, s.sensitive_agencies)
    study = None if context is None else study_area_context(districts, context)
    options = PageOptions(title=s.title, data_date=s.data_date, synthetic=s.synthetic,
                          params_note=c.params_note, attribution_year=s.attribution_year,
                          boundary_source=s.boundary_source or "official",
                          max_insets=max_insets, context=study)
    trajectory = plan_trajectory(c.plan) if c.plan is not None else None
    plan = (c.plan, trajectory) if c.plan is not None and trajectory is not None else None
    pages = []
    for code in (str(x) for x in districts[schema.DISTRICT_CODE]):
        data = prepare_district(assets, districts, code, common)
        pages.append((data.name, district_page_pdf(data, paper=s.paper, options=options,
                                                   plan=plan)))
    frame = atlas_frame(n_districts=len(pages), assets=assets, districts=districts,
                        opportunities=opportunities, settings=s, content=c,
                        creation_date=creation_date, context=study)
    return assemble_atlas(frame=frame, district_pages=pages, with_plan=plan is not None)


def atlas_frame(
    *,
    n_districts: int,
    assets: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    opportunities: gpd.GeoDataFrame,
    settings: OutputSettings | None = None,
    content: CountyContent | None = None,
    creation_date: datetime | None = None,
    context: MapContext | None = None,
    **keywords: Unpack[OutputKeywords],
) -> bytes:
    """The atlas without its district pages, as PDF bytes.

    The cover, the county reach page when ``service_reach`` has county rows
    (the reach stage ran; each district then has a reach page after its map
    page), then for each district page a transparent page holding only its
    number (with a ``plan``, :func:`kentassets.implementation_plan`, each
    district also has its "Implementation plan" page, :func:`plan_figure`,
    after its map and reach pages), then the load summary and, when there are
    any, the decisions to review; with the atlas's metadata.
    :func:`assemble_atlas` puts the district pages in. It needs no district
    page, so a build draws it while the districts render. The other parameters
    are those of :func:`atlas_pdf` (``context`` as read by ``study_context``).
    """
    s, c = resolve_output(settings, content, keywords, where="atlas_frame")
    title, data_date, synthetic = s.title or "", s.data_date, s.synthetic
    paper, attribution_year = s.paper, s.attribution_year
    boundary_source = boundary_source_of(districts, s.boundary_source)
    load_summary, service_reach, plan = c.load_summary, c.service_reach, c.plan
    review = c.decisions_to_review if c.decisions_to_review is not None else pd.DataFrame()
    county_reach = has_county_reach(service_reach)
    before = 1 + int(county_reach)
    per_district = (2 if service_reach is not None else 1) + int(plan is not None)
    n_district_pages = n_districts * per_district
    n_pages = before + n_district_pages + 1 + (1 if len(review) else 0)
    trajectory = plan_trajectory(plan) if plan is not None else None

    def pages() -> Iterator[Figure]:
        with rc():
            page = new_page(paper)
            draw_cover(page, districts=districts, opportunities=opportunities, assets=assets,
                       settings=replace(s, title=title, boundary_source=boundary_source),
                       content=c, page_label=f"Page 1 of {n_pages}", context=context,
                       trajectory=trajectory)
        yield page.fig
        if county_reach:
            yield county_reach_figure(service_reach, paper=paper, title=title,
                                      data_date=data_date, synthetic=synthetic,
                                      attribution_year=attribution_year,
                                      boundary_source=boundary_source,
                                      page_label=f"Page 2 of {n_pages}")
        for number in range(before + 1, before + n_district_pages + 1):
            yield _label_page(paper, f"Page {number} of {n_pages}")
        yield from _closing_pages(paper, load_summary, review, title=title,
                                  data_date=data_date, synthetic=synthetic,
                                  attribution_year=attribution_year,
                                  boundary_source=boundary_source,
                                  first=before + n_district_pages + 1, n_pages=n_pages)

    when = pdf_date(creation_date, data_date)
    return figures_to_pdf(pages(), pdf_metadata(title or "Atlas", when,
                                              "Co-location opportunities atlas"))


def _closing_pages(
    paper: str, load_summary: pd.DataFrame | None, review: pd.DataFrame, *, title: str,
    data_date: date | datetime | str | None, synthetic: bool, attribution_year: int,
    boundary_source: str, first: int, n_pages: int,
) -> Iterator[Figure]:
    """The load summary, then the decisions to review when there are any."""
    with rc():
        page = new_page(paper)
        draw_load_summary(page, load_summary, title=title, data_date=data_date,
                           synthetic=synthetic, attribution_year=attribution_year,
                           boundary_source=boundary_source,
                           page_label=f"Page {first} of {n_pages}")
    yield page.fig
    if len(review):
        with rc():
            page = new_page(paper)
            draw_review(page, review, title=title, attribution_year=attribution_year,
                         boundary_source=boundary_source, synthetic=synthetic,
                         page_label=f"Page {n_pages} of {n_pages}")
        yield page.fig


#: Bookmark of the county reach page, after the cover.
COUNTY_REACH_BOOKMARK = "Service reach, county"
#: Bookmarks of the pages after the district pages, in order.
_CLOSING_BOOKMARKS = ("Load summary by agency", "Decisions to review")


def assemble_atlas(
    *,
    frame: bytes,
    district_pages: Sequence[tuple[str, bytes]],
    county_reach: bool = False,
    with_plan: bool = False,
) -> bytes:
    """The atlas PDF's bytes: ``frame`` (:func:`atlas_frame`) with the district pages in.

    Each district's pages (:func:`district_page_pdf`, as ``(bookmark, bytes)``:
    its map page, its reach page when reach ran, and its plan page last when
    ``with_plan``, from a frame made with ``plan``) are stamped with their
    numbers, in the room the pages keep for them; the PDF gets one bookmark per
    page (the pipeline writes the bytes atomically). ``county_reach``: the frame
    has the county reach page after the cover (:func:`atlas_frame` with
    ``service_reach``).
    """
    at = 2 if county_reach else 1
    inserts = [pdf for _, pdf in district_pages]
    writer, counts = assemble(frame, inserts, at=at)
    bookmarks = [("Cover: county summary", 0)]
    if county_reach:
        bookmarks.append((COUNTY_REACH_BOOKMARK, 1))
    first = at
    for (name, _), count in zip(district_pages, counts, strict=True):
        reach_pages = count - 1 - int(with_plan)
        bookmarks.append((name, first))
        bookmarks += [(f"{name}: service reach", first + k) for k in range(1, 1 + reach_pages)]
        if with_plan:
            bookmarks.append((f"{name}: implementation plan", first + count - 1))
        first += count
    n_pages = len(writer.pages)
    closing = range(first, n_pages)
    bookmarks += [(_CLOSING_BOOKMARKS[k], i) for k, i in enumerate(closing)]
    add_outline(writer, bookmarks)
    logger.debug("atlas assembled (%d pages)", n_pages)
    return pdf_bytes(writer)
