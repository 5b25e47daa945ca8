"""The pages' JavaScript and CSS: which map libraries, from a CDN or inlined, and ours.

This is the one place where a page's scripts and stylesheets are chosen. Online
maps link Leaflet and Leaflet.markercluster from a CDN (:func:`cdn_libraries`);
offline maps inline them from the ``xstatic-leaflet`` packages, with Leaflet's
images as data URIs, so the page makes no network request (:func:`head_html`).
Our own code (``templates/webmap.js``, ``webmap.css``, ``index.js``, ``index.css``)
is always inlined. Inlined text is checked so it cannot close its element early.
"""

from __future__ import annotations

import base64
import re
from importlib import resources

from kentassets.errors import ValidationError

__all__ = [
    "NO_LIBRARY_NOTICE",
    "cdn_libraries",
    "head_html",
    "index_css",
    "index_script",
]

_LEAFLET_CDN_JS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
_LEAFLET_CDN_CSS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"
_CLUSTER_CDN = "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.4.1/dist/"

#: Shown by an online page whose map library could not be fetched.
NO_LIBRARY_NOTICE = (
    "<script>window.addEventListener('load', function () {"
    " if (typeof L !== 'undefined') { return; }"
    " var d = document.createElement('div'); d.id = 'kentassets-no-library';"
    " d.setAttribute('role', 'alert');"
    " d.style.cssText = 'position:fixed;inset:0;display:flex;align-items:center;"
    "justify-content:center;background:#fff;color:#222;font:16px/1.5 sans-serif;"
    "padding:2em;text-align:center;z-index:10000';"
    " d.textContent = 'This map could not load its map library from the internet. "
    "Open the offline version of the maps (made with: kentassets build --offline), "
    "or try again with internet access.';"
    " document.body.appendChild(d); });</script>"
)


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


def cdn_libraries(*, offline: bool) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Return folium's ``default_js`` and ``default_css``: CDN links, none when offline."""
    if offline:
        return [], []
    js = [
        ("leaflet", _LEAFLET_CDN_JS),
        ("leaflet_markercluster", _CLUSTER_CDN + "leaflet.markercluster.js"),
    ]
    css = [
        ("leaflet_css", _LEAFLET_CDN_CSS),
        ("leaflet_markercluster_css", _CLUSTER_CDN + "MarkerCluster.css"),
        ("leaflet_markercluster_default_css", _CLUSTER_CDN + "MarkerCluster.Default.css"),
    ]
    return js, css


def head_html(*, offline: bool) -> str:
    """Inline resources for a map page's head (libraries when offline, ours always)."""
    parts: list[str] = []
    if offline:
        parts.append(_style(_leaflet_css_inline()))
        parts.append(
            _style(_xstatic_text("xstatic.pkg.leaflet_markercluster", "MarkerCluster.css"))
        )
        parts.append(
            _style(_xstatic_text("xstatic.pkg.leaflet_markercluster", "MarkerCluster.Default.css"))
        )
        parts.append(_script(_xstatic_text("xstatic.pkg.leaflet", "leaflet.js")))
        parts.append(
            _script(_xstatic_text("xstatic.pkg.leaflet_markercluster", "leaflet.markercluster.js"))
        )
    parts.append(_style(_template_text("webmap.css")))
    parts.append(_script(_template_text("webmap.js")))
    return "\n".join(parts)


def index_script() -> str:
    """The county index page's script (table sorting), checked for ``</script``."""
    text = _template_text("index.js")
    if "</script" in text.lower():
        raise ValidationError("index.js must not contain '</script'; refusing to inline it")
    return text


def index_css() -> str:
    """The county index page's stylesheet, safe to place in a ``<style>`` element."""
    return _template_text("index.css").replace("</", "<\\/")
