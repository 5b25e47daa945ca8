"""The pages' JavaScript and CSS: the map libraries and ours, always inlined.

This is the one place where a page's scripts and stylesheets are chosen. Every
map inlines Leaflet and Leaflet.markercluster from the ``xstatic-leaflet``
packages (about 200 KB), with Leaflet's images as data URIs, so no map ever
depends on a CDN: opened without internet it still draws its assets and the
built-in context (:func:`head_html`). Only tiles come from the network, and
only when the maps were not built with ``--offline``. Our own code
(``templates/webmap.js``, ``webmap.css``, ``index.js``, ``index.css``) is
inlined too. Inlined text is checked so it cannot close its element early.
"""

from __future__ import annotations

import base64
import re
from importlib import resources

from kentassets.errors import ValidationError

__all__ = [
    "head_html",
    "index_css",
    "index_script",
]


def _template_text(name: str) -> str:
    return resources.files("kentassets.render.web").joinpath("templates", name).read_text("utf-8")


def _xstatic_text(package: str, name: str) -> str:
    return resources.files(package).joinpath("data", name).read_text("utf-8")


def _leaflet_css_inline() -> str:
    """Leaflet's CSS with its images inlined as data URIs (no file requests)."""
    css = _xstatic_text("xstatic.pkg.leaflet", "leaflet.css")
    images = resources.files("xstatic.pkg.leaflet").joinpath("data", "images")

    def inline(match: re.Match[str]) -> str:
        payload = base64.b64encode(images.joinpath(match.group(1)).read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{payload})"

    return re.sub(r"url\(images/([A-Za-z0-9_.-]+\.png)\)", inline, css)


def _script(code: str) -> str:
    if "</script" in code.lower():
        raise ValidationError("inline script contains '</script'; refusing to inline it")
    return f"<script>{code}</script>"


def _style(code: str) -> str:
    if "</style" in code.lower():
        raise ValidationError("inline stylesheet contains '</style'; refusing to inline it")
    return f"<style>{code}</style>"


def head_html() -> str:
    """Inline resources for a map page's head: Leaflet, its cluster plugin and ours."""
    return "\n".join(
        [
            _style(_leaflet_css_inline()),
            _style(_xstatic_text("xstatic.pkg.leaflet_markercluster", "MarkerCluster.css")),
            _style(
                _xstatic_text("xstatic.pkg.leaflet_markercluster", "MarkerCluster.Default.css")
            ),
            _script(_xstatic_text("xstatic.pkg.leaflet", "leaflet.js")),
            _script(_xstatic_text("xstatic.pkg.leaflet_markercluster", "leaflet.markercluster.js")),
            _style(_template_text("webmap.css")),
            _script(_template_text("webmap.js")),
        ]
    )


def index_script() -> str:
    """The county index page's script (table sorting), checked for ``</script``."""
    text = _template_text("index.js")
    if "</script" in text.lower():
        raise ValidationError("index.js must not contain '</script'; refusing to inline it")
    return text


def index_css() -> str:
    """The county index page's stylesheet, safe to place in a ``<style>`` element."""
    return _template_text("index.css").replace("</", "<\\/")
