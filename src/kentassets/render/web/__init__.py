"""Interactive HTML maps (folium / Leaflet): one map per district and a county map.

The package's public face (``kentassets.render.webmap`` is its old name); the
code lives in one module per concern:

- ``district`` / ``county``: compose :func:`district_map` and :func:`county_map`;
- ``layers``: base tiles and the overlay layers (district outline, neighbours,
  agencies, assets, co-location hulls) as JSON payload;
- ``cards``: the escaped HTML cards of co-locations and districts;
- ``reach``: the "Service reach" hexagon layers, reach card rows, county table;
- ``furniture``: title block and legends; ``geometry``: GeoJSON in WGS 84;
- ``sensitive``: how sensitive sites are generalised;
- ``libraries``: the JavaScript and CSS a page carries, all inlined;
- ``context``: the map context (towns, coast, water, roads) as one light layer;
- ``page``: the folium page, stable ids and :func:`map_html`;
- ``index``: the county index page (:func:`~kentassets.render.web.index.index_html`);
- ``values`` and ``links``: small shared helpers (columns as lists, safe links).

The renderers return :class:`folium.Map` objects and never write files; the
pipeline saves them (use :func:`map_html` to get the page as text).

Design
------
Each map carries one compact JSON payload (written with
:func:`kentassets.safety.json_for_script`) and a small JavaScript library
(``web/templates/webmap.js``) that draws the markers, hulls, search box,
fullscreen and measure buttons, minimap and scale bar. This keeps a 50,000-asset
map small and quick: no folium object per asset, no per-asset popup HTML.

Untrusted text (names, addresses, agency names, ids) reaches the page in one of
two ways only: as HTML that Python built with :func:`kentassets.safety.escape_html`
(title block, legend, co-location cards), or as JSON data that the JavaScript
inserts with ``textContent``. folium's ``GeoJsonPopup``/``GeoJsonTooltip`` are
not used because they insert raw HTML.

Every map inlines Leaflet and Leaflet.markercluster from the ``xstatic-leaflet``
packages and draws the built-in map context (towns, coast, water, built-up areas;
roads and rail from an OS base map) in a pane beneath the tiles, so it never comes
up blank, even without internet. Offline maps (``offline=True``) add no tile
layer: the page makes no network request and works from a ``file://`` URL.
"""

from __future__ import annotations

from kentassets.render.web.county import county_map, district_summary
from kentassets.render.web.district import CLUSTER_THRESHOLD, district_map
from kentassets.render.web.links import safe_relative_href
from kentassets.render.web.page import map_html
from kentassets.render.web.sensitive import SENSITIVE_GRID_M

__all__ = [
    "CLUSTER_THRESHOLD",
    "SENSITIVE_GRID_M",
    "county_map",
    "district_map",
    "district_summary",
    "map_html",
    "safe_relative_href",
]
