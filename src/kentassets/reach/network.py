"""Road-network distance: a graph of the base map's roads, shortest paths by Dijkstra.

The roads of an OS GeoPackage (Open Roads, OpenMap Local, Zoomstack; read by
:func:`kentassets.io.basemap.read_road_lines`) become a graph: each line's
vertices are nodes (vertices within 0.5 m are one node, so lines meeting at a
junction connect), each pair of consecutive vertices an edge weighted by its
length. Only the largest connected part is kept, so that no one is snapped to a
stray fragment. A resident or a site joins the graph at its nearest node, and
the straight distance to that node is added to the path (the walk to the road).

Shortest paths come from :func:`scipy.sparse.csgraph.dijkstra`: one multi-source
run finds every resident's nearest site (each site enters through a virtual node
joined to its road node by its snapping distance); the sites' catchments within
a distance are runs limited to that distance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from scipy import sparse
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from ..errors import ValidationError
from .columns import NETWORK
from .distance import pairs_of

#: Vertices closer than this are one node (metres).
SNAP_TOLERANCE_M = 0.5
#: Weight of a zero-length edge (csgraph drops explicit zeros on some paths).
_TINY_M = 1e-6


@dataclass(frozen=True)
class RoadNetwork:
    """A road graph in British National Grid metres.

    Attributes
    ----------
    x, y
        Node coordinates.
    graph
        Symmetric CSR matrix of edge lengths, metres.
    """

    x: np.ndarray
    y: np.ndarray
    graph: sparse.csr_matrix
    method: str = NETWORK

    @classmethod
    def from_lines(cls, lines: np.ndarray | list[shapely.Geometry]) -> RoadNetwork:
        """Build the graph of line geometries (LineString or MultiLineString).

        Raises
        ------
        ValidationError
            When there are no road lines to build a graph from.

        Examples
        --------
        >>> from shapely.geometry import LineString
        >>> net = RoadNetwork.from_lines([LineString([(0, 0), (100, 0)]),
        ...                               LineString([(100, 0), (100, 50)])])
        >>> len(net.x), float(net.graph.sum()) / 2
        (3, 150.0)
        """
        parts = shapely.get_parts(np.asarray(lines, dtype=object))
        parts = parts[shapely.get_type_id(parts) == 1] if len(parts) else parts
        coords, which = shapely.get_coordinates(parts, return_index=True)
        if len(coords) < 2:
            raise ValidationError(
                "reach_distance='network' needs roads: the base map has no road lines in "
                "the study area. Give an OS Open Roads, OpenMap Local or Zoomstack "
                "GeoPackage (--basemap), or use straight-line distance."
            )
        keys = np.round(coords / SNAP_TOLERANCE_M).astype(np.int64)
        uniq, node = np.unique(keys, axis=0, return_inverse=True)
        node = node.ravel()
        same_line = which[1:] == which[:-1]
        a, b = node[:-1][same_line], node[1:][same_line]
        length = np.hypot(*(coords[1:][same_line] - coords[:-1][same_line]).T)
        keep = a != b
        a, b, length = a[keep], b[keep], length[keep]
        low, high = np.minimum(a, b), np.maximum(a, b)
        order = np.lexsort((length, high, low))  # the shortest of repeated edges first
        low, high, length = low[order], high[order], length[order]
        first = np.r_[True, (low[1:] != low[:-1]) | (high[1:] != high[:-1])]
        low, high, length = low[first], high[first], np.maximum(length[first], _TINY_M)
        n = len(uniq)
        graph = sparse.coo_matrix((np.r_[length, length], (np.r_[low, high], np.r_[high, low])),
                                  shape=(n, n)).tocsr()
        xy = uniq.astype(np.float64) * SNAP_TOLERANCE_M
        return _largest_part(xy[:, 0], xy[:, 1], graph)

    def snap(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The nearest node of each point and the straight distance to it, metres."""
        if len(x) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        dist, node = cKDTree(np.column_stack([self.x, self.y])).query(
            np.column_stack([x, y]))
        return np.asarray(node, dtype=np.int64), np.asarray(dist, dtype=np.float64)

    def _with_sites(self, sx: np.ndarray, sy: np.ndarray) -> tuple[sparse.csr_matrix,
                                                                     np.ndarray]:
        """The graph with one virtual node per site, joined to its road node."""
        n, m = len(self.x), len(sx)
        node, offset = self.snap(sx, sy)
        virtual = n + np.arange(m)
        links = sparse.coo_matrix((np.maximum(offset, _TINY_M), (virtual, node)),
                                  shape=(n + m, n + m))
        base = sparse.block_diag([self.graph, sparse.csr_matrix((m, m))], format="csr")
        return (base + links + links.T).tocsr(), virtual

    def nearest(self, px: np.ndarray, py: np.ndarray, sx: np.ndarray, sy: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
        """Network distance to the nearest site (``inf``: none reachable), and which."""
        if len(sx) == 0 or len(px) == 0:
            return np.full(len(px), np.inf), np.full(len(px), -1, dtype=np.int64)
        graph, virtual = self._with_sites(sx, sy)
        dist, _, sources = dijkstra(graph, directed=False, indices=virtual, min_only=True,
                                    return_predecessors=True)
        node, offset = self.snap(px, py)
        found = sources[node]
        site = np.where(found >= 0, found - len(self.x), -1).astype(np.int64)
        return dist[node] + offset, site

    def covering(self, px: np.ndarray, py: np.ndarray, sx: np.ndarray, sy: np.ndarray,
                 radius_m: float) -> list[np.ndarray]:
        """Per site, the points within ``radius_m`` along the roads (one bounded run each)."""
        node, offset = self.snap(px, py)
        site_node, site_offset = self.snap(sx, sy)
        out = []
        for start, walk in zip(site_node, site_offset, strict=True):
            budget = radius_m - walk
            if budget < 0:
                out.append(np.zeros(0, dtype=np.int64))
                continue
            dist = dijkstra(self.graph, directed=False, indices=int(start), limit=budget)
            out.append(np.flatnonzero(dist[node] + offset <= budget).astype(np.int64))
        return out

    def covering_pairs(self, px: np.ndarray, py: np.ndarray, sx: np.ndarray, sy: np.ndarray,
                       radius_m: float) -> tuple[np.ndarray, np.ndarray]:
        """Every (site, point) pair within ``radius_m`` along the roads."""
        return pairs_of(self.covering(px, py, sx, sy, radius_m))


def _largest_part(x: np.ndarray, y: np.ndarray, graph: sparse.csr_matrix) -> RoadNetwork:
    """The network of the largest connected part of ``graph``."""
    _, label = connected_components(graph, directed=False)
    keep = np.flatnonzero(label == np.bincount(label).argmax())
    return RoadNetwork(x[keep], y[keep], graph[keep][:, keep].tocsr())
