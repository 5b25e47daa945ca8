"""A council's own OS GeoPackage as base map: recognised by its layers, read in a box."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from kentassets.context import PLACE_NAME, PLACE_RANK, ROAD_CLASS, combine_context

from kentassets.errors import BasemapError, KentAssetsError
from kentassets.io.basemap import detect_product, layer_key, read_basemap
from kentassets.io.context import read_context
from kentassets.schema import CRS

#: A box around Faversham (Swale); features outside it must not be read.
BOX = (595_000.0, 155_000.0, 610_000.0, 168_000.0)
FAR = shapely.LineString([(400_000, 300_000), (401_000, 301_000)])


def _line(x: float, y: float) -> shapely.LineString:
    return shapely.LineString([(x, y), (x + 2_000, y + 500)])


def _square(x: float, y: float, size: float = 800) -> shapely.Polygon:
    return shapely.box(x, y, x + size, y + size)


def _write(path: Path, layers: dict[str, gpd.GeoDataFrame]) -> Path:
    for name, frame in layers.items():
        frame.to_file(path, layer=name, driver="GPKG")
    return path


def _frame(rows: dict[str, list[object]], geometry: list[shapely.Geometry]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(rows, geometry=geometry, crs=CRS)


@pytest.fixture
def zoomstack(tmp_path: Path) -> Path:
    return _write(
        tmp_path / "OS_Open_Zoomstack.gpkg",
        {
            "roads_national": _frame(
                {"type": ["Motorway", "Motorway"], "name": ["M2", "M6"]},
                [_line(596_000, 158_000), FAR],
            ),
            "roads_regional": _frame(
                {"type": ["A Road", "B Road"], "name": ["A2", "B2040"]},
                [_line(600_000, 160_000), _line(602_000, 162_000)],
            ),
            "roads_local": _frame({"type": ["Minor"], "name": [""]}, [_line(603_000, 163_000)]),
            "rail": _frame({"type": ["Multi Track"]}, [_line(599_000, 161_000)]),
            "names": _frame(
                {"name": ["Faversham", "Ospringe", "Oare Marshes", "Carlisle"],
                 "type": ["Town", "Village", "Landcover", "City"]},
                [shapely.Point(601_400, 161_300), shapely.Point(600_000, 160_000),
                 shapely.Point(601_000, 164_000), shapely.Point(340_000, 555_000)],
            ),
            "urban_areas": _frame({"type": ["National"]}, [_square(600_800, 160_800)]),
            "surfacewater": _frame({"type": ["Local"]}, [_square(605_000, 166_000, 300)]),
            "waterlines": _frame({"type": ["MHW"]}, [_line(604_000, 166_500)]),
        },
    )


def _openmap_local(path: Path, names: dict[str, str]) -> Path:
    return _write(
        path,
        {
            names["road"]: _frame(
                {"classification": ["Motorway", "A Road", "Primary Road", "B Road",
                                    "Local Street"],
                 "road_number": ["M2", "A2", "A299", "B2045", ""]},
                [_line(596_000, 158_000), _line(600_000, 160_000), _line(601_000, 166_000),
                 _line(602_000, 162_000), _line(603_000, 163_000)],
            ),
            names["named_place"]: _frame(
                {"distinctive_name": ["Faversham", "Oare", "Blean Woods"],
                 "classification": ["Populated Place", "Populated Place", "Woodland Or Forest"],
                 "fontheight": ["Large", "Small", "Medium"]},
                [shapely.Point(601_400, 161_300), shapely.Point(601_000, 163_000),
                 shapely.Point(609_000, 160_000)],
            ),
            names["surface_water_area"]: _frame({"feature_code": [1]}, [_square(605_000, 166_000)]),
            names["tidal_water"]: _frame({"feature_code": [2]}, [_square(606_000, 167_000)]),
            names["railway_track"]: _frame({"feature_code": [3]}, [_line(599_000, 161_000)]),
        },
    )


SNAKE = {n: n for n in ("road", "named_place", "surface_water_area", "tidal_water",
                        "railway_track")}
CAMEL = {"road": "Road", "named_place": "NamedPlace", "surface_water_area": "SurfaceWater_Area",
         "tidal_water": "TidalWater", "railway_track": "RailwayTrack"}


def test_layer_names_match_ignoring_case_and_underscores() -> None:
    assert layer_key("SurfaceWater_Area") == layer_key("surface_water_area")
    product, _ = detect_product(["ROADS_NATIONAL", "Names", "urban_areas"])
    assert product.name == "OS Open Zoomstack"
    product, found = detect_product(["RoadLink", "RoadNode"])
    assert product.name == "OS Open Roads" and found["roadlink"] == "RoadLink"


def test_zoomstack_is_recognised_and_its_roads_read(zoomstack: Path) -> None:
    context = read_basemap(zoomstack, BOX)
    roads = context.roads
    assert sorted(roads[ROAD_CLASS]) == ["a_road", "b_road", "motorway"]
    assert "M6" not in set(roads[PLACE_NAME])  # outside the box, not read
    assert len(context.rail) == 1 and len(context.builtup) == 1
    assert sorted(context.water["kind"]) == ["lake", "river"]
    places = context.places.set_index(PLACE_NAME)[PLACE_RANK].to_dict()
    assert places == {"Faversham": 2, "Ospringe": 4}  # landcover names are not places
    assert context.attribution() == [
        "Contains OS data © Crown copyright and database right (OS Open Zoomstack)"
    ]
    with_minor = read_basemap(zoomstack, BOX, include_minor_roads=True)
    assert "minor" in set(with_minor.roads[ROAD_CLASS])


@pytest.mark.parametrize("names", [SNAKE, CAMEL], ids=["snake_case", "CamelCase"])
def test_openmap_local_is_recognised_in_both_spellings(tmp_path: Path, names: dict) -> None:
    path = _openmap_local(tmp_path / "opmplc_gb.gpkg", names)
    context = read_basemap(path, BOX)
    assert sorted(context.roads[ROAD_CLASS]) == ["a_road", "a_road", "b_road", "motorway"]
    assert set(context.roads[PLACE_NAME]) == {"M2", "A2", "A299", "B2045"}
    assert context.places.set_index(PLACE_NAME)[PLACE_RANK].to_dict() == {
        "Faversham": 2, "Oare": 4
    }
    assert sorted(context.water["kind"]) == ["lake", "tidal"]
    assert len(context.rail) == 1
    assert "OS OpenMap Local" in context.attribution()[0]


def test_open_roads_road_link(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "oproad_gb.gpkg",
        {
            "road_link": _frame(
                {"road_classification": ["Motorway", "A Road", "Unclassified"],
                 "road_classification_number": ["M2", "A251", ""],
                 "name_1": ["", "Ashford Road", "Love Lane"]},
                [_line(596_000, 158_000), _line(600_000, 160_000), _line(603_000, 163_000)],
            ),
            "road_node": _frame(
                {"form_of_road_node": ["junction"]}, [shapely.Point(600_000, 160_000)]
            ),
        },
    )
    context = read_basemap(path, BOX)
    assert context.roads[ROAD_CLASS].tolist() == ["motorway", "a_road"]
    assert context.roads[PLACE_NAME].tolist() == ["M2", "A251"]
    assert len(context.places) == 0


def test_a_basemap_in_wgs84_is_read_in_the_study_box(tmp_path: Path) -> None:
    roads = _frame({"type": ["A Road"], "name": ["A2"]}, [_line(600_000, 160_000)])
    names = _frame({"name": ["Faversham"], "type": ["Town"]}, [shapely.Point(601_400, 161_300)])
    path = _write(
        tmp_path / "zoomstack_wgs84.gpkg",
        {"roads_regional": roads.to_crs(4326), "names": names.to_crs(4326)},
    )
    context = read_basemap(path, BOX)
    assert context.roads.crs == CRS
    assert context.roads.geometry.iloc[0].distance(_line(600_000, 160_000)) < 1.0


def test_basemap_names_replace_the_gazetteer(zoomstack: Path) -> None:
    combined = combine_context(read_context(BOX), read_basemap(zoomstack, BOX))
    assert set(combined.places[PLACE_NAME]) == {"Faversham", "Ospringe"}
    assert len(combined.land) > 0  # coast still from the built-in context
    lines = combined.attribution()
    assert any("GSHHG" in line for line in lines)
    assert any("OS Open Zoomstack" in line for line in lines)
    assert not any("GeoNames" in line for line in lines)


def test_a_file_that_is_no_os_product_is_refused_naming_its_layers(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "parcels.gpkg",
        {"parcels": _frame({"id": [1]}, [_square(600_000, 160_000)]),
         "trees": _frame({"id": [2]}, [shapely.Point(600_000, 160_000)])},
    )
    with pytest.raises(BasemapError) as info:
        read_basemap(path, BOX)
    message = str(info.value)
    assert "not an OS Open Zoomstack, OS OpenMap Local or OS Open Roads" in message
    assert "layers found: parcels, trees" in message
    assert "\n" not in message
    assert isinstance(info.value, KentAssetsError)


def test_a_basemap_without_features_in_the_study_area_is_refused(zoomstack: Path) -> None:
    with pytest.raises(BasemapError, match=r"no features inside the study area .* layers found: "):
        read_basemap(zoomstack, (100_000, 100_000, 110_000, 110_000))


def test_missing_or_unreadable_basemap_files(tmp_path: Path) -> None:
    with pytest.raises(BasemapError, match="base map file not found"):
        read_basemap(tmp_path / "nowhere.gpkg", BOX)
    text = tmp_path / "notes.gpkg"
    text.write_text("not a geopackage")
    with pytest.raises(BasemapError, match="cannot be read as a GeoPackage"):
        read_basemap(text, BOX)


def test_load_map_context_puts_the_basemap_on_the_built_in_context(zoomstack: Path) -> None:
    from kentassets.io.context import load_map_context

    plain = load_map_context(BOX)
    assert "Faversham" in set(plain.places[PLACE_NAME]) and len(plain.roads) == 0
    with_os = load_map_context(BOX, basemap=zoomstack)
    assert set(with_os.places[PLACE_NAME]) == {"Faversham", "Ospringe"}
    assert len(with_os.roads) == 3 and len(with_os.land) > 0
