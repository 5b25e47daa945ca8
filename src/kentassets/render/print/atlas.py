"""The county atlas: cover, one page per district and the load summary, written as
one PDF with bookmarks (:func:`write_atlas`; :func:`atlas_frame` and
:func:`assemble_atlas` when the district pages were saved already, by
:func:`district_page_pdf`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from ... import schema
from ...io.context import study_context
from ...plan import plan_trajectory
from .cover import _draw_cover, _draw_load_summary, _draw_review
from .layout import _attribution, _boundary_source, _new_page, _page_label, _paper_mm, _rc
from .pages import _district_figure, _PageOptions
from .plan import draw_plan_page
from .prepare import _common, _DistrictData, _prepare_district
from .write import (
    _add_outline,
    _assemble,
    _figures_to_pdf,
    _metadata,
    _pdf_bytes,
    _pdf_date,
    _write_bytes,
    figure_pdf_bytes,
)

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.figure import Figure

    from ...context import MapContext

logger = logging.getLogger(__name__)


def district_page_pdf(data: _DistrictData, *, paper: str, options: _PageOptions) -> bytes:
    """Draw one district page and save it as a one-page PDF (bytes).

    The page is drawn once: these bytes are the district's PDF file and, stamped
    with its page number, its page of the atlas (:func:`assemble_atlas`).
    """
    return figure_pdf_bytes(_district_figure(data, paper=paper, options=options))


def _label_page(paper: str, label: str) -> Figure:
    """A transparent page holding only a page number, to stamp over a district page."""
    with _rc():
        page = _new_page(paper)
        page.fig.patch.set_visible(False)
        _page_label(page, label)
    return page.fig


def write_atlas(
    path: str | os.PathLike[str],
    *,
    assets: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    opportunities: gpd.GeoDataFrame,
    sweep: pd.DataFrame | None,
    totals: Mapping[str, Any] | None,
    load_summary: pd.DataFrame | None,
    title: str,
    data_date: date | datetime | str | None,
    synthetic: bool,
    paper: str = "A3",
    params_note: str | None = None,
    eps_m: float | None = None,
    attribution_year: int = 2025,
    sensitive_agencies: Iterable[str] = frozenset(),
    boundary_source: str | None = None,
    max_insets: int = 2,
    creation_date: datetime | None = None,
    decisions_to_review: pd.DataFrame | None = None,
    context: MapContext | None = None,
    basemap: str | os.PathLike[str] | None = None,
) -> None:
    """Write the county atlas PDF: cover, one page per district, load summary.

    The cover holds the title, the data date, a county map of the districts with
    their co-location counts, the county totals against the savings target, the
    programme's progress (when ``totals`` has ``progress``) and the eps
    sensitivity plot; a last page lists the decisions to review, when any.
    District pages are those of :func:`district_pdf` (in the order of
    ``districts``), each drawn once and saved as its district PDF is
    (:func:`district_page_pdf`), then stamped with its page number. The PDF has
    a bookmark per page, embedded fonts, fixed dates (byte-identical output for
    identical input) and is written atomically.

    Parameters
    ----------
    path
        Destination file, e.g. ``out/atlas.pdf`` (missing folders are created).
    assets, districts, opportunities
        As for :func:`district_pdf`.
    sweep
        ``sweep_eps`` output (``eps_m``, ``n_colocations``, ``n_assets``...).
    totals
        ``county_totals`` output: ``annual_saving_gbp``, ``savings_target_gbp``
        (or ``target_gbp``), ``target_years``, ``saving_over_target_period_gbp``,
        ``share_of_target``; missing keys are tolerated.
    load_summary
        Per agency: ``agency``, ``rows``, ``loaded``, ``excluded``, ``rejected``,
        ``top_reasons``.
    decisions_to_review
        Workshop decisions on ids merged or retired this round
        (:attr:`kentassets.programme.Programme.to_review`).
    title
        Title of the estate, on the cover and in the PDF metadata.
    data_date
        Date the registers describe; also the PDF date unless ``creation_date``.
    synthetic
        True to say "synthetic sample data" on every page.
    paper
        ``"A3"`` (default) or ``"A4"``, landscape.
    params_note
        Short text about the analysis parameters, on every page.
    eps_m
        The eps used, marked on the sensitivity plot.
    attribution_year
        Copyright year of the OS / ONS / Royal Mail data.
    sensitive_agencies
        Agencies drawn only generalised to 1 km squares.
    boundary_source
        ``"official"`` or ``"derived"``; default ``districts.attrs["boundary_source"]``.
    max_insets
        Most inset maps per district page.
    creation_date
        Date for the PDF metadata (the pipeline may derive it from
        ``SOURCE_DATE_EPOCH``); default ``data_date``, else 2000-01-01.
    context, basemap
        Map context under the assets on the cover and the district pages, as for
        :func:`district_pdf` (read once for the whole atlas).

    Returns
    -------
    None
        The atlas is written to ``path``.

    Raises
    ------
    ValidationError
        If ``paper`` is not A3/A4.
    BasemapError
        If ``basemap`` is not a usable OS GeoPackage.

    Examples
    --------
    An atlas with one district page (Maidstone) to keep the example quick,
    written into a temporary folder:

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
    _paper_mm(paper)
    source = _boundary_source(districts, boundary_source)
    common = _common(assets, opportunities, sensitive_agencies)
    study = study_context(districts, context, basemap=basemap)
    options = _PageOptions(title=title, data_date=data_date, synthetic=synthetic,
                           params_note=params_note, attribution_year=attribution_year,
                           boundary_source=source, max_insets=max_insets, context=study)
    pages = []
    for code in (str(c) for c in districts[schema.DISTRICT_CODE]):
        data = _prepare_district(assets, districts, code, common)
        pages.append((data.name, district_page_pdf(data, paper=paper, options=options)))
    frame = atlas_frame(n_districts=len(pages), assets=assets, districts=districts,
                        opportunities=opportunities, sweep=sweep, totals=totals,
                        load_summary=load_summary, title=title, data_date=data_date,
                        synthetic=synthetic, paper=paper, params_note=params_note,
                        eps_m=eps_m, attribution_year=attribution_year,
                        boundary_source=source, creation_date=creation_date,
                        decisions_to_review=decisions_to_review, context=study)
    assemble_atlas(path, frame=frame, district_pages=pages)


def atlas_frame(
    *,
    n_districts: int,
    assets: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    opportunities: gpd.GeoDataFrame,
    sweep: pd.DataFrame | None,
    totals: Mapping[str, Any] | None,
    load_summary: pd.DataFrame | None,
    title: str,
    data_date: date | datetime | str | None,
    synthetic: bool,
    paper: str,
    params_note: str | None,
    eps_m: float | None,
    attribution_year: int,
    boundary_source: str,
    creation_date: datetime | None = None,
    decisions_to_review: pd.DataFrame | None = None,
    context: MapContext | None = None,
    plan: pd.DataFrame | None = None,
) -> bytes:
    """The atlas without its district pages, as PDF bytes.

    The cover, then for each of the ``n_districts`` district pages a
    transparent page holding only its number (followed, with a ``plan``
    (:func:`kentassets.implementation_plan`), by the district's "Implementation
    plan" page), then the load summary and, when there are any, the decisions
    to review; with the atlas's metadata.
    :func:`assemble_atlas` puts the district pages in. It needs no district
    page, so a build draws it while the districts render. The parameters are
    those of :func:`write_atlas` (``context`` as read by ``study_context``).
    """
    review = decisions_to_review if decisions_to_review is not None else pd.DataFrame()
    per_district = 2 if plan is not None else 1
    n_pages = n_districts * per_district + 2 + (1 if len(review) else 0)
    trajectory = plan_trajectory(plan) if plan is not None else None
    footer = _attribution(attribution_year, boundary_source, synthetic)

    def pages() -> Iterator[Figure]:
        with _rc():
            page = _new_page(paper)
            _draw_cover(page, districts=districts, opportunities=opportunities, assets=assets,
                        sweep=sweep, totals=totals or {}, title=title, data_date=data_date,
                        synthetic=synthetic, params_note=params_note,
                        attribution_year=attribution_year, boundary_source=boundary_source,
                        eps_m=eps_m, page_label=f"Page 1 of {n_pages}", context=context,
                        trajectory=trajectory)
        yield page.fig
        names = list(zip(districts[schema.DISTRICT_CODE].astype(str),
                         districts[schema.DISTRICT_NAME].astype(str), strict=True))
        for i in range(n_districts):
            number = 2 + i * per_district
            yield _label_page(paper, f"Page {number} of {n_pages}")
            if plan is not None and trajectory is not None and i < len(names):
                with _rc():
                    page = _new_page(paper)
                    draw_plan_page(page, plan, trajectory, code=names[i][0], name=names[i][1],
                                   title=title, footer=footer,
                                   page_label=f"Page {number + 1} of {n_pages}")
                yield page.fig
        first = n_districts * per_district + 2
        yield from _closing_pages(paper, load_summary, review, title=title,
                                  data_date=data_date, synthetic=synthetic,
                                  attribution_year=attribution_year,
                                  boundary_source=boundary_source, first=first,
                                  n_pages=n_pages)

    when = _pdf_date(creation_date, data_date)
    return _figures_to_pdf(pages(), _metadata(title or "Atlas", when,
                                              "Co-location opportunities atlas"))


def _closing_pages(
    paper: str, load_summary: pd.DataFrame | None, review: pd.DataFrame, *, title: str,
    data_date: date | datetime | str | None, synthetic: bool, attribution_year: int,
    boundary_source: str, first: int, n_pages: int,
) -> Iterator[Figure]:
    """The load summary, then the decisions to review when there are any."""
    with _rc():
        page = _new_page(paper)
        _draw_load_summary(page, load_summary, title=title, data_date=data_date,
                           synthetic=synthetic, attribution_year=attribution_year,
                           boundary_source=boundary_source,
                           page_label=f"Page {first} of {n_pages}")
    yield page.fig
    if len(review):
        with _rc():
            page = _new_page(paper)
            _draw_review(page, review, title=title, attribution_year=attribution_year,
                         boundary_source=boundary_source, synthetic=synthetic,
                         page_label=f"Page {n_pages} of {n_pages}")
        yield page.fig


#: Bookmarks of the pages after the district pages, in order.
_CLOSING_BOOKMARKS = ("Load summary by agency", "Decisions to review")


def assemble_atlas(
    path: str | os.PathLike[str],
    *,
    frame: bytes,
    district_pages: Sequence[tuple[str, bytes]],
    plan_pages: bool = False,
) -> None:
    """Write the atlas: ``frame`` (:func:`atlas_frame`) with the district pages in.

    Each district page (:func:`district_page_pdf`, as ``(bookmark, bytes)`` in
    page order) is stamped with its number, in the room the page keeps for it;
    with ``plan_pages`` (a frame drawn with a plan) each is followed by its
    district's plan page. The PDF gets one bookmark per page and is written
    atomically.
    """
    step = 2 if plan_pages else 1
    slots = [1 + i * step for i in range(len(district_pages))]
    writer = _assemble(frame, [pdf for _, pdf in district_pages], at=slots)
    bookmarks = [("Cover: county summary", 0)]
    for (name, _), slot in zip(district_pages, slots, strict=True):
        bookmarks.append((name, slot))
        if plan_pages:
            bookmarks.append((f"{name}: implementation plan", slot + 1))
    n_pages = len(writer.pages)
    closing = range(len(district_pages) * step + 1, n_pages)
    bookmarks += [(_CLOSING_BOOKMARKS[k], i) for k, i in enumerate(closing)]
    _add_outline(writer, bookmarks)
    target = _write_bytes(path, _pdf_bytes(writer))
    logger.info("wrote %s (%d pages)", target, n_pages)
