"""The county index page: overview map, districts, totals, load summary, parameters.

This module is the documented public face of the index page; the code lives in
:mod:`kentassets.render.web.index`. :func:`index_html` returns the page as a
string; the pipeline writes it as ``index.html``.
"""

from __future__ import annotations

from kentassets.render.web.index import index_html

__all__ = ["index_html"]
