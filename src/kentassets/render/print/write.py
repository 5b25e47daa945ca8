"""Making PDFs' bytes: fixed metadata dates, embedded fonts, the outline (bookmarks).

Pure: the bytes are returned; :mod:`kentassets.pipeline.maps` and
:mod:`kentassets.pipeline.write` write them (atomically, through ``io/outputs``).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from ..._version import __version__
from .layout import rc
from .text import clean_text

if TYPE_CHECKING:
    from matplotlib.figure import Figure


#: Fallback PDF date when neither ``creation_date`` nor ``data_date`` is given.
DEFAULT_PDF_DATE = datetime(2000, 1, 1, tzinfo=UTC)


def pdf_date(creation_date: datetime | None, data_date: date | datetime | str | None
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


def pdf_metadata(title: str, when: datetime, subject: str) -> dict[str, Any]:
    return {
        "Title": clean_text(title, max_chars=200),
        "Subject": subject,
        "Creator": f"kentassets {__version__}",
        "CreationDate": when,
        "ModDate": when,
    }


def figures_to_pdf(figures: Iterable[Figure], metadata: Mapping[str, Any]) -> bytes:
    from matplotlib.backends.backend_pdf import PdfPages

    buf = io.BytesIO()
    with rc(), PdfPages(buf, metadata=dict(metadata)) as pdf:
        for fig in figures:
            pdf.savefig(fig)
    return buf.getvalue()


def add_outline(writer: Any, bookmarks: Sequence[tuple[str, int]]) -> None:
    """Give ``writer``'s PDF an outline (bookmarks) shown when it opens."""
    for label, index in bookmarks:
        writer.add_outline_item(title=clean_text(label, max_chars=120), page_number=index)
    writer.page_mode = "/UseOutlines"


def pdf_bytes(writer: Any) -> bytes:
    """What a pypdf writer writes; deterministic (pypdf adds no /ID)."""
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def figure_pdf_bytes(
    fig: Figure,
    *,
    title: str | None = None,
    creation_date: datetime | None = None,
    data_date: date | datetime | str | None = None,
) -> bytes:
    """The bytes of a one-page PDF of ``fig``, for a caller that writes them
    (:func:`kentassets.pipeline.maps.write_figure_pdf`).

    Fonts are embedded as TrueType subsets (searchable text) and the creation and
    modification dates are fixed (``creation_date``, else ``data_date``, else
    2000-01-01).

    A district page is saved once, and the same bytes make the district PDF and
    its page of the atlas (:func:`kentassets.render.print.atlas.assemble_atlas`).
    """
    return pages_pdf_bytes([fig], title=title, creation_date=creation_date,
                           data_date=data_date)


def pages_pdf_bytes(
    figures: Sequence[Figure],
    *,
    title: str | None = None,
    creation_date: datetime | None = None,
    data_date: date | datetime | str | None = None,
) -> bytes:
    """The bytes of a district's PDF: its map page, then its reach page when there is one."""
    when = pdf_date(creation_date, data_date)
    return figures_to_pdf(figures, pdf_metadata(title or "District map", when,
                                              "Co-location opportunities, district map"))


def assemble(frame: bytes, inserts: Sequence[bytes], *, at: int) -> tuple[Any, list[int]]:
    """A pypdf writer holding ``frame``'s pages with the stamped pages of ``inserts``
    in place of pages ``at`` onwards.

    ``frame`` holds every page of the document; its pages from ``at``, one for
    each page of the inserts (a district's map page, and its reach page when it
    has one, and its plan page), carry only what is stamped over them (page
    numbers). Its metadata is kept. Returns the writer and the number of pages of each
    insert. The caller adds the outline and writes it (:func:`add_outline`,
    :func:`pdf_bytes`): the document is parsed and written once.
    """
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(frame))
    writer = PdfWriter()
    readers = [PdfReader(io.BytesIO(pdf)) for pdf in inserts]
    slots: dict[int, Any] = {}
    first = at
    for insert in readers:
        slots.update({first + k: page for k, page in enumerate(insert.pages)})
        first += len(insert.pages)
    for i, page in enumerate(reader.pages):
        if i not in slots:
            writer.add_page(page)
            continue
        # Only the small stamp is parsed; the insert's content streams stay as they are.
        added = writer.add_page(slots[i])
        added.merge_page(page)
        added.compress_content_streams()
    if reader.metadata is not None:
        writer.add_metadata(dict(reader.metadata))
    return writer, [len(r.pages) for r in readers]
