"""Page layout: paper sizes, margins, the scoped matplotlib settings, a page in
millimetres, and the header and footer every page shares.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Final

from ...errors import ValidationError
from .. import style
from .fonts import PRINT_FONT_FAMILIES, register_print_fonts
from .text import PT_MM, clean_text, wrap_mm

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.figure import Figure
    from matplotlib.text import Text


#: Held while matplotlib draws or saves a page. rcParams, the font manager and the text
#: caches belong to the process, so two threads drawing at once would move each other's
#: text: threads draw one at a time (correct, if not parallel); each worker process of a
#: process pool or a cluster has its own matplotlib and draws in parallel.
DRAWING: Final = threading.RLock()

#: Landscape paper sizes, millimetres (width, height).
PAPER_SIZES_MM: dict[str, tuple[float, float]] = {"A3": (420.0, 297.0), "A4": (297.0, 210.0)}
#: Margin kept clear on every side: office printers cannot print the outer ~5 mm.
MARGIN_MM = 12.0
#: Smallest type size used anywhere on a page, points at print size.
MIN_FONT_PT = 6.5
_MM = 1.0 / 25.4  # inches per millimetre
#: Scoped matplotlib settings for print. TrueType (Type 42) fonts: embedded,
#: vector, searchable; the families and why are in :mod:`.fonts`.
_RC: dict[str, Any] = {
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "text.usetex": False,
    "text.parse_math": False,
    "font.family": list(PRINT_FONT_FAMILIES),
    "axes.unicode_minus": True,
    "pdf.compression": 6,
    "path.simplify": True,
    "hatch.linewidth": 0.5,
}


TEXT = "#222222"
MUTED = "#555555"


@dataclass
class Page:
    """A landscape page and helpers to place things on it in millimetres."""

    fig: Figure
    width_mm: float
    height_mm: float

    def rect(
        self, x_mm: float, y_mm: float, w_mm: float, h_mm: float
    ) -> tuple[float, float, float, float]:
        """Figure-fraction rectangle for a box given in mm from the lower-left corner."""
        return (
            x_mm / self.width_mm,
            y_mm / self.height_mm,
            w_mm / self.width_mm,
            h_mm / self.height_mm,
        )

    def text(self, x_mm: float, y_mm: float, s: str, **kw: Any) -> Text:
        """Draw plain text at a page position in mm."""
        kw.setdefault("color", TEXT)
        return self.fig.text(
            x_mm / self.width_mm,
            y_mm / self.height_mm,
            s,
            parse_math=False,
            usetex=False,
            **kw,
        )


@contextmanager
def rc() -> Iterator[None]:
    """Matplotlib settings for print pages, scoped, under the :data:`DRAWING` lock.

    rcParams change only inside the block (``rc_context``), and no other thread
    draws meanwhile, so the settings of one page never reach another's.
    """
    from matplotlib import rc_context

    with DRAWING:
        register_print_fonts()
        with rc_context(_RC), _fonts_found_once():  # type: ignore[arg-type]
            yield


@contextmanager
def _fonts_found_once() -> Iterator[None]:
    """Inside :func:`rc`, find the font files of each distinct font property once.

    matplotlib looks up the files of a text's fonts every time it measures or
    draws it (``FontManager._find_fonts_by_props``: a copy of the property and
    a cached search per family, about 30 µs), some 30,000 times for a county's
    pages, for a handful of distinct properties. Within the block the font
    list and the font rcParams do not change, so the answer for a property is
    kept (the font manager's own method, shadowed on the instance and restored
    on exit). The files found, hence the pages, are the same.
    """
    from matplotlib import font_manager

    manager = font_manager.fontManager
    search = getattr(manager, "_find_fonts_by_props", None)
    # an enclosing block keeps them already; or a matplotlib without this method
    if "_find_fonts_by_props" in vars(manager) or search is None:
        yield
        return
    found: dict[tuple[Any, ...], Any] = {}

    def find(prop: Any, fontext: Any = "ttf", directory: Any = None,
             fallback_to_default: bool = True, rebuild_if_missing: bool = True) -> Any:
        if not isinstance(prop, font_manager.FontProperties):
            return search(prop, fontext, directory, fallback_to_default, rebuild_if_missing)
        key = (prop, fontext, directory, fallback_to_default, rebuild_if_missing)
        paths = found.get(key)
        if paths is None:
            paths = search(prop, fontext, directory, fallback_to_default, rebuild_if_missing)
            # a copy as the key: a property changed later must not find this entry
            found[(prop.copy(), *key[1:])] = paths
        return list(paths)

    manager._find_fonts_by_props = find  # type: ignore[method-assign]
    try:
        yield
    finally:
        del manager._find_fonts_by_props


def paper_mm(paper: str) -> tuple[float, float]:
    key = str(paper).upper()
    if key not in PAPER_SIZES_MM:
        raise ValidationError(
            f"paper must be one of {', '.join(PAPER_SIZES_MM)} (landscape); got {paper!r}. "
            "Pass paper='A3' or paper='A4'."
        )
    return PAPER_SIZES_MM[key]


def new_page(paper: str) -> Page:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    width_mm, height_mm = paper_mm(paper)
    fig = Figure(figsize=(width_mm * _MM, height_mm * _MM), dpi=100, facecolor="white")
    FigureCanvasAgg(fig)
    return Page(fig, width_mm, height_mm)


def draw_header(page: Page, heading: str, subtitle: str) -> float:
    """Draw the title block; return the y (mm) of its lower edge."""
    top = page.height_mm - MARGIN_MM
    size = 20.0 if page.width_mm > 350 else 16.0
    page.text(MARGIN_MM, top, clean_text(heading, max_chars=90), fontsize=size,
              fontweight="bold", va="top", ha="left")
    sub_size = 9.5 if page.width_mm > 350 else 8.0
    lines = wrap_mm(subtitle, page.width_mm - 2 * MARGIN_MM, sub_size, 2)
    y = top - size * PT_MM * 1.35
    page.text(MARGIN_MM, y, "\n".join(lines), fontsize=sub_size, va="top", ha="left",
              color=MUTED, linespacing=1.3)
    return y - len(lines) * sub_size * PT_MM * 1.3 - 3.0


def draw_footer(page: Page, text: str, *, page_label: str | None = None) -> float:
    """Draw the attribution; return the y (mm) of its upper edge.

    ``page_label`` (a page number) is drawn at the right; ``""`` keeps its room
    free without drawing it, for a page whose number is stamped on later
    (:func:`draw_page_label`): a district page goes into the atlas as it is.
    """
    size = MIN_FONT_PT
    width = page.width_mm - 2 * MARGIN_MM - (30.0 if page_label is not None else 0.0)
    lines = wrap_mm(text, width, size, 4)
    page.text(MARGIN_MM, MARGIN_MM, "\n".join(lines), fontsize=size, va="bottom",
              ha="left", color=MUTED, linespacing=1.25)
    if page_label:
        draw_page_label(page, page_label)
    return MARGIN_MM + len(lines) * size * PT_MM * 1.25 + 2.5


def draw_page_label(page: Page, label: str) -> None:
    """The page number at the foot of the page, right-aligned."""
    page.text(page.width_mm - MARGIN_MM, MARGIN_MM, label, fontsize=7.5,
              va="bottom", ha="right", color=MUTED)


def subtitle_text(*parts: str | None) -> str:
    return "  ·  ".join(p for p in (clean_text(x) for x in parts) if p)


def date_text(value: date | datetime | str | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return f"data as at {value.date().isoformat()}"
    if isinstance(value, date):
        return f"data as at {value.isoformat()}"
    text = clean_text(value, max_chars=40)
    return f"data as at {text}" if text else None


def boundary_source_of(districts: gpd.GeoDataFrame, explicit: str | None) -> str:
    if explicit is not None:
        return str(explicit)
    return str(getattr(districts, "attrs", {}).get("boundary_source", "official"))


def attribution_text(year: int, boundary_source: str, synthetic: bool) -> str:
    text = style.attribution(year, derived_boundaries=boundary_source == "derived")
    if synthetic:
        text += f". Locations and figures are {style.SYNTHETIC_NOTE}"
    return text + "."
