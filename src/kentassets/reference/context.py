"""Map context: towns, coast, water, built-up areas, roads and rail under the assets.

Pure computation on a :class:`MapContext`, the set of context layers a map draws
beneath the agencies' assets. :mod:`kentassets.io.context` reads the England-wide
context shipped with the package; :mod:`kentassets.io.basemap` reads a council's
own Ordnance Survey GeoPackage. Both return a :class:`MapContext`, and
:func:`combine_context` lets the OS layers replace the built-in ones.

This module chooses what to draw: :func:`select_places` picks the places to
label for the districts and the map scale, :func:`apply_place_overrides` fixes
or adds gazetteer entries, and :func:`clip_context` cuts every layer to a box.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..errors import ValidationError
from ..schema import CRS, GEOMETRY

# --- layer columns ------------------------------------------------------------
#: Place name as it should be printed.
PLACE_NAME: Final = "name"
#: Residents (GeoNames); missing where unknown or where the name comes from OS.
PLACE_POPULATION: Final = "population"
#: 1 city, 2 large town, 3 town, 4 village, 5 hamlet: smaller is more important.
PLACE_RANK: Final = "rank"
#: Sort key for labelling, larger first: population, or a nominal one by rank.
PLACE_IMPORTANCE: Final = "importance"
#: GeoNames id for gazetteer places (0 for places added by overrides or from OS).
PLACE_ID: Final = "geonameid"
#: What a feature is: ``land``, ``lake``, ``river``, ``tidal``, ``foreshore``, ``builtup``...
KIND: Final = "kind"
#: Road class: one of :data:`ROAD_CLASSES`.
ROAD_CLASS: Final = "road_class"
#: Road classes, most important first.
ROAD_CLASSES: Final = ("motorway", "a_road", "b_road", "minor")

#: Population limits of ranks 1 to 4 (rank 5 is anything smaller).
RANK_POPULATION: Final = (100_000, 20_000, 5_000, 1_000)
#: Nominal population of a place known only by its rank (OS names, overrides).
NOMINAL_POPULATION: Final = {1: 200_000, 2: 40_000, 3: 10_000, 4: 2_000, 5: 500}
#: The least important rank labelled at a map scale, by largest scale denominator.
_RANK_BY_SCALE: Final = ((80_000, 5), (250_000, 4), (600_000, 3), (1_500_000, 2))

_LAYER_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "land": (KIND,),
    "water": (KIND,),
    "builtup": (KIND,),
    "places": (PLACE_ID, PLACE_NAME, PLACE_POPULATION, PLACE_RANK, PLACE_IMPORTANCE),
    "roads": (ROAD_CLASS, PLACE_NAME),
    "rail": (KIND,),
}
_OVERRIDE_ACTIONS: Final = ("drop", "set", "add")


def empty_layer(layer: str) -> gpd.GeoDataFrame:
    """An empty context layer with its columns, in EPSG:27700.

    Parameters
    ----------
    layer
        One of ``land``, ``water``, ``builtup``, ``places``, ``roads``, ``rail``.

    Examples
    --------
    >>> list(empty_layer("roads").columns)
    ['road_class', 'name', 'geometry']
    """
    columns = {name: pd.Series([], dtype=object) for name in _LAYER_COLUMNS[layer]}
    return gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries([], crs=CRS), crs=CRS)


@dataclass(frozen=True, eq=False)
class MapContext:
    """The context layers of one map, all in EPSG:27700.

    Attributes
    ----------
    land
        Land polygons; the sea is wherever there is no land.
    water
        Lakes, tidal water and foreshore (polygons) and rivers (lines), ``kind`` column.
    builtup
        Built-up area polygons.
    places
        Points with ``geonameid``, ``name``, ``population``, ``rank``, ``importance``.
    roads
        Lines with ``road_class`` (:data:`ROAD_CLASSES`) and ``name``.
    rail
        Railway lines.
    sources
        The attribution line of each layer's source, by layer name; see
        :meth:`attribution`.
    """

    land: gpd.GeoDataFrame
    water: gpd.GeoDataFrame
    builtup: gpd.GeoDataFrame
    places: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    rail: gpd.GeoDataFrame
    sources: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def empty(cls) -> MapContext:
        """A context with no features and no sources."""
        return cls(**{name: empty_layer(name) for name in _LAYER_COLUMNS})

    def layers(self) -> dict[str, gpd.GeoDataFrame]:
        """The layers by name, in drawing order (bottom first)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "sources"}

    @property
    def is_empty(self) -> bool:
        """True when no layer has a feature."""
        return all(len(frame) == 0 for frame in self.layers().values())

    def attribution(self) -> list[str]:
        """The attribution lines of the sources of the layers that have features.

        Each source once, in layer order; what a map must print beside the context.
        """
        lines: list[str] = []
        for name, frame in self.layers().items():
            line = self.sources.get(name)
            if len(frame) and line and line not in lines:
                lines.append(line)
        return lines


def place_rank(population: pd.Series) -> pd.Series:
    """Rank places by population: 1 (100,000 and over) to 5 (under 1,000).

    Missing populations rank as villages (4).

    Examples
    --------
    >>> place_rank(pd.Series([125_000, 30_000, 6_000, 1_500, 600, None])).tolist()
    [1, 2, 3, 4, 5, 4]
    """
    values = pd.to_numeric(population, errors="coerce").to_numpy(dtype=float)
    rank = np.full(len(values), 5, dtype="int64")
    for level, limit in reversed(list(enumerate(RANK_POPULATION, start=1))):
        rank[values >= limit] = level
    rank[np.isnan(values)] = 4
    return pd.Series(rank, index=population.index, name=PLACE_RANK)


def max_rank_for_scale(scale_denominator: float) -> int:
    """The least important place rank worth labelling at a map scale.

    Parameters
    ----------
    scale_denominator
        ``100_000`` for a 1:100,000 map.

    Examples
    --------
    >>> [max_rank_for_scale(s) for s in (25_000, 150_000, 400_000, 1_000_000, 5_000_000)]
    [5, 4, 3, 2, 1]
    """
    if not np.isfinite(scale_denominator) or scale_denominator <= 0:
        raise ValidationError(f"scale_denominator must be positive, got {scale_denominator}")
    for limit, rank in _RANK_BY_SCALE:
        if scale_denominator <= limit:
            return rank
    return 1


def places_frame(
    names: Iterable[str],
    easting: Iterable[float],
    northing: Iterable[float],
    *,
    population: Iterable[float | None] | None = None,
    rank: Iterable[int] | None = None,
    geonameid: Iterable[int] | None = None,
) -> gpd.GeoDataFrame:
    """Build a places layer, ranking by population or population by rank.

    Parameters
    ----------
    names, easting, northing
        Name and BNG position of each place.
    population
        Residents; missing values allowed. Used for ``rank`` when ``rank`` is not given.
    rank
        Rank 1 to 5, for places known only by their class (OS names).
    geonameid
        GeoNames ids; 0 when not given.

    Examples
    --------
    >>> frame = places_frame(["Deal", "Worth"], [637699, 633734], [152610, 156123],
    ...                      population=[30917, 634])
    >>> frame[["name", "rank", "importance"]].values.tolist()
    [['Deal', 2, 30917.0], ['Worth', 5, 634.0]]
    """
    name_list = [str(n) for n in names]
    size = len(name_list)
    pop = pd.Series(
        list(population) if population is not None else [None] * size, dtype="Float64"
    )
    ranks = pd.Series(list(rank), dtype="int64") if rank is not None else place_rank(pop)
    nominal = ranks.map(NOMINAL_POPULATION).astype(float)
    importance = pop.astype(float).fillna(nominal) if population is not None else nominal
    ids = list(geonameid) if geonameid is not None else [0] * size
    frame = pd.DataFrame(
        {
            PLACE_ID: pd.Series(ids, dtype="int64"),
            PLACE_NAME: pd.Series(name_list, dtype=object),
            PLACE_POPULATION: pop,
            PLACE_RANK: ranks.astype("int64"),
            PLACE_IMPORTANCE: importance.astype(float).to_numpy(),
        }
    )
    points = shapely.points(
        np.asarray(list(easting), dtype=float), np.asarray(list(northing), dtype=float)
    )
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(points, crs=CRS), crs=CRS)


def apply_place_overrides(
    places: gpd.GeoDataFrame, overrides: pd.DataFrame, *, source: str = "overrides"
) -> gpd.GeoDataFrame:
    """Drop, correct or add gazetteer places.

    Parameters
    ----------
    places
        A places layer (see :func:`places_frame`).
    overrides
        One row per change, columns ``name`` and ``action`` (``drop``, ``set`` or
        ``add``) and, as needed, ``geonameid`` (picks one of several places of the
        same name), ``new_name``, ``population`` (blank: unknown, ranked as a
        village), ``easting`` and ``northing`` (BNG metres, required to add).
    source
        Where the overrides come from, for error messages.

    Returns
    -------
    geopandas.GeoDataFrame
        A new places layer; ``places`` is not changed.

    Raises
    ------
    ValidationError
        For an unknown action, a name not in the gazetteer, or an ``add`` without
        a position; every problem is listed at once with its row.

    Examples
    --------
    >>> places = places_frame(["Saint Peters", "Deal"], [638400, 637699], [168200, 152610],
    ...                       population=[125370, 30917], geonameid=[2638703, 2651468])
    >>> fixes = pd.DataFrame({"name": ["Saint Peters", "Sandwich"], "action": ["set", "add"],
    ...                       "population": [None, 4851], "easting": [None, 632911],
    ...                       "northing": [None, 157857]})
    >>> apply_place_overrides(places, fixes)[["name", "rank"]].values.tolist()
    [['Saint Peters', 4], ['Deal', 2], ['Sandwich', 4]]
    """
    out = places.copy()
    rows = _override_rows(overrides)
    problems: list[str] = []
    added = []
    for number, row in rows:
        where = f"{source}, row {number}"
        if row["action"] == "add":
            added.append(_added_place(row, where, problems))
            continue
        match = _match_place(out, row)
        if not match.any():
            problems.append(f"{where}: no place named {row['name']!r} to {row['action']}")
        elif row["action"] == "drop":
            out = out[~match]
        else:
            out = _set_place(out, match, row)
    if problems:
        raise ValidationError(
            "Place overrides could not be applied: " + "; ".join(problems) + ". Correct the "
            "name (as spelt on the map) or the action (drop, set or add)."
        )
    frames = [out, *[frame for frame in added if frame is not None]]
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=CRS)


def _override_rows(overrides: pd.DataFrame) -> list[tuple[int, dict[str, object]]]:
    lower = {str(c).strip().lower(): c for c in overrides.columns}
    missing = [c for c in ("name", "action") if c not in lower]
    if missing:
        raise ValidationError(
            f"Place overrides need the columns name and action; missing {', '.join(missing)}."
        )
    rows = []
    for number, (_, raw) in enumerate(overrides.iterrows(), start=2):
        row = {key: raw[col] for key, col in lower.items()}
        row["name"] = str(row["name"]).strip()
        row["action"] = str(row["action"]).strip().lower()
        if row["action"] not in _OVERRIDE_ACTIONS:
            raise ValidationError(
                f"Place overrides, row {number}: action {row['action']!r} is not one of "
                f"{', '.join(_OVERRIDE_ACTIONS)}."
            )
        rows.append((number, row))
    return rows


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA or (
        isinstance(value, str) and not value.strip()
    )


def _match_place(places: gpd.GeoDataFrame, row: dict[str, object]) -> pd.Series:
    match = places[PLACE_NAME].str.casefold() == str(row["name"]).casefold()
    if not _blank(row.get("geonameid")):
        match &= places[PLACE_ID] == int(float(str(row["geonameid"])))
    return match


def _set_place(
    places: gpd.GeoDataFrame, match: pd.Series, row: dict[str, object]
) -> gpd.GeoDataFrame:
    out = places.copy()
    if not _blank(row.get("new_name")):
        out.loc[match, PLACE_NAME] = str(row["new_name"]).strip()
    if "population" in row:
        population = None if _blank(row["population"]) else float(str(row["population"]))
        out[PLACE_POPULATION] = out[PLACE_POPULATION].astype("Float64")
        out.loc[match, PLACE_POPULATION] = population
        rank = place_rank(pd.Series([population], dtype="Float64"))[0]
        out.loc[match, PLACE_RANK] = rank
        out.loc[match, PLACE_IMPORTANCE] = (
            population if population is not None else NOMINAL_POPULATION[int(rank)]
        )
    if not (_blank(row.get("easting")) or _blank(row.get("northing"))):
        point = shapely.points(float(str(row["easting"])), float(str(row["northing"])))
        out.loc[match, GEOMETRY] = point
    return out


def _added_place(
    row: dict[str, object], where: str, problems: list[str]
) -> gpd.GeoDataFrame | None:
    if _blank(row.get("easting")) or _blank(row.get("northing")):
        problems.append(f"{where}: adding {row['name']!r} needs easting and northing")
        return None
    population = None if _blank(row.get("population")) else float(str(row["population"]))
    return places_frame(
        [str(row["name"])],
        [float(str(row["easting"]))],
        [float(str(row["northing"]))],
        population=[population],
    )


def select_places(
    places: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame | None = None,
    *,
    bounds_m: tuple[float, float, float, float] | None = None,
    max_rank: int = 5,
    max_places: int | None = None,
) -> gpd.GeoDataFrame:
    """The places worth labelling, most important first.

    Parameters
    ----------
    places
        A places layer.
    districts
        Keep only places inside these district polygons (the project's own
        boundaries), so a place of a neighbouring county is never labelled as
        if it were in the study area. ``None`` keeps places anywhere.
    bounds_m
        Keep only places inside this ``(minx, miny, maxx, maxy)`` box.
    max_rank
        Least important rank kept (see :func:`max_rank_for_scale`).
    max_places
        Keep at most this many.

    Returns
    -------
    geopandas.GeoDataFrame
        Sorted by importance (largest first), then name, then GeoNames id.

    Examples
    --------
    >>> districts = gpd.GeoDataFrame(geometry=[shapely.box(620000, 130000, 640000, 160000)],
    ...                              crs=CRS)
    >>> places = places_frame(["Deal", "Grays"], [637699, 561000], [152610, 178000],
    ...                       population=[30917, 36601])
    >>> select_places(places, districts)["name"].tolist()
    ['Deal']
    """
    keep = places[places[PLACE_RANK] <= max_rank]
    if bounds_m is not None:
        minx, miny, maxx, maxy = bounds_m
        keep = keep.cx[minx:maxx, miny:maxy]
    if districts is not None and len(keep):
        area = shapely.union_all(districts.geometry.to_numpy())
        shapely.prepare(area)
        keep = keep[shapely.contains(area, keep.geometry.to_numpy())]
    order = np.lexsort(
        (
            keep[PLACE_ID].to_numpy(),
            keep[PLACE_NAME].to_numpy(dtype=str),
            -keep[PLACE_IMPORTANCE].to_numpy(dtype=float),
        )
    )
    keep = keep.iloc[order]
    if max_places is not None:
        keep = keep.iloc[:max_places]
    return keep


def study_area_context(districts: gpd.GeoDataFrame, context: MapContext) -> MapContext:
    """``context`` with only the places inside ``districts`` named (:func:`select_places`).

    The renderers draw a context already read (``kentassets.io.context.study_context``
    reads one and calls this); applying it twice changes nothing.
    """
    return replace(context, places=select_places(context.places, districts))


def clip_context(context: MapContext, bounds_m: tuple[float, float, float, float]) -> MapContext:
    """Cut every layer of a context to a box.

    Parameters
    ----------
    context
        The context to clip.
    bounds_m
        ``(minx, miny, maxx, maxy)`` in BNG metres.

    Returns
    -------
    MapContext
        Features wholly outside the box are dropped and the rest cut at its edge.
    """
    clipped = {}
    for name, frame in context.layers().items():
        clipped[name] = _clip_frame(frame, bounds_m)
    return replace(context, **clipped)


def _clip_frame(
    frame: gpd.GeoDataFrame, bounds_m: tuple[float, float, float, float]
) -> gpd.GeoDataFrame:
    if len(frame) == 0:
        return frame
    minx, miny, maxx, maxy = bounds_m
    near = frame.cx[minx:maxx, miny:maxy]
    geometry = shapely.clip_by_rect(near.geometry.to_numpy(), minx, miny, maxx, maxy)
    out = near.copy()
    out[GEOMETRY] = geometry
    out = out[~shapely.is_empty(geometry)]
    return gpd.GeoDataFrame(out.reset_index(drop=True), crs=frame.crs)


def combine_context(builtin: MapContext, basemap: MapContext) -> MapContext:
    """Overlay a council's OS base map on the built-in context.

    Every layer the base map has replaces the built-in one (its names replace
    the gazetteer, its urban areas the postcode-density shading, its water the
    GSHHG lakes and rivers); the other layers stay, each with its own source.

    Examples
    --------
    >>> builtin = replace(MapContext.empty(), sources={"places": "GeoNames"})
    >>> roads = gpd.GeoDataFrame({"road_class": ["a_road"], "name": ["A2"]},
    ...                          geometry=[shapely.LineString([(0, 0), (1, 1)])], crs=CRS)
    >>> os_map = replace(MapContext.empty(), roads=roads, sources={"roads": "OS"})
    >>> combined = combine_context(builtin, os_map)
    >>> len(combined.roads), combined.attribution()
    (1, ['OS'])
    """
    layers: dict[str, gpd.GeoDataFrame] = {}
    sources: dict[str, str] = {}
    for name, frame in builtin.layers().items():
        own = getattr(basemap, name)
        chosen = basemap if len(own) else builtin
        layers[name] = own if len(own) else frame
        if name in chosen.sources:
            sources[name] = chosen.sources[name]
    return MapContext(**layers, sources=sources)


def simplify_context(context: MapContext, tolerance_m: float) -> MapContext:
    """Simplify every line and polygon layer (topology kept); places are unchanged.

    Parameters
    ----------
    context
        The context to simplify.
    tolerance_m
        Douglas-Peucker tolerance in metres; parts that vanish are dropped.

    Examples
    --------
    >>> river = gpd.GeoDataFrame({"kind": ["river"]}, crs=CRS, geometry=[
    ...     shapely.LineString([(x, (x % 2) * 0.5) for x in range(100)])])
    >>> simple = simplify_context(replace(MapContext.empty(), water=river), 5.0)
    >>> int(shapely.get_num_coordinates(simple.water.geometry[0]))
    2
    """
    simplified = {}
    for name, frame in context.layers().items():
        if name == "places" or len(frame) == 0:
            simplified[name] = frame
            continue
        geometry = shapely.simplify(frame.geometry.to_numpy(), tolerance_m, preserve_topology=True)
        out = frame.copy()
        out[GEOMETRY] = geometry
        simplified[name] = out[~shapely.is_empty(geometry)].reset_index(drop=True)
    return replace(context, **simplified)
