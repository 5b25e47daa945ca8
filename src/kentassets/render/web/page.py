"""The folium page of a map: set-up, the data payload, stable ids and the HTML text.

A map made here carries one JSON payload (written with
:func:`kentassets.safety.json_for_script`) and one call into our JavaScript
(``window.KentAssetsMaps.<entry>``), which draws everything. The page text is
added as raw elements, never as folium templates.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import kentassets.render.web.libraries as libraries
from kentassets.errors import ValidationError
from kentassets.safety import escape_html, json_for_script

if TYPE_CHECKING:
    import folium

__all__ = ["map_html", "map_page"]


def _new_map(*, page_title: str) -> folium.Map:
    import folium

    m = folium.Map(location=[51.2, 0.7], zoom_start=10, tiles=None, zoom_control=False)
    m.options["max_zoom"] = 19
    m.options["zoom_snap"] = 0.5
    m.options["min_zoom"] = 6
    m.default_js, m.default_css = [], []  # the libraries are inlined (libraries.head_html)
    m.get_root().title = escape_html(page_title)  # type: ignore[attr-defined]
    return m


def _attach(m: folium.Map, *, entry: str, payload: dict[str, Any]) -> None:
    """Add the head resources and the payload + drawing call to ``m``.

    The text is added as raw elements: folium's ``MacroElement`` would compile the
    rendered header and script as Jinja templates, so data containing ``{{`` or
    ``{%`` would be evaluated (template injection) and slow to parse.
    """
    from branca.element import Element, Figure, MacroElement

    class _Raw(Element):
        """Text placed into the page exactly as given, never treated as a template."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self._name = "KentAssetsRaw"
            self._text = text

        def render(self, **kwargs: Any) -> str:
            return self._text

    class _KentAssetsLayer(MacroElement):
        def __init__(self) -> None:
            super().__init__()
            self._name = "KentAssetsLayer"

        def render(self, **kwargs: Any) -> str:
            figure = self.get_root()
            if not isinstance(figure, Figure) or self._parent is None:
                raise ValidationError("the kentassets layer must be added to a folium.Map")
            map_name = self._parent.get_name()
            if not re.fullmatch(r"map_[0-9a-f]+", map_name):
                raise ValidationError(f"unexpected folium map name {map_name!r}")
            figure.header.add_child(
                _Raw(libraries.head_html()), name=self.get_name()
            )
            # Data in a JSON script element: JSON.parse is much faster than a JS literal.
            data_id = f"kentassets-data-{map_name}"
            figure.html.add_child(
                _Raw(
                    f'<script type="application/json" id="{data_id}">'
                    f"{json_for_script(payload)}</script>"
                ),
                name=self.get_name(),
            )
            figure.script.add_child(
                _Raw(
                    f"window.KentAssetsMaps.{entry}({map_name}, JSON.parse("
                    f'document.getElementById("{data_id}").textContent));'
                ),
                name=self.get_name(),
            )
            return ""

    m.add_child(_KentAssetsLayer())


def map_page(*, entry: str, payload: dict[str, Any], page_title: str) -> folium.Map:
    """Return a folium map whose page draws ``payload`` with ``KentAssetsMaps.<entry>``.

    Parameters
    ----------
    entry
        The drawing function in ``templates/webmap.js``: ``districtMap`` or ``countyMap``.
    payload
        JSON-ready data for that function.
    page_title
        The page's ``<title>`` (escaped here).

    Returns
    -------
    folium.Map
        With element ids numbered in tree order, so the same input gives the same bytes.
    """
    m = _new_map(page_title=page_title)
    _attach(m, entry=entry, payload=payload)
    _stable_ids(m.get_root())
    return m


def map_html(m: folium.Map) -> str:
    """Return the complete HTML page of a map made by this module.

    Parameters
    ----------
    m
        A map returned by :func:`district_map` or :func:`county_map`.

    Returns
    -------
    str
        The page, ready to be written as UTF-8: self-contained apart from the tiles
        of online maps.
    """
    root = m.get_root()
    if not getattr(root, "_kentassets_stable_ids", False):
        _stable_ids(root)
    html: str = root.render()
    return html.replace("<html>", '<html lang="en">', 1)


def _stable_ids(root: Any) -> None:
    """Replace folium's random element ids by ids numbered in tree order.

    folium names every element with a random UUID, so two renders of the same
    map would differ. Numbering them makes the same input give the same bytes.
    """
    root._kentassets_stable_ids = True
    stack = [root]
    seen: set[int] = set()
    counter = 0
    while stack:
        element = stack.pop(0)
        if id(element) in seen:
            continue
        seen.add(id(element))
        if hasattr(element, "_id"):
            counter += 1
            element._id = f"{counter:032x}"
        stack.extend(getattr(element, "_children", {}).values())
