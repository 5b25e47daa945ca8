"""The public map functions: the pure renderers, with the map context read for them.

The renderers (:mod:`kentassets.render`) are pure: they draw the frames and the
already-read :class:`~kentassets.reference.context.MapContext` they are given and
return a map, a figure or bytes. The functions here are the ones ``kentassets``
exports (``ka.district_map``, ``ka.county_map``, ``ka.district_pdf``,
``ka.write_atlas``, ``write_figure_pdf``): each reads the map context when it is not
given (the built-in one around the districts, with an OS GeoPackage ``basemap=`` on
top; :func:`kentassets.io.context.study_context`), calls the renderer, and writes
the file where it makes one (atomically, through :mod:`kentassets.io.outputs`).
Every other keyword goes to the renderer unchanged.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import folium
    import geopandas as gpd
    from matplotlib.figure import Figure

    from ..reference.context import MapContext

logger = logging.getLogger(__name__)

__all__ = ["county_map", "district_map", "district_pdf", "write_atlas", "write_figure_pdf"]


def _context(
    districts: gpd.GeoDataFrame,
    context: MapContext | None,
    basemap: str | PathLike[str] | None,
) -> MapContext:
    """``context`` cut to ``districts``; else the built-in one read, ``basemap`` on top."""
    from ..io.context import study_context

    return study_context(districts, context, basemap=basemap)


def district_map(
    assets: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    opportunities: gpd.GeoDataFrame,
    *,
    context: MapContext | None = None,
    basemap: str | PathLike[str] | None = None,
    **keywords: Any,
) -> folium.Map:
    """An interactive map of one district (:func:`kentassets.render.web.district_map`).

    Parameters
    ----------
    assets, districts, opportunities, **keywords
        As for :func:`kentassets.render.web.district_map` (``district_code=`` is
        required; ``offline``, ``settings``, ``title``, ``reach``, ...).
    context
        The map context drawn under the assets; default: the built-in context of
        England around ``districts``. Only places inside ``districts`` are named.
    basemap
        An OS Open Zoomstack, OpenMap Local or Open Roads GeoPackage put on the
        built-in context when ``context`` is not given (read here).

    Returns
    -------
    folium.Map

    Raises
    ------
    BasemapError
        If ``basemap`` is not a usable OS GeoPackage.
    """
    from ..render.web import district_map as render

    return render(assets, districts, opportunities,
                  context=_context(districts, context, basemap), **keywords)


def county_map(
    districts: gpd.GeoDataFrame,
    opportunities: gpd.GeoDataFrame,
    *,
    context: MapContext | None = None,
    basemap: str | PathLike[str] | None = None,
    **keywords: Any,
) -> folium.Map:
    """The county map, districts shaded (:func:`kentassets.render.web.county_map`).

    Parameters
    ----------
    districts, opportunities, **keywords
        As for :func:`kentassets.render.web.county_map` (``shade_by``, ``offline``,
        ``settings``, ``district_files``, ...).
    context, basemap
        The map context, as for :func:`district_map`.

    Returns
    -------
    folium.Map
    """
    from ..render.web import county_map as render

    return render(districts, opportunities,
                  context=_context(districts, context, basemap), **keywords)


def district_pdf(
    assets: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    opportunities: gpd.GeoDataFrame,
    *,
    context: MapContext | None = None,
    basemap: str | PathLike[str] | None = None,
    **keywords: Any,
) -> Figure:
    """One printable page of a district (:func:`kentassets.render.print.district_pdf`).

    Parameters
    ----------
    assets, districts, opportunities, **keywords
        As for :func:`kentassets.render.print.district_pdf` (``district_code=`` is
        required; ``paper``, ``settings``, ``max_insets``, ...).
    context, basemap
        The map context, as for :func:`district_map`.

    Returns
    -------
    matplotlib.figure.Figure
        Save it with :func:`write_figure_pdf`.
    """
    from ..render.print import district_pdf as render

    return render(assets, districts, opportunities,
                  context=_context(districts, context, basemap), **keywords)


def write_figure_pdf(
    fig: Figure,
    path: str | PathLike[str],
    *,
    title: str | None = None,
    creation_date: datetime | None = None,
    data_date: date | datetime | str | None = None,
) -> Path:
    """Save a page from :func:`district_pdf` as a one-page, reproducible PDF.

    Fonts are embedded as TrueType subsets (searchable text), the creation and
    modification dates are fixed (``creation_date``, else ``data_date``, else
    2000-01-01; :func:`kentassets.render.print.write.figure_pdf_bytes`), and the
    file is written atomically (temporary file in the same folder, then
    ``os.replace``; missing folders are created).

    Returns
    -------
    pathlib.Path
        The path written.

    Notes
    -----
    Typical use: ``write_figure_pdf(district_pdf(assets, districts, opportunities,
    district_code="E07000110"), "out/maidstone.pdf")``.
    """
    from ..io.outputs import write_bytes_atomic
    from ..render.print.write import figure_pdf_bytes

    return write_bytes_atomic(path, figure_pdf_bytes(
        fig, title=title, creation_date=creation_date, data_date=data_date))


def write_atlas(
    path: str | PathLike[str],
    *,
    assets: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    opportunities: gpd.GeoDataFrame,
    context: MapContext | None = None,
    basemap: str | PathLike[str] | None = None,
    **keywords: Any,
) -> None:
    """Write the county atlas PDF (:func:`kentassets.render.print.atlas.atlas_pdf`).

    Parameters
    ----------
    path
        Destination file, e.g. ``out/atlas.pdf`` (written atomically; missing
        folders are created).
    assets, districts, opportunities, **keywords
        As for :func:`~kentassets.render.print.atlas.atlas_pdf` (``settings``,
        ``content``, ``max_insets``, ``creation_date``, ``title``, ``sweep``, ...).
    context, basemap
        The map context under the assets, as for :func:`district_map` (read once
        for the whole atlas).

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
    """
    from ..io.outputs import write_bytes_atomic
    from ..render.print.atlas import atlas_pdf

    pdf = atlas_pdf(assets=assets, districts=districts, opportunities=opportunities,
                    context=_context(districts, context, basemap), **keywords)
    target = write_bytes_atomic(path, pdf)
    logger.info("wrote %s", target)
