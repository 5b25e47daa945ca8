"""Handling untrusted strings: HTML escaping, CSV formula guards, safe file names.

Every string that comes from an input file is untrusted. These helpers are the
one place where that is dealt with, so the renderers and writers stay simple.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from typing import Any

import pandas as pd

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def is_missing(value: Any) -> bool:
    """True for ``None``, NaN, ``pd.NA`` and ``NaT``; False for any other value.

    Examples
    --------
    >>> is_missing(None), is_missing(float("nan")), is_missing(0), is_missing([1])
    (True, True, False, False)
    """
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def escape_html(value: Any) -> str:
    """Return ``value`` as text safe to place in HTML content or attributes.

    Missing values become the empty string.

    Examples
    --------
    >>> escape_html('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    >>> escape_html(None)
    ''
    """
    if is_missing(value):
        return ""
    return html.escape(str(value), quote=True).replace("`", "&#96;")


def json_for_script(value: Any) -> str:
    """Serialise ``value`` as JSON that is safe inside an HTML ``<script>`` element.

    ``<``, ``>``, ``&`` and the line separators are written as ``\\u`` escapes,
    so a string such as ``</script>`` cannot end the element.

    Examples
    --------
    >>> json_for_script({"name": "</script><b>"})
    '{"name": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, default=str)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def guard_csv_cell(value: Any) -> Any:
    """Make one cell inert for spreadsheet programs.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
    is prefixed with an apostrophe, which Excel and LibreOffice both treat as
    "show as text". Numbers (and text that is a plain number such as ``-12.5``)
    are left as they are.

    Examples
    --------
    >>> guard_csv_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> guard_csv_cell("-12.5")
    '-12.5'
    >>> guard_csv_cell(-3)
    -3
    """
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(_FORMULA_PREFIXES) and not _NUMBER.match(value):
        return "'" + value
    return value


def guard_csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` with every text cell passed through :func:`guard_csv_cell`.

    Column names are guarded too. Numeric columns are untouched.
    """
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series):
            out[col] = series.map(guard_csv_cell, na_action="ignore")
    out.columns = [guard_csv_cell(str(c)) for c in out.columns]
    return out


def safe_filename(name: str, *, default: str = "unnamed", max_length: int = 80) -> str:
    """Turn an untrusted name (a district, an agency) into a safe file name stem.

    The result holds only ASCII letters, digits, ``-`` and ``_``; it has no path
    separators, is never ``.`` or ``..``, never a Windows reserved name, and is
    at most ``max_length`` characters.

    Examples
    --------
    >>> safe_filename("Folkestone and Hythe")
    'folkestone-and-hythe'
    >>> safe_filename("../../etc")
    'etc'
    >>> safe_filename("CON")
    'con_'
    """
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9_-]+", "-", text.strip().lower())
    text = re.sub(r"-{2,}", "-", text).strip("-_.")
    text = text[:max_length].strip("-_") or default
    if text.upper() in _WINDOWS_RESERVED:
        text += "_"
    return text


def generalise_sensitive(assets: Any, *, grid_m: float = 1000.0) -> Any:
    """Return a copy of ``assets`` fit for publication.

    Assets of sensitive agencies (``sensitive`` True) are moved to the centre of
    their ``grid_m`` British National Grid square, and their address, postcode,
    UPRN, site id, source row and unmapped columns (``extra``) are blanked. The
    name becomes ``"Sensitive site (<agency>)"``, ``location_method``
    ``"generalised"`` and ``location_precision_m`` half the square's diagonal.
    Other assets are unchanged; the index is kept.

    Parameters
    ----------
    assets
        Canonical asset GeoDataFrame in EPSG:27700.
    grid_m
        Side of the grid square in metres.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy with the same index and columns.

    Examples
    --------
    Publish the sample estate as if Kent Police had asked for its sites to be
    generalised:

    >>> import kentassets as ka
    >>> assets = ka.sample_estate().assets
    >>> police = assets["agency"] == "Kent Police"
    >>> public = ka.generalise_sensitive(assets.assign(sensitive=police))
    >>> public.index.equals(assets.index), bool(public.loc[police, "postcode"].isna().all())
    (True, True)
    >>> public.loc[police, "name"].unique().tolist()
    ['Sensitive site (Kent Police)']
    >>> bool((public.loc[police].geometry.x % 1000 == 500).all())  # centre of a 1 km square
    True
    >>> public.loc[~police, "name"].equals(assets.loc[~police, "name"])
    True
    """
    import geopandas as gpd
    import numpy as np

    from . import schema

    out = assets.copy()
    if schema.SENSITIVE not in out.columns or len(out) == 0:
        return out
    mask = out[schema.SENSITIVE].fillna(False).astype(bool).to_numpy()
    if not mask.any():
        return out
    geoms = out.geometry[mask]
    x = (np.floor(geoms.x.to_numpy() / grid_m) + 0.5) * grid_m
    y = (np.floor(geoms.y.to_numpy() / grid_m) + 0.5) * grid_m
    out.loc[mask, out.geometry.name] = gpd.points_from_xy(x, y, crs=out.crs)
    agency = out.loc[mask, schema.AGENCY].astype("string").fillna("agency")
    out.loc[mask, schema.NAME] = "Sensitive site (" + agency + ")"
    for col in (schema.ADDRESS, schema.POSTCODE, schema.UPRN, schema.EXTRA, schema.SITE_ID):
        if col in out.columns:
            out.loc[mask, col] = pd.NA
    if schema.SOURCE_ROW in out.columns:
        out.loc[mask, schema.SOURCE_ROW] = pd.NA
    if schema.LOCATION_METHOD in out.columns:
        out.loc[mask, schema.LOCATION_METHOD] = "generalised"
    if schema.LOCATION_PRECISION_M in out.columns:
        out.loc[mask, schema.LOCATION_PRECISION_M] = grid_m * 0.71
    return out
