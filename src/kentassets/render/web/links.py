"""Links from the web pages to other output files, kept inside the output folder."""

from __future__ import annotations

from typing import Any

from kentassets.safety import is_missing

__all__ = ["safe_relative_href"]


def safe_relative_href(value: Any) -> str | None:
    """Return ``value`` as a relative link, or None if it could leave the output folder.

    Links with a scheme (``javascript:``, ``http:``), absolute paths and ``..``
    segments are refused. The result still needs :func:`escape_html` in HTML.

    Examples
    --------
    >>> safe_relative_href("districts/maidstone.html")
    'districts/maidstone.html'
    >>> safe_relative_href("javascript:alert(1)") is None
    True
    """
    if is_missing(value):
        return None
    text = str(value).strip().replace("\\", "/")
    if not text or text.startswith("/") or ":" in text.split("/", 1)[0] or ".." in text.split("/"):
        return None
    return text
