"""Tests for kentassets.districts: loading, assignment and derived boundaries."""

from __future__ import annotations

import logging
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, box

from kentassets.districts import (
    DERIVED_BOUNDARY_NOTE,
    assign_districts,
    derive_districts,
    load_districts,
)
from kentassets.errors import BoundaryDataError, CoordinateSystemError, ValidationError
from kentassets.io import boundaries as bio
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


def test_assign_polygon_assets_use_a_point_on_their_surface(
    square_districts: gpd.GeoDataFrame,
) -> None:
    assets = gpd.GeoDataFrame(
        geometry=[box(574_000, 154_000, 574_050, 154_030), Point(551_000, 151_000)], crs=CRS
    )
    out = assign_districts(assets, square_districts)
    assert out[DISTRICT_CODE].tolist() == ["E07000903", "E07000901"]
    assert out.geometry.geom_type.tolist() == ["Polygon", "Point"]  # geometry unchanged


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


# --- derive_districts (synthetic, fast) -----------------------------------------------


#: Three 3 km squares for derivation tests, a neighbour strip west, sea east.
DERIVE_SQUARES = {
    code: box(550_000 + 3000 * i, 150_000, 553_000 + 3000 * i, 153_000)
    for i, code in enumerate(SQUARE_CODES)
}


def _synthetic_postcodes(seed: int = 4) -> pd.DataFrame:
    """Jittered 100 m grid of postcodes over DERIVE_SQUARES and the neighbour strip."""
    rng = np.random.default_rng(seed)
    xs, ys = np.meshgrid(np.arange(548_050, 559_000, 100), np.arange(150_050, 153_000, 100))
    xy = np.column_stack([xs.ravel(), ys.ravel()]) + rng.uniform(-25, 25, (xs.size, 2))
    code = np.select(
        [xy[:, 0] < 550_000, xy[:, 0] < 553_000, xy[:, 0] < 556_000],
        ["E07000999", *SQUARE_CODES[:2]],
        default=SQUARE_CODES[2],
    )
    return pd.DataFrame(
        {"easting": xy[:, 0].round(), "northing": xy[:, 1].round(), "district_code": code},
        index=pd.Index([f"PC{i}" for i in range(len(code))], name="postcode_key"),
    )


@pytest.fixture(scope="module")
def synthetic_derived() -> gpd.GeoDataFrame:
    return derive_districts(_synthetic_postcodes(), codes=SQUARE_CODES)


def test_derive_districts_shape(synthetic_derived: gpd.GeoDataFrame) -> None:
    out = synthetic_derived
    assert out[DISTRICT_CODE].tolist() == list(SQUARE_CODES)
    assert out[DISTRICT_NAME].tolist() == list(SQUARE_CODES)  # unknown names: the code
    assert out.crs == CRS
    assert out.is_valid.all()
    assert set(out.geom_type) <= {"Polygon", "MultiPolygon"}
    assert out.attrs["boundary_source"] == "derived"
    assert out.attrs["source_note"] == DERIVED_BOUNDARY_NOTE
    union_area = out.union_all().area
    assert union_area == pytest.approx(out.area.sum(), rel=1e-9)  # no overlaps


def test_derive_districts_matches_truth(synthetic_derived: gpd.GeoDataFrame) -> None:
    for code, geom in zip(synthetic_derived[DISTRICT_CODE], synthetic_derived.geometry,
                          strict=True):
        truth = DERIVE_SQUARES[code]
        iou = geom.intersection(truth).area / geom.union(truth).area
        assert iou > 0.85, (code, iou)  # 3 km squares: the coast buffer weighs heavily
    # shared boundaries fall between the two sets of postcodes
    checks = _assets([Point(552_880, 151_500), Point(553_120, 151_500), Point(555_880, 151_500)])
    out = assign_districts(checks, synthetic_derived, tolerance_m=0)
    assert out[DISTRICT_CODE].tolist() == [SQUARE_CODES[0], SQUARE_CODES[1], SQUARE_CODES[1]]
    # the neighbour outside the study area keeps its land; the empty sea stays out
    assert not synthetic_derived.union_all().intersects(Point(549_500, 151_500))
    assert not synthetic_derived.union_all().intersects(Point(559_500, 151_500))


def test_derive_districts_is_deterministic() -> None:
    postcodes = _synthetic_postcodes(seed=9)
    first = derive_districts(postcodes, codes=SQUARE_CODES[:1])
    second = derive_districts(postcodes.sample(frac=1, random_state=3), codes=SQUARE_CODES[:1])
    assert first.geometry.iloc[0].equals(second.geometry.iloc[0])


def test_derive_districts_in_groups() -> None:
    """A study area too large for one piece is derived in groups, with the same outlines."""
    postcodes = _synthetic_postcodes()
    whole = derive_districts(postcodes, codes=SQUARE_CODES, margin_m=1500)
    # each square with its 1.5 km margin holds about 1,800 points: one group each
    grouped = derive_districts(postcodes, codes=SQUARE_CODES, margin_m=1500, max_points=1500)
    assert grouped[DISTRICT_CODE].tolist() == list(SQUARE_CODES)
    assert grouped.is_valid.all()
    assert not grouped.geom_equals_exact(whole, tolerance=0).all()  # really in pieces
    for one, other in zip(grouped.geometry, whole.geometry, strict=True):
        assert one.intersection(other).area / one.union(other).area > 0.99
    # the groups' outlines still tile without overlaps
    assert grouped.area.sum() == pytest.approx(grouped.union_all().area, rel=1e-9)


def test_derive_districts_errors() -> None:
    postcodes = _synthetic_postcodes()
    with pytest.raises(BoundaryDataError, match=r"no postcodes .* E07000110"):
        derive_districts(postcodes, codes=["E07000901", "E07000110"])
    with pytest.raises(ValidationError, match="lacks column"):
        derive_districts(postcodes.drop(columns="easting"), codes=SQUARE_CODES)
    with pytest.raises(ValidationError, match="alpha_edge_m must be"):
        derive_districts(postcodes, codes=SQUARE_CODES, alpha_edge_m=-5)


def test_load_districts_derives_and_caches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    postcodes = _synthetic_postcodes()
    first = load_districts(codes=SQUARE_CODES, cache_dir=tmp_path, postcodes=postcodes)
    assert first.attrs["boundary_source"] == "derived"
    assert first.attrs["source_note"] == DERIVED_BOUNDARY_NOTE
    cached = list(tmp_path.glob("derived_*.gpkg"))
    assert len(cached) == 1

    def _fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("the cache should have been used")

    monkeypatch.setattr("kentassets.districts.derive_districts", _fail)
    second = load_districts(codes=SQUARE_CODES, cache_dir=tmp_path, postcodes=postcodes)
    assert second.attrs["boundary_source"] == "derived"
    assert second[DISTRICT_CODE].tolist() == list(SQUARE_CODES)
    assert second.geometry.area.sum() == pytest.approx(first.geometry.area.sum(), rel=1e-6)
    # another study area (another key) is not served from that cache
    with pytest.raises(AssertionError, match="cache should"):
        load_districts(codes=SQUARE_CODES[:2], cache_dir=tmp_path, postcodes=postcodes)


def test_load_districts_first_and_cached_runs_are_identical(tmp_path: Path) -> None:
    """A cold cache and a warm one give byte-identical boundaries (outputs must not differ)."""
    grid = _synthetic_postcodes()
    rng = np.random.default_rng(7)
    xs, ys = np.meshgrid(np.arange(562_050, 563_000, 100), np.arange(150_050, 151_000, 100))
    xy = np.column_stack([xs.ravel(), ys.ravel()]) + rng.uniform(-25, 25, (xs.size, 2))
    island = pd.DataFrame(  # a detached part: the last district is a MultiPolygon
        {"easting": xy[:, 0].round(), "northing": xy[:, 1].round(),
         "district_code": SQUARE_CODES[2]},
        index=pd.Index([f"IS{i}" for i in range(len(xy))], name="postcode_key"),
    )
    postcodes = pd.concat([grid, island])
    first = load_districts(codes=SQUARE_CODES, cache_dir=tmp_path, postcodes=postcodes)
    second = load_districts(codes=SQUARE_CODES, cache_dir=tmp_path, postcodes=postcodes)
    assert first.geometry.iloc[2].geom_type == "MultiPolygon"
    assert shapely.to_wkb(first.geometry.to_numpy()).tolist() == shapely.to_wkb(
        second.geometry.to_numpy()
    ).tolist()


# --- real data: official ONS boundaries and the packaged postcode directory ----------


def _iou_table(derived: gpd.GeoDataFrame, official: gpd.GeoDataFrame) -> pd.DataFrame:
    merged = official.merge(
        pd.DataFrame({DISTRICT_CODE: derived[DISTRICT_CODE], "derived": derived.geometry}),
        on=DISTRICT_CODE,
    )
    inter = merged.geometry.intersection(gpd.GeoSeries(merged["derived"], crs=CRS)).area
    union = merged.geometry.union(gpd.GeoSeries(merged["derived"], crs=CRS)).area
    return pd.DataFrame(
        {
            DISTRICT_NAME: merged[DISTRICT_NAME],
            "official_km2": (merged.geometry.area / 1e6).round(1),
            "derived_km2": (gpd.GeoSeries(merged["derived"], crs=CRS).area / 1e6).round(1),
            "iou": (inter / union).round(3),
        }
    ).set_index(DISTRICT_NAME)


@pytest.fixture(scope="session")
def official_kent(shared_data: Path) -> gpd.GeoDataFrame:
    return load_districts(shared_data / OFFICIAL_BSC)


@pytest.fixture(scope="session")
def derived_kent(tmp_path_factory: pytest.TempPathFactory) -> gpd.GeoDataFrame:
    return load_districts(cache_dir=tmp_path_factory.mktemp("boundary_cache"))


def test_official_file_reads(official_kent: gpd.GeoDataFrame) -> None:
    assert official_kent[DISTRICT_CODE].tolist() == list(DEFAULT_STUDY_AREA)
    assert official_kent[DISTRICT_NAME].tolist() == list(KENT_AND_MEDWAY.values())
    areas = dict(zip(official_kent[DISTRICT_NAME], official_kent.area / 1e6, strict=True))
    assert areas["Ashford"] == pytest.approx(581.0, abs=0.1)
    assert areas["Medway"] == pytest.approx(194.6, abs=0.1)
    assert official_kent.attrs["boundary_source"] == "official"


@pytest.mark.slow
@pytest.mark.shared
def test_derived_boundaries_match_official(
    derived_kent: gpd.GeoDataFrame, official_kent: gpd.GeoDataFrame
) -> None:
    table = _iou_table(derived_kent, official_kent)
    report = (
        f"{table.to_string()}\nmedian IoU {table['iou'].median():.3f}, "
        f"min {table['iou'].min():.3f}"
    )
    logger.info("Derived vs official boundaries:\n%s", report)
    print(report)
    assert derived_kent.attrs["boundary_source"] == "derived"
    assert table["iou"].median() >= 0.90, report
    assert table["iou"].min() >= 0.80, report


def _codepoint(shared_data: Path) -> pd.DataFrame:
    frame = pd.read_csv(shared_data / CODEPOINT, header=None, dtype=str, usecols=[0, 2, 3, 8])
    frame.columns = ["postcode", "easting", "northing", "district_code"]
    frame["key"] = frame["postcode"].str.replace(r"\s+", "", regex=True).str.upper()
    return frame.drop_duplicates("key").set_index("key")


def _real_assets(shared_data: Path) -> gpd.GeoDataFrame:
    """Real assets that have a postcode known to Code-Point, with its district.

    Fire stations are located by their own eastings/northings; libraries and NHS
    sites (which have only a postcode) by the Code-Point centroid.
    """
    codepoint = _codepoint(shared_data)
    fire = pd.read_csv(shared_data / "assets/fire/home_office_fire_stations_2018_kent.csv")
    frames = [
        pd.DataFrame(
            {
                "source": "fire",
                "postcode": fire["STATION_POSTCODE"],
                "x": fire["STATION_EASTING"].astype(float),
                "y": fire["STATION_NORTHING"].astype(float),
            }
        )
    ]
    for name, column, kwargs in [
        ("libraries/ace_libraries_england_2023_kent_medway.csv", "postcode", {}),
        ("libraries/librarieshacked_kent_county_council.csv", "Postcode", {}),
        ("libraries/librarieshacked_medway_council.csv", "Postcode", {}),
        ("nhs/epraccur_kent_medway.csv", 9, {"header": None}),
        ("nhs/etrust_2018_kent_medway.csv", 9, {"header": None}),
    ]:
        table = pd.read_csv(shared_data / "assets" / name, dtype=str, **kwargs)
        frames.append(pd.DataFrame({"source": name.split("/")[0], "postcode": table[column]}))
    assets = pd.concat(frames, ignore_index=True)
    keys = assets["postcode"].astype("string").str.replace(r"\s+", "", regex=True).str.upper()
    found = codepoint.reindex(keys.fillna(""))
    assets["pc_district"] = found["district_code"].to_numpy()
    assets["x"] = assets["x"].fillna(pd.Series(found["easting"].astype(float).to_numpy()))
    assets["y"] = assets["y"].fillna(pd.Series(found["northing"].astype(float).to_numpy()))
    assets = assets.dropna(subset=["pc_district", "x", "y"]).reset_index(drop=True)
    return gpd.GeoDataFrame(
        assets, geometry=gpd.points_from_xy(assets["x"], assets["y"]), crs=CRS
    )


def _agreement(assets: gpd.GeoDataFrame, districts: gpd.GeoDataFrame) -> dict[str, float]:
    hinted = assign_districts(
        assets, districts, postcode_districts=assets["pc_district"].astype("string")
    )
    blind = assign_districts(assets, districts)
    fire = assets["source"] == "fire"
    return {
        "n": len(assets),
        "with_postcode_hint": float((hinted[DISTRICT_CODE] == assets["pc_district"]).mean()),
        "geometry_only": float((blind[DISTRICT_CODE] == assets["pc_district"]).mean()),
        "fire_geometry_only": float(
            (blind.loc[fire, DISTRICT_CODE] == assets.loc[fire, "pc_district"]).mean()
        ),
    }


@pytest.mark.shared
def test_assignment_agrees_with_postcodes_official(
    shared_data: Path, official_kent: gpd.GeoDataFrame
) -> None:
    figures = _agreement(_real_assets(shared_data), official_kent)
    print(f"official boundaries: {figures}")
    assert figures["n"] > 1000
    assert figures["with_postcode_hint"] >= 0.98, figures
    assert figures["geometry_only"] >= 0.98, figures


@pytest.mark.slow
@pytest.mark.shared
def test_assignment_agrees_with_postcodes_derived(
    shared_data: Path, derived_kent: gpd.GeoDataFrame
) -> None:
    figures = _agreement(_real_assets(shared_data), derived_kent)
    print(f"derived boundaries: {figures}")
    assert figures["with_postcode_hint"] >= 0.98, figures
    assert figures["geometry_only"] >= 0.98, figures


def test_every_english_district_of_the_postcode_directory_has_an_offline_name() -> None:
    """A national study area shows names, not codes (2023 unitaries and 2024 re-codings)."""
    from kentassets.io.authorities import district_names
    from kentassets.io.postcodes import PC_DISTRICT, PostcodeDirectory

    frames = PostcodeDirectory()._all_frames()
    codes = set().union(*(set(f[PC_DISTRICT].dropna().unique()) for f in frames))
    english = sorted(c for c in codes if c[:3] in ("E06", "E07", "E08", "E09"))
    names = district_names(english)
    assert len(english) >= 290
    assert [c for c in english if names[c] == c] == []
    assert names["E08000038"] == "Barnsley" and names["E08000039"] == "Sheffield"
