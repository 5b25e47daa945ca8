"""Colours, marker shapes and attribution shared by the HTML and the PDF maps.

The palette is Paul Tol's "muted" qualitative scheme, designed to stay distinct
for readers with the common forms of colour blindness; marker shapes vary too,
so the PDF maps can be told apart when printed in greyscale.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..districts import DERIVED_BOUNDARY_NOTE

#: Paul Tol "muted" palette (colour-blind safe), then two extra dark tones.
PALETTE: tuple[str, ...] = (
    "#332288",  # indigo
    "#88CCEE",  # cyan
    "#44AA99",  # teal
    "#117733",  # green
    "#999933",  # olive
    "#DDCC77",  # sand
    "#CC6677",  # rose
    "#882255",  # wine
    "#AA4499",  # purple
    "#555555",  # dark grey
)
#: Matplotlib marker per palette slot; Leaflet maps use the same shape names.
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X", "*", "h", "<")
#: Shape names for the HTML maps, in the same order as MARKERS.
SHAPES: tuple[str, ...] = (
    "circle",
    "square",
    "triangle",
    "diamond",
    "triangle-down",
    "plus",
    "cross",
    "star",
    "hexagon",
    "triangle-left",
)

HULL_COLOUR = "#E66100"  # orange, distinct from every agency colour
DISTRICT_EDGE = "#222222"
NEIGHBOUR_EDGE = "#9A9A9A"

SYNTHETIC_NOTE = "synthetic sample data"

#: Distance bands of service reach, near to far (ColorBrewer YlGnBu, colour-blind
#: safe and readable in greyscale): dark is far from the nearest site.
REACH_RAMP: tuple[str, ...] = ("#C7E9B4", "#7FCDBB", "#41B6C4", "#2C7FB8", "#253494",
                               "#081D58")
#: Cells with no distance (no site of the service reachable).
REACH_NONE = "#BDBDBD"
#: Line colours of the services on the options curve (Paul Tol "bright").
SERVICE_COLOURS: tuple[str, ...] = ("#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE",
                                    "#AA3377", "#BBBBBB")


def reach_band_colours(n_bands: int) -> list[str]:
    """``n_bands`` colours of :data:`REACH_RAMP`, near to far, spread over the ramp.

    Examples
    --------
    >>> reach_band_colours(4)
    ['#C7E9B4', '#41B6C4', '#2C7FB8', '#081D58']
    """
    if n_bands <= 1:
        return [REACH_RAMP[0]] * max(n_bands, 0)
    last = len(REACH_RAMP) - 1
    return [REACH_RAMP[min(last, int(k * last / (n_bands - 1) + 0.5))]
            for k in range(n_bands)]


@dataclass(frozen=True)
class AgencyStyle:
    """How one agency is drawn on every map."""

    agency: str
    colour: str
    marker: str
    shape: str


def agency_styles(agencies: Iterable[str]) -> dict[str, AgencyStyle]:
    """Assign each agency a colour and a marker shape, in sorted name order.

    The same set of agencies always gets the same styles, in the HTML and in
    the PDF maps. Beyond ten agencies colours repeat with a different shape.

    Parameters
    ----------
    agencies
        Agency names, in any order, repeats allowed.

    Returns
    -------
    dict of str to AgencyStyle
        Agency name -> its ``colour`` (hex), ``marker`` (matplotlib) and
        ``shape`` (the web map's name for the same marker), in sorted name order.

    Examples
    --------
    >>> styles = agency_styles(["Kent Police", "Kent County Council"])
    >>> styles["Kent County Council"].colour
    '#332288'

    The sample estate's ten agencies get ten distinct colours:

    >>> import kentassets as ka
    >>> styles = ka.agency_styles(ka.sample_estate().assets["agency"])
    >>> len(styles), len({s.colour for s in styles.values()})
    (10, 10)
    """
    names = sorted({str(a) for a in agencies})
    out: dict[str, AgencyStyle] = {}
    for i, name in enumerate(names):
        colour = PALETTE[i % len(PALETTE)]
        shape_index = (i + i // len(PALETTE)) % len(MARKERS)
        out[name] = AgencyStyle(name, colour, MARKERS[shape_index], SHAPES[shape_index])
    return out


def attribution(year: int, *, derived_boundaries: bool = False) -> str:
    """Return the attribution every map must carry.

    Parameters
    ----------
    year
        Copyright year of the postcode and boundary data.
    derived_boundaries
        True where the district boundaries were derived from postcode centroids.

    Examples
    --------
    >>> "Royal Mail" in attribution(2025)
    True
    """
    text = (
        f"Contains OS data \u00a9 Crown copyright and database right {year}; "
        f"Contains Royal Mail data \u00a9 Royal Mail copyright and database right {year}; "
        f"Source: Office for National Statistics licensed under the Open Government "
        f"Licence v3.0; Contains National Statistics data \u00a9 Crown copyright and "
        f"database right {year}"
    )
    if derived_boundaries:
        text += f". {DERIVED_BOUNDARY_NOTE[0].upper()}{DERIVED_BOUNDARY_NOTE[1:]}"
    return text


def with_districts(assets: Any, districts: Any) -> Any:
    """Return ``assets`` with every canonical column, placing them in districts if needed.

    Renderers draw a district's assets by ``district_code`` and show the
    canonical fields; a frame with only some of them (straight from a file, say)
    gets the missing ones as missing values, and district columns from
    ``districts`` when it has none. Extra columns (``colocation_id``...) are kept.
    """
    from .. import schema

    if schema.DISTRICT_CODE not in assets.columns:
        from ..districts import assign_districts

        assets = assign_districts(assets, districts)
    if all(col in assets.columns for col in schema.ASSET_COLUMNS):
        return assets
    return schema.coerce_assets(assets)


#: Colour of each decision status on the plan's timelines (PDF and HTML).
STATUS_COLOURS: dict[str, str] = {
    "proposed": "#8FA9C4",
    "pursue": "#3A78B5",
    "business_case": "#7B4FA3",
    "in_delivery": "#E08A1E",
    "done": "#1B6F6A",
    "on_hold": "#9A9A9A",
    "rejected": "#C0392B",
}
#: Colour of the years in which a project's saving counts.
SAVING_COLOUR = "#5DAE6E"
