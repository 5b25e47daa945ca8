"""Site matching: records that describe one building share a ``site_id``
(same UPRN, same agency site reference, or same postcode, close and with
similar names).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..io.postcodes import (
    postcode_keys,
)
from ..schema import (
    AGENCY,
    NAME,
    POSTCODE,
    SITE_ID,
    SOURCE_FILE,
    UPRN,
)
from .values import clean_text
from .vectors import factorize, factorize_codes, spread_codes, via_uniques

#: Site matching: records within this distance (metres) with the same postcode
#: and similar names are one site.
SITE_DISTANCE_M = 25.0
_SITE_GROUP_LIMIT = 200
_NAME_STOP = frozenset(
    {"the", "of", "and", "at", "a", "in", "on", "ltd", "limited", "plc", "&", "st", "saint"}
)


def _name_tokens(value: Any) -> frozenset[str]:
    if not isinstance(value, str):
        return frozenset()
    words = re.findall(r"[a-z0-9]+", value.lower())
    return frozenset(w for w in words if w not in _NAME_STOP and len(w) > 1)


def _similar(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return False
    common = len(a & b)
    return common / max(len(a), len(b)) >= 0.5


def assign_sites(
    assets: gpd.GeoDataFrame, *, distance_m: float = SITE_DISTANCE_M
) -> pd.Series:
    """Give records that describe the same building one ``site_id``.

    Records share a site when they

    * share a UPRN (leading zeros ignored), or
    * share a postcode, lie within ``distance_m`` of each other and have similar
      names: the same name once case and punctuation are ignored, or, between
      different agencies, half the words of the longer name in common, or
    * carry the same agency site reference (``_agency_site`` column), or
    * already share a ``site_id`` from the same ``source_file``.

    Records are not merged. Everything is vectorised except the word
    comparison, which runs only inside postcodes shared by several agencies.

    Parameters
    ----------
    assets
        Canonical assets.
    distance_m
        Largest distance between two records of one site, metres.

    Returns
    -------
    pandas.Series
        ``site_id`` (``"S000001"``...), same index as ``assets``, numbered in
        order of first appearance.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> assets = gpd.GeoDataFrame({"uprn": ["0100", "100", None],
    ...     "postcode": [None, None, None], "name": ["A", "B", "C"]},
    ...     geometry=[Point(0, 0), Point(500, 0), Point(9, 9)], crs="EPSG:27700")
    >>> assign_sites(assets).tolist()
    ['S000001', 'S000001', 'S000002']
    """
    return assign_site_ids(assets, distance_m=distance_m)


@dataclass
class SiteHints:
    """What :func:`normalise_register` already knows about its assets, by position:
    the point coordinates and the postcode look-up key codes (-1: none)."""

    xs: np.ndarray
    ys: np.ndarray
    postcode_key_codes: np.ndarray | None = None


def assign_site_ids(
    assets: gpd.GeoDataFrame,
    *,
    distance_m: float = SITE_DISTANCE_M,
    hints: SiteHints | None = None,
) -> pd.Series:
    """:func:`assign_sites`, reusing what the caller computed already (``hints``)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(assets)
    if n == 0:
        return pd.Series([], index=assets.index, dtype="string", name=SITE_ID)
    if hints is not None:
        xs, ys = hints.xs, hints.ys
    else:
        geometry = assets.geometry.to_numpy()
        xs = shapely.get_x(geometry)
        ys = shapely.get_y(geometry)
    links = _SiteLinks(xs, ys, distance_m)
    if UPRN in assets.columns and assets[UPRN].notna().any():
        uprn = clean_text(assets[UPRN].astype("str")).str.lstrip("0")
        links.groups(uprn.mask(uprn == ""))
    if "_agency_site" in assets.columns:
        links.groups(
            assets[AGENCY].astype("str") + "\x00" + assets["_agency_site"].astype("str")
        )
    if SITE_ID in assets.columns and SOURCE_FILE in assets.columns:
        # Sites found earlier within one file (e.g. from the agency's own site
        # references) are kept when files are combined.
        links.groups(assets[SOURCE_FILE].astype("str") + "\x00" + assets[SITE_ID].astype("str"))
    if POSTCODE in assets.columns and NAME in assets.columns:
        _link_postcode_and_name(assets, links, hints)
    edges = links.edges()
    graph = coo_matrix((np.ones(edges.shape[1]), (edges[0], edges[1])), shape=(n, n))
    _count, labels = connected_components(graph, directed=False)
    return pd.Series(
        _numbered_ids("S", in_order_of_appearance(labels) + 1, 6),
        index=assets.index,
        dtype="string",
        name=SITE_ID,
    )


class _SiteLinks:
    """Pairs of records (by position) that are one site: the edges of the graph
    whose connected components are the sites."""

    def __init__(self, xs: np.ndarray, ys: np.ndarray, distance_m: float) -> None:
        self.xs = xs
        self.ys = ys
        self.distance_m = distance_m
        self.links: list[np.ndarray] = []

    def groups(self, keys: pd.Series) -> None:
        """Records with the same key (missing: none) are one site, however far apart."""
        codes = factorize_codes(keys.reset_index(drop=True))
        valid = codes >= 0
        if valid.any():
            self.first(*first_of_group(codes[valid], np.flatnonzero(valid)), near_only=False)

    def first(self, members: np.ndarray, first: np.ndarray, *, near_only: bool) -> None:
        """Link each member to the first record of its group (only those within
        the distance, with ``near_only``)."""
        xs, ys = self.xs, self.ys
        repeated = members != first
        members, first = members[repeated], first[repeated]
        if near_only:
            close = np.hypot(xs[members] - xs[first], ys[members] - ys[first]) <= self.distance_m
            members, first = members[close], first[close]
        self.links.append(np.stack([members, first]))

    def edges(self) -> np.ndarray:
        """Every link as a 2 x n array."""
        if not self.links:
            return np.empty((2, 0), dtype=np.int64)
        return np.concatenate(self.links, axis=1)


def _link_postcode_and_name(
    assets: gpd.GeoDataFrame, links: _SiteLinks, hints: SiteHints | None
) -> None:
    """Link records at one postcode, close together, with the same plain name,
    and (between agencies) with similar names."""
    n = len(assets)
    names = assets[NAME].astype("str").reset_index(drop=True)
    # Postcode keys and plain names of the distinct values only, spread back
    # as codes (-1: missing).
    if hints is not None and hints.postcode_key_codes is not None:
        key_codes = hints.postcode_key_codes
    else:
        postcode_codes, postcode_values = factorize(assets[POSTCODE])
        key_values = postcode_keys(pd.Series(postcode_values)).astype("str")
        key_codes = spread_codes(postcode_codes, factorize_codes(key_values))
    name_codes, name_values = factorize(names)
    plain_values = _plain_names(pd.Series(name_values, dtype=object)).astype("str")
    plain_of_value = factorize_codes(plain_values)
    plain_codes = spread_codes(name_codes, plain_of_value)
    # Group on (postcode key, plain name) pairs by their codes: the same groups
    # as the joined text "key|plain" (plain names hold no "|").
    both = (key_codes >= 0) & (plain_codes >= 0)
    width = int(plain_of_value.max()) + 1 if len(plain_of_value) else 1
    if both.all():
        members = np.arange(n)
        pair = key_codes * max(width, 1) + plain_codes
    else:
        members = np.flatnonzero(both)
        pair = key_codes[members] * max(width, 1) + plain_codes[members]
    if len(members):
        links.first(*first_of_group(pair, members), near_only=True)
    if AGENCY in assets.columns and assets[AGENCY].nunique() > 1:
        keys = via_uniques(assets[POSTCODE], postcode_keys).reset_index(drop=True)
        links.links.extend(
            _fuzzy_site_links(keys, names, assets[AGENCY], links.xs, links.ys, links.distance_m)
        )


def in_order_of_appearance(labels: np.ndarray) -> np.ndarray:
    """Renumber ``labels`` 0, 1, 2... in the order they first appear.

    SciPy's connected components already come numbered so (each component is
    labelled when its first node is met); one pass checks that, and only
    otherwise are they factorized.
    """
    labels = np.asarray(labels, dtype=np.int64)
    if len(labels) == 0:
        return labels
    highest_before = np.maximum.accumulate(labels)
    if labels[0] == 0 and bool((labels[1:] <= highest_before[:-1] + 1).all()):
        return labels
    return np.asarray(pd.factorize(labels)[0], dtype=np.int64)


def _numbered_ids(
    prefix: str, numbers: np.ndarray, width: int
) -> pd.api.extensions.ExtensionArray:
    """``prefix`` + zero-padded ``numbers`` (as ``str.zfill(width)``), built with numpy.

    Equivalent to ``prefix + pd.Series(numbers).astype(str).str.zfill(width)`` for
    non-negative integers, without formatting a million numbers one by one.
    """
    import pyarrow as pa

    numbers = np.asarray(numbers, dtype=np.int64)
    n = len(numbers)
    top = int(numbers.max()) if n else 0
    digits = max(width, len(str(top)))
    head = prefix.encode()
    if n == 0 or top < 0 or int(numbers.min()) < 0 or not head.isascii():
        text = prefix + pd.Series(numbers).astype(str).str.zfill(width)
        return pd.array(text.to_numpy(dtype=object), dtype="string")
    # A byte matrix, digits right-aligned; numbers longer than ``width`` keep all
    # their digits, shorter ones are padded to ``width`` (as zfill does).
    size = len(head) + digits
    matrix = np.empty((n, size), dtype=np.uint8)
    matrix[:, : len(head)] = np.frombuffer(head, dtype=np.uint8)
    # Digit by digit from the right; 32-bit arithmetic where the numbers allow
    # (twice as fast), and a multiply-subtract in place of a second division.
    rest = numbers.astype(np.int32) if top < 2**31 else numbers.copy()
    for column in range(size - 1, len(head) - 1, -1):
        quotient = rest // 10
        matrix[:, column] = rest - quotient * 10 + ord("0")
        rest = quotient
    if digits == width:
        data = matrix.tobytes()
        offsets = np.arange(0, (n + 1) * size, size, dtype=np.int64)
    else:
        own = np.maximum(np.floor(np.log10(np.maximum(numbers, 1))).astype(np.int64) + 1, 1)
        lengths = np.maximum(own, width)
        keep = np.arange(size)[None, :] >= (size - lengths)[:, None]
        keep[:, : len(head)] = True
        data = matrix[keep].tobytes()
        offsets = np.concatenate([[0], np.cumsum(lengths + len(head))]).astype(np.int64)
    array = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))
    return pd.array(array, dtype="string")


def _plain_names(names: pd.Series) -> pd.Series:
    """Lower case, words only: 'Library, Maidstone' and 'LIBRARY MAIDSTONE' agree."""
    lowered = names.astype("str").str.lower()
    return lowered.str.replace(r"[^a-z0-9]+", " ", regex=True).str.strip()


def _fuzzy_site_links(
    keys: pd.Series,
    names: pd.Series,
    agencies: pd.Series,
    xs: np.ndarray,
    ys: np.ndarray,
    distance_m: float,
) -> list[np.ndarray]:
    """Pairs of records of different agencies at one postcode with similar names."""
    frame = pd.DataFrame(
        {"k": keys.to_numpy(), "a": agencies.astype("str").to_numpy(), "p": np.arange(len(keys))}
    ).dropna(subset=["k"])
    if len(frame) < 2:
        return []
    grouped = frame.groupby("k")["a"]
    shared = (grouped.transform("nunique") > 1) & (grouped.transform("size") <= _SITE_GROUP_LIMIT)
    frame = frame[shared.to_numpy()]
    if len(frame) == 0:
        return []
    pairs = frame.merge(frame, on="k", suffixes=("_a", "_b"))
    pairs = pairs[(pairs["p_a"] < pairs["p_b"]) & (pairs["a_a"] != pairs["a_b"])]
    a = pairs["p_a"].to_numpy()
    b = pairs["p_b"].to_numpy()
    close = np.hypot(xs[a] - xs[b], ys[a] - ys[b]) <= distance_m
    a, b = a[close], b[close]
    if len(a) == 0:
        return []
    values = names.to_numpy(dtype=object)
    tokens = {i: _name_tokens(values[i]) for i in np.unique(np.r_[a, b])}
    alike = np.fromiter(
        (_similar(tokens[i], tokens[j]) for i, j in zip(a, b, strict=True)),
        dtype=bool,
        count=len(a),
    )
    return [np.stack([a[alike], b[alike]])] if alike.any() else []


def first_of_group(keys: np.ndarray, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pair each position with the smallest position that has the same key.

    ``keys`` are non-negative integers and ``positions`` distinct non-negative
    integers, one per key. Returns ``(positions, first)`` in an order of its own.
    Where the key and the position fit together in 63 bits (the usual case), one
    (SIMD) sort of the packed values groups equal keys with positions ascending,
    without an index sort and the gathers it needs.

    Examples
    --------
    >>> first_of_group(np.array([7, 3, 7, 3]), np.array([10, 11, 12, 13]))
    (array([11, 13, 10, 12]), array([11, 11, 10, 10]))
    """
    keys = np.asarray(keys, dtype=np.int64)
    positions = np.asarray(positions, dtype=np.int64)
    if len(keys) == 0:
        return positions, positions.copy()
    shift = max(int(positions.max()).bit_length(), 1)
    if int(keys.max()).bit_length() + shift <= 63:
        packed = np.sort((keys << shift) | positions)
        ordered_keys = packed >> shift
        ordered = packed & ((1 << shift) - 1)
    else:
        order = np.lexsort((positions, keys))  # by key, then position
        ordered_keys, ordered = keys[order], positions[order]
    opens = np.empty(len(keys), dtype=bool)
    opens[0] = True
    np.not_equal(ordered_keys[1:], ordered_keys[:-1], out=opens[1:])
    group = np.cumsum(opens) - 1
    return ordered, ordered[opens][group]
