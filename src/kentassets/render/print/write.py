"""Writing PDFs: fixed metadata dates, TrueType fonts, the outline (bookmarks) and
the atomic write of the bytes.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ... import __version__
from .layout import _rc
from .text import clean_text

if TYPE_CHECKING:
    from matplotlib.figure import Figure


#: Fallback PDF date when neither ``creation_date`` nor ``data_date`` is given.
DEFAULT_PDF_DATE = datetime(2000, 1, 1, tzinfo=UTC)


def _pdf_date(creation_date: datetime | None, data_date: date | datetime | str | None
              ) -> datetime:
    """The fixed date written to CreationDate/ModDate, so the bytes are reproducible."""
    if creation_date is not None:
        return creation_date if creation_date.tzinfo else creation_date.replace(tzinfo=UTC)
    if isinstance(data_date, datetime):
        return data_date if data_date.tzinfo else data_date.replace(tzinfo=UTC)
    if isinstance(data_date, date):
        return datetime(data_date.year, data_date.month, data_date.day, tzinfo=UTC)
    if isinstance(data_date, str):
        try:
            d = date.fromisoformat(data_date.strip()[:10])
            return datetime(d.year, d.month, d.day, tzinfo=UTC)
        except ValueError:
            pass
    return DEFAULT_PDF_DATE


def _metadata(title: str, when: datetime, subject: str) -> dict[str, Any]:
    return {
        "Title": clean_text(title, max_chars=200),
        "Subject": subject,
        "Creator": f"kentassets {__version__}",
        "CreationDate": when,
        "ModDate": when,
    }


def _write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write through :func:`kentassets.io.outputs.write_bytes_atomic` (temp file + rename)."""
    from ...io.outputs import write_bytes_atomic

    return write_bytes_atomic(path, data)


def _figures_to_pdf(figures: Iterable[Figure], metadata: Mapping[str, Any]) -> bytes:
    from matplotlib.backends.backend_pdf import PdfPages

    buf = io.BytesIO()
    with _rc(), PdfPages(buf, metadata=dict(metadata)) as pdf:
        for fig in figures:
            pdf.savefig(fig)
    return buf.getvalue()


def _with_outline(data: bytes, bookmarks: Sequence[tuple[str, int]]) -> bytes:
    """Add a PDF outline (bookmarks) with pypdf; deterministic (no /ID is added)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for label, index in bookmarks:
        writer.add_outline_item(title=clean_text(label, max_chars=120), page_number=index)
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def write_figure_pdf(
    fig: Figure,
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    creation_date: datetime | None = None,
    data_date: date | datetime | str | None = None,
) -> Path:
    """Save a page from :func:`district_pdf` as a one-page, reproducible PDF.

    Fonts are embedded as TrueType subsets (searchable text), the creation and
    modification dates are fixed (``creation_date``, else ``data_date``, else
    2000-01-01), and the file is written atomically (temporary file in the same
    folder, then ``os.replace``).

    Parameters
    ----------
    fig
        The page.
    path
        Destination file (missing folders are created).
    title
        PDF document title (metadata).
    creation_date
        Date written to the PDF metadata; the pipeline may derive it from
        ``SOURCE_DATE_EPOCH``.
    data_date
        Used for the metadata date when ``creation_date`` is None.

    Returns
    -------
    pathlib.Path
        The path written.

    Notes
    -----
    Typical use: ``write_figure_pdf(district_pdf(assets, districts, opportunities,
    district_code="E07000110"), "out/maidstone.pdf")``.
    """
    when = _pdf_date(creation_date, data_date)
    data = _figures_to_pdf([fig], _metadata(title or "District map", when,
                                            "Co-location opportunities, district map"))
    return _write_bytes(path, data)
