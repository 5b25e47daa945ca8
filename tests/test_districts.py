"""Tests for kentassets.districts: loading, assignment and derived boundaries."""

from __future__ import annotations

import logging
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from kentassets.districts import (
    assign_districts,
    derive_districts,
    load_districts,
)
from kentassets.errors import BoundaryDataError, CoordinateSystemError, ValidationError
from kentassets.io import boundaries as bio
from kentassets.render.style import DERIVED_BOUNDARY_NOTE
from kentassets.schema import (
    CRS,
    DEFAULT_STUDY_AREA,
    DISTRICT_CODE,
    DISTRICT_METHOD,
    DISTRICT_METHODS,
    DISTRICT_NAME,
    KENT_AND_MEDWAY,
)

logger = logging.getLogger(__name__)

OFFICIAL_BSC = "boundaries/lad_may2024_bsc_kent_medway.geojson"
CODEPOINT = "postcodes/codepoint_open_2025_4_kent_medway.csv"

# Three synthetic 10 km squares in a row, in Kent's part of the grid.
SQUARES = {
    "E07000901": ("Westshire", box(550_000, 150_000, 560_000, 160_000)),
    "E07000902": ("Midshire", box(560_000, 150_000, 570_000, 160_000)),
    "E07000903": ("Eastshire", box(570_000, 150_000, 580_000, 160_000)),
}
SQUARE_CODES = tuple(SQUARES)


def _square_frame(year: str = "21", *, crs: str = CRS) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(
        {
            f"LAD{year}CD": list(SQUARES),
            f"LAD{year}NM": [name for name, _ in SQUARES.values()],
            "OBJECTID": [1, 2, 3],
        },
        geometry=[geom for _, geom in SQUARES.values()],
        crs=CRS,
    )
    return frame.to_crs(crs)


@pytest.fixture
def square_districts() -> gpd.GeoDataFrame:
    frame = _square_frame()
    return gpd.GeoDataFrame(
        {DISTRICT_CODE: list(SQUARES), DISTRICT_NAME: [n for n, _ in SQUARES.values()]},
        geometry=frame.geometry.to_numpy(),
        crs=CRS,
    )


# --- load_districts with a file ---------------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "driver", "year", "crs"),
    [
        (".geojson", "GeoJSON", "24", "EPSG:4326"),
        (".gpkg", "GPKG", "21", CRS),
        (".shp", "ESRI Shapefile", "19", "EPSG:3857"),
    ],
)
def test_load_districts_reads_any_vintage_format_and_crs(
    tmp_path: Path, suffix: str, driver: str, year: str, crs: str
) -> None:
    path = tmp_path / f"lad{suffix}"
    frame = _square_frame(year, crs=crs)
    frame.columns = [c.lower() if c.startswith("LAD") and year == "19" else c
                     for c in frame.columns]
    frame.to_file(path, driver=driver)
    out = load_districts(path, codes=SQUARE_CODES[::-1], cache_dir=tmp_path / "cache")
    assert list(out.columns) == [DISTRICT_CODE, DISTRICT_NAME, "geometry"]
    assert out[DISTRICT_CODE].tolist() == list(SQUARE_CODES[::-1])
    assert out[DISTRICT_NAME].tolist() == ["Eastshire", "Midshire", "Westshire"]
    assert out.crs == CRS
    assert out.attrs["boundary_source"] == "official"
    assert "ONS" in out.attrs["source_note"]
    np.testing.assert_allclose(out.area.to_numpy(), 1e8, rtol=1e-3)


def test_load_districts_filters_to_study_area(tmp_path: Path) -> None:
    path = tmp_path / "lad.gpkg"
    _square_frame().to_file(path)
    out = load_districts(path, codes=["E07000902"])
    assert out[DISTRICT_CODE].tolist() == ["E07000902"]


def test_load_districts_names_missing_codes(tmp_path: Path) -> None:
    path = tmp_path / "lad.gpkg"
    _square_frame().to_file(path)
    with pytest.raises(BoundaryDataError, match=r"E07000110") as info:
        load_districts(path, codes=["E07000901", "E07000110"])
    message = str(info.value)
    assert "1 study-area district code(s) not found in column LAD21CD" in message
    assert "study_area" in message


def test_load_districts_without_lad_columns(tmp_path: Path) -> None:
    path = tmp_path / "other.geojson"
    _square_frame().rename(columns={"LAD21CD": "CODE", "LAD21NM": "NAME"}).to_file(path)
    with pytest.raises(BoundaryDataError, match=r"no ONS district code column.*CODE, NAME"):
        load_districts(path, codes=SQUARE_CODES)


def test_load_districts_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BoundaryDataError, match=r"not found.*--boundaries PATH"):
        load_districts(tmp_path / "nope.gpkg")


def test_load_districts_latest_vintage_wins_and_multipart_dissolved(tmp_path: Path) -> None:
    frame = _square_frame("23")
    frame["LAD11CD"] = "E99999999"
    # split Midshire into two features, as some files do
    west = frame.iloc[[1]].copy()
    west["geometry"] = [box(560_000, 150_000, 565_000, 160_000)]
    east = frame.iloc[[1]].copy()
    east["geometry"] = [box(565_000, 150_000, 570_000, 160_000)]
    frame = pd.concat([frame.drop(index=1), west, east], ignore_index=True)
    path = tmp_path / "lad.geojson"
    frame.to_file(path)
    out = load_districts(path, codes=SQUARE_CODES)
    assert len(out) == 3
    assert out.attrs["vintage"] == "LAD23CD"
    assert out.area.round(-3).tolist() == [1e8, 1e8, 1e8]


def test_load_districts_uses_cached_official_download(tmp_path: Path) -> None:
    cached = bio.official_cache_path(tmp_path, SQUARE_CODES)
    cached.parent.mkdir(parents=True, exist_ok=True)
    _square_frame("24").to_file(cached, driver="GeoJSON")
    out = load_districts(codes=SQUARE_CODES, cache_dir=tmp_path)
    assert out.attrs["boundary_source"] == "official"
    assert out[DISTRICT_CODE].tolist() == list(SQUARE_CODES)


def test_load_districts_rejects_empty_study_area() -> None:
    with pytest.raises(ValidationError, match="names no district codes"):
        load_districts(codes=[])


# --- assign_districts ----------------------------------------------------------------


def _assets(points: list[Point | None], index: list[int] | None = None) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": [f"asset {i}" for i in range(len(points))]},
        geometry=gpd.GeoSeries(points, crs=CRS, index=index),
        index=index,
    )


def test_assign_within_postcode_nearest_outside(square_districts: gpd.GeoDataFrame) -> None:
    assets = _assets(
        [
            Point(555_000, 155_000),  # well inside Westshire
            Point(560_020, 155_000),  # 20 m inside Midshire, postcode says Westshire
            Point(560_020, 155_100),  # 20 m inside Midshire, no postcode
            Point(581_000, 155_000),  # 1 km east of Eastshire, sea
            Point(581_000, 155_100),  # same, postcode in Westshire
            Point(590_000, 155_000),  # 10 km away
            None,  # no location, postcode known
            Point(565_000, 155_000),  # deep in Midshire; postcode elsewhere is ignored
            Point(590_000, 155_200),  # far away, postcode outside the study area
        ],
        index=[10, 11, 12, 13, 14, 15, 16, 17, 18],
    )
    postcode_districts = pd.Series(
        [None, "E07000901", None, None, "e07000901 ", None, "E07000903", "E07000901",
         "E07000110"],
        index=assets.index,
        dtype="string",
    )
    out = assign_districts(assets, square_districts, postcode_districts=postcode_districts)
    assert out.index.equals(assets.index)
    assert out[DISTRICT_METHOD].tolist() == [
        "within", "postcode", "within", "nearest", "postcode", "outside", "postcode",
        "within", "outside",
    ]
    assert out[DISTRICT_CODE].tolist() == [
        "E07000901", "E07000901", "E07000902", "E07000903", "E07000901", pd.NA,
        "E07000903", "E07000902", pd.NA,
    ]
    assert out.loc[13, DISTRICT_NAME] == "Eastshire"
    assert out[DISTRICT_CODE].dtype == "string"
    assert set(out[DISTRICT_METHOD]) <= set(DISTRICT_METHODS)
    assert "name" in out.columns
    assert DISTRICT_CODE not in assets.columns  # input untouched


def test_assign_point_on_shared_boundary_is_within(square_districts: gpd.GeoDataFrame) -> None:
    out = assign_districts(_assets([Point(560_000, 155_000)]), square_districts)
    assert out[DISTRICT_METHOD].tolist() == ["within"]
    assert out[DISTRICT_CODE].iloc[0] in {"E07000901", "E07000902"}


def test_assign_tolerances(square_districts: gpd.GeoDataFrame) -> None:
    assets = _assets([Point(560_020, 155_000), Point(583_000, 155_000)])
    pcs = pd.Series(["E07000901", None], index=assets.index)
    out = assign_districts(
        assets, square_districts, tolerance_m=10, nearest_max_m=5000, postcode_districts=pcs
    )
    assert out[DISTRICT_METHOD].tolist() == ["within", "nearest"]
    assert out[DISTRICT_CODE].tolist() == ["E07000902", "E07000903"]


def test_assign_reprojects_assets(square_districts: gpd.GeoDataFrame) -> None:
    assets = _assets([Point(555_000, 155_000)]).to_crs("EPSG:4326")
    out = assign_districts(assets, square_districts)
    assert out[DISTRICT_CODE].tolist() == ["E07000901"]
    assert out.crs == "EPSG:4326"


def test_assign_empty_frame(square_districts: gpd.GeoDataFrame) -> None:
    out = assign_districts(_assets([]), square_districts)
    assert len(out) == 0
    assert DISTRICT_METHOD in out.columns


def test_assign_same_input_same_output(square_districts: gpd.GeoDataFrame) -> None:
    rng = np.random.default_rng(1)
    xy = rng.uniform([545_000, 145_000], [585_000, 165_000], size=(500, 2))
    assets = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=CRS)
    first = assign_districts(assets, square_districts)
    second = assign_districts(assets, square_districts)
    pd.testing.assert_frame_equal(first, second)
    # check against a brute-force reference
    expected = np.select(
        [xy[:, 0] < 560_000, xy[:, 0] < 570_000, xy[:, 0] <= 580_000],
        list(SQUARE_CODES),
        default="",
    )
    inside = (xy[:, 1] >= 150_000) & (xy[:, 1] <= 160_000) & (xy[:, 0] >= 550_000)
    inside &= xy[:, 0] <= 580_000
    assert (first[DISTRICT_CODE].to_numpy()[inside] == expected[inside]).all()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"tolerance_m": -1}, "tolerance_m must be"),
        ({"nearest_max_m": float("nan")}, "nearest_max_m must be"),
    ],
)
def test_assign_rejects_bad_parameters(
    square_districts: gpd.GeoDataFrame, kwargs: dict[str, float], match: str
) -> None:
    with pytest.raises(ValidationError, match=match):
        assign_districts(_assets([Point(0, 0)]), square_districts, **kwargs)


def test_assign_errors(square_districts: gpd.GeoDataFrame) -> None:
    no_crs = gpd.GeoDataFrame(geometry=[Point(555_000, 155_000)])
    with pytest.raises(CoordinateSystemError, match="set_crs"):
        assign_districts(no_crs, square_districts)
    with pytest.raises(ValidationError, match="lacks column"):
        assign_districts(_assets([Point(0, 0)]), square_districts.drop(columns=DISTRICT_NAME))
    with pytest.raises(ValidationError, match="same index"):
        assign_districts(
            _assets([Point(0, 0)]), square_districts, postcode_districts=pd.Series(["x"], [5])
        )
