"""The county atlas: cover, one page per district and the load summary, written as
one PDF with bookmarks (:func:`write_atlas`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from ... import schema
from .cover import _draw_cover, _draw_load_summary, _draw_review
from .layout import _boundary_source, _new_page, _paper_mm, _rc
from .pages import _district_figure, _PageOptions
from .prepare import _Common, _common, _prepare_district
from .write import _figures_to_pdf, _metadata, _pdf_date, _with_outline, _write_bytes

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.figure import Figure

logger = logging.getLogger(__name__)


def _district_pages(
    assets: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    common: _Common,
    *,
    paper: str,
    options: _PageOptions,
    bookmarks: list[tuple[str, int]],
    n_pages: int,
) -> Iterator[Figure]:
    """The atlas's district pages (pages 2 onwards), each drawn when it is asked for.

    Appends a bookmark ``(district name, page index)`` to ``bookmarks`` per page.
    """
    codes = [str(c) for c in districts[schema.DISTRICT_CODE]]
    for i, code in enumerate(codes, start=2):
        data = _prepare_district(assets, districts, code, common)
        bookmarks.append((data.name, i - 1))
        fig = _district_figure(data, paper=paper, options=options,
                               page_label=f"Page {i} of {n_pages}")
        logger.debug("atlas page %d/%d: %s", i, n_pages, data.name)
        yield fig


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
) -> None:
    """Write the county atlas PDF: cover, one page per district, load summary.

    The cover holds the title, the data date, a county map of the districts with
    their co-location counts, the county totals against the savings target, the
    programme's progress (when ``totals`` has ``progress``) and the eps
    sensitivity plot; a last page lists the decisions to review, when any.
    District pages are those of :func:`district_pdf` (in the order of
    ``districts``). The PDF has a bookmark per page, embedded
    TrueType fonts, fixed dates (byte-identical output for identical input) and
    is written atomically.

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

    Returns
    -------
    None
        The atlas is written to ``path``.

    Raises
    ------
    ValidationError
        If ``paper`` is not A3/A4.

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
    review = decisions_to_review if decisions_to_review is not None else pd.DataFrame()
    n_pages = len(districts) + 2 + (1 if len(review) else 0)
    bookmarks: list[tuple[str, int]] = [("Cover: county summary", 0)]
    options = _PageOptions(title=title, data_date=data_date, synthetic=synthetic,
                           params_note=params_note, attribution_year=attribution_year,
                           boundary_source=source, max_insets=max_insets)

    def pages() -> Iterable[Figure]:
        with _rc():
            page = _new_page(paper)
            _draw_cover(page, districts=districts, opportunities=opportunities, assets=assets,
                        sweep=sweep, totals=totals or {}, title=title, data_date=data_date,
                        synthetic=synthetic, params_note=params_note,
                        attribution_year=attribution_year, boundary_source=source, eps_m=eps_m,
                        page_label=f"Page 1 of {n_pages}")
        yield page.fig
        yield from _district_pages(assets, districts, common, paper=paper, options=options,
                                   bookmarks=bookmarks, n_pages=n_pages)
        with _rc():
            page = _new_page(paper)
            _draw_load_summary(page, load_summary, title=title, data_date=data_date,
                               synthetic=synthetic, attribution_year=attribution_year,
                               boundary_source=source,
                               page_label=f"Page {len(districts) + 2} of {n_pages}")
        bookmarks.append(("Load summary by agency", len(districts) + 1))
        yield page.fig
        if len(review):
            with _rc():
                page = _new_page(paper)
                _draw_review(page, review, title=title, attribution_year=attribution_year,
                             boundary_source=source, synthetic=synthetic,
                             page_label=f"Page {n_pages} of {n_pages}")
            bookmarks.append(("Decisions to review", n_pages - 1))
            yield page.fig

    when = _pdf_date(creation_date, data_date)
    raw = _figures_to_pdf(pages(), _metadata(title or "Atlas", when,
                                             "Co-location opportunities atlas"))
    data = _with_outline(raw, bookmarks)
    target = _write_bytes(path, data)
    logger.info("wrote %s (%d pages, %.1f MB)", target, n_pages, len(data) / 1e6)
