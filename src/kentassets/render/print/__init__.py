"""Printable PDF maps: one workshop page per district and the county atlas.

Pages are built with matplotlib's object-oriented API (``matplotlib.figure.Figure``
with the Agg canvas; no pyplot global state) and saved as vector PDF with
searchable, embedded TrueType text (``pdf.fonttype`` 42, set through
``matplotlib.rc_context`` only while a page is built or saved).

* :func:`district_pdf` draws one landscape page (A3 by default, A4 on request)
  and *returns* the :class:`~matplotlib.figure.Figure`; the caller decides where
  it goes.
* :func:`~kentassets.render.print.write.figure_pdf_bytes` makes such a figure a
  one-page PDF, reproducibly (bytes).
* :func:`~kentassets.render.print.atlas.atlas_pdf` makes the county atlas: a cover,
  one page per district, and a load summary per agency, with a PDF outline
  (bookmarks), as bytes.

Pure: nothing here reads or writes a file. ``write_figure_pdf`` and ``write_atlas``
(which write the file atomically) and the ``basemap=`` path of ``district_pdf`` are
in :mod:`kentassets.pipeline.maps`; the old ``kentassets.render.printmap.write_atlas``
and ``.write_figure_pdf`` still import (``_compat.MOVED_NAMES``).

Every string that comes from an input file is drawn as plain text: mathtext and
TeX are off for every text object (``$``, ``_`` and ``^`` print as themselves),
control and bidirectional-override characters are removed, and long values are
shortened with an ellipsis.

Sensitive agencies (the ``sensitive`` column, or ``sensitive_agencies``) are
drawn only at the centre of their 1 km British National Grid square, without a
name or an address, and the co-location outlines drawn around them are rebuilt
from the other members so that no outline vertex sits on a sensitive site.

The package's entry point (``kentassets.render.printmap`` is its old name);
the code lives in one module per concern: ``text`` (cleaning,
measuring, wrapping, number formats), ``layout`` (paper, margins, header and
footer), ``geometry`` (map windows, shapes as paths), ``prepare`` (what a
district page shows), ``layers`` (the map drawn layer by layer), ``labels``
(label placement), ``insets`` (crowded places), ``tables``, ``pages`` (the
district page), ``reach`` (a district's service reach page, the county reach
page), ``cover`` (cover and load summary), ``write`` (PDF bytes, metadata,
outline) and ``atlas``.
"""

from __future__ import annotations

from typing import Any

from ... import _compat
from .atlas import atlas_pdf
from .labels import label_overlaps
from .layout import MARGIN_MM, MIN_FONT_PT, PAPER_SIZES_MM
from .pages import district_pdf
from .prepare import SENSITIVE_GRID_M
from .text import clean_text
from .write import DEFAULT_PDF_DATE, figure_pdf_bytes

__all__ = [
    "DEFAULT_PDF_DATE",
    "MARGIN_MM",
    "MIN_FONT_PT",
    "PAPER_SIZES_MM",
    "SENSITIVE_GRID_M",
    "atlas_pdf",
    "clean_text",
    "district_pdf",
    "figure_pdf_bytes",
    "label_overlaps",
]


def __getattr__(name: str) -> Any:
    """``write_atlas`` and ``write_figure_pdf`` write files: they moved to
    :mod:`kentassets.pipeline.maps` (see ``_compat``)."""
    return _compat.moved_name(__name__, name)
