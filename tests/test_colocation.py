"""Tests for kentassets.colocation: planted clusters, sklearn equality, rules, ids."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from kentassets import schema
from kentassets.colocation import (
    CLUSTER_COLUMNS,
    ClusterParams,
    ColocationResult,
    find_colocations,
    grid_dbscan,
    plot_sweep,
    sweep_eps,
)
from kentassets.errors import CoordinateSystemError, ValidationError

MAI, MAI_NAME = "E07000110", "Maidstone"
ASH, ASH_NAME = "E07000105", "Ashford"
X0, Y0 = 575_000.0, 155_000.0


def make_assets(rows: list[dict], *, crs: str | None = schema.CRS) -> gpd.GeoDataFrame:
    """Canonical assets from dicts with x, y and any schema fields."""
    records = []
    for i, row in enumerate(rows):
        rec = {
            "asset_id": f"A{i:03d}",
            "name": f"Asset {i}",
            "address": f"{i} High Street",
            "district_code": MAI,
            "district_name": MAI_NAME,
            "status": "occupied",
            "use": "office",
        }
        rec.update({k: v for k, v in row.items() if k not in ("x", "y")})
        x, y = row.get("x"), row.get("y")
        rec["geometry"] = None if x is None else Point(x, y)
        records.append(rec)
    frame = gpd.GeoDataFrame(records, geometry="geometry", crs=crs)
    return schema.coerce_assets(frame)


@pytest.fixture(scope="module")
def planted() -> gpd.GeoDataFrame:
    """Two Maidstone co-locations (north, south), one single-agency pair, one Ashford trio,
    noise."""
    rows = [
        # south Maidstone: council + police, 120 m apart
        {"x": X0, "y": Y0, "agency": "Council", "gia_m2": 1000.0},
        {"x": X0 + 120, "y": Y0, "agency": "Police", "gia_m2": 300.0},
        # north Maidstone: council + fire + NHS within 200 m chain
        {"x": X0 + 5000, "y": Y0 + 8000, "agency": "Fire", "gia_m2": 500.0, "use": "fire"},
        {"x": X0 + 5150, "y": Y0 + 8000, "agency": "NHS", "gia_m2": 800.0, "use": "health"},
        {"x": X0 + 5300, "y": Y0 + 8000, "agency": "Council", "status": "vacant",
         "gia_m2": 200.0},
        # single-agency pair (police twice)
        {"x": X0 + 9000, "y": Y0 + 1000, "agency": "Police"},
        {"x": X0 + 9050, "y": Y0 + 1000, "agency": "Police"},
        # Ashford trio
        {"x": X0 + 20000, "y": Y0 - 10000, "agency": "Council", "district_code": ASH,
         "district_name": ASH_NAME},
        {"x": X0 + 20100, "y": Y0 - 10000, "agency": "Library", "district_code": ASH,
         "district_name": ASH_NAME},
        {"x": X0 + 20000, "y": Y0 - 9900, "agency": "Police", "district_code": ASH,
         "district_name": ASH_NAME},
        # isolated noise
        {"x": X0 - 9000, "y": Y0, "agency": "Fire"},
    ]
    return make_assets(rows)


# --- planted clusters -------------------------------------------------------------------


def test_planted_clusters_known_answer(planted: gpd.GeoDataFrame) -> None:
    result = find_colocations(planted, eps_m=250)
    ids = result.colocation_ids
    assert ids.tolist()[:5] == ["MAI-02", "MAI-02", "MAI-01", "MAI-01", "MAI-01"]
    assert ids.iloc[5:7].isna().all()
    assert ids.iloc[7:10].tolist() == ["ASH-01"] * 3
    assert pd.isna(ids.iloc[10])
    assert result.labels.iloc[10] == -1
    clusters = result.clusters
    assert list(clusters.columns) == list(CLUSTER_COLUMNS)
    assert clusters[schema.COLOCATION_ID].tolist() == ["ASH-01", "MAI-01", "MAI-02", "MAI-s01"]
    assert clusters[schema.CLUSTER_LABEL].tolist() == [0, 1, 2, 3]
    assert clusters[schema.IS_COLOCATION].tolist() == [True, True, True, False]
    north = clusters.set_index(schema.COLOCATION_ID).loc["MAI-01"]
    assert north["n_assets"] == 3 and north["n_sites"] == 3
    assert north["agencies"] == "Council;Fire;NHS"
    assert north["n_agencies"] == 3
    assert north["uses"] == "fire;health;office"
    assert north["gia_m2"] == 1500.0
    assert north["vacant_gia_m2"] == 200.0
    assert north["largest_name"] == "Asset 3"
    assert north["centroid_x"] == X0 + 5150 and north["centroid_y"] == Y0 + 8000
    assert north["district_code"] == MAI and north["district_name"] == MAI_NAME
    assert north["precision_note"] == ""
    # labels agree with the cluster table
    for label, cid in zip(result.labels, result.colocation_ids, strict=True):
        if pd.notna(cid):
            assert clusters.loc[label, schema.COLOCATION_ID] == cid


def test_result_index_and_types(planted: gpd.GeoDataFrame) -> None:
    shifted = planted.set_index(planted.index * 10 + 7)
    result = find_colocations(shifted)
    assert result.labels.index.equals(shifted.index)
    assert result.colocation_ids.index.equals(shifted.index)
    assert result.labels.dtype == np.int64
    assert result.colocation_ids.dtype == "string"
    assert result.clusters.crs.to_epsg() == 27700
    assert (result.clusters.geometry.area > 0).all()
    assert result.clusters.geometry.geom_type.eq("Polygon").all()


def test_hull_buffer_covers_members(planted: gpd.GeoDataFrame) -> None:
    result = find_colocations(planted, hull_buffer_m=5)
    for label, geom in zip(result.labels, planted.geometry, strict=True):
        if label >= 0:
            assert result.clusters.geometry.loc[label].contains(geom)


# --- order invariance and stability -------------------------------------------------------


def test_invariant_to_row_order(planted: gpd.GeoDataFrame) -> None:
    base = find_colocations(planted)
    rng = np.random.default_rng(3)
    for _ in range(5):
        shuffled = planted.iloc[rng.permutation(len(planted))]
        other = find_colocations(shuffled)
        pd.testing.assert_series_equal(other.labels.loc[planted.index], base.labels)
        pd.testing.assert_series_equal(
            other.colocation_ids.loc[planted.index], base.colocation_ids
        )
        assert other.clusters.to_csv() == base.clusters.to_csv()


def test_invariant_to_row_order_random_estate() -> None:
    rng = np.random.default_rng(11)
    n = 400
    centres = rng.uniform(0, 20_000, (8, 2))
    xy = centres[rng.integers(0, 8, n)] + rng.normal(0, 400, (n, 2))
    rows = [
        {"x": X0 + x, "y": Y0 + y, "agency": f"Agency {rng.integers(0, 4)}",
         "gia_m2": float(rng.integers(50, 2000)), "annual_cost_gbp": float(rng.random() * 1e5)}
        for x, y in xy
    ]
    assets = make_assets(rows)
    base = find_colocations(assets, eps_m=150)
    shuffled = assets.iloc[rng.permutation(n)]
    other = find_colocations(shuffled, eps_m=150)
    pd.testing.assert_series_equal(other.labels.loc[assets.index], base.labels)
    assert other.clusters.to_csv() == base.clusters.to_csv()


def test_same_input_same_output(planted: gpd.GeoDataFrame) -> None:
    one = find_colocations(planted).clusters.to_csv()
    two = find_colocations(planted.copy()).clusters.to_csv()
    assert one == two


def test_ids_north_to_south_then_west_to_east() -> None:
    rows = []
    # three co-locations in Maidstone: two on one northing (west, east), one further south
    for x, y in ((X0 + 3000, Y0), (X0, Y0), (X0 + 1000, Y0 - 2000)):
        rows += [{"x": x, "y": y, "agency": "Council"}, {"x": x + 10, "y": y, "agency": "NHS"}]
    result = find_colocations(make_assets(rows))
    assert result.colocation_ids.tolist() == [
        "MAI-02", "MAI-02", "MAI-01", "MAI-01", "MAI-03", "MAI-03",
    ]


def test_majority_district_and_straddle() -> None:
    rows = [
        {"x": X0, "y": Y0, "agency": "Council", "district_code": ASH, "district_name": ASH_NAME},
        {"x": X0 + 50, "y": Y0, "agency": "Police"},
        {"x": X0 + 100, "y": Y0, "agency": "Fire"},
    ]
    row = find_colocations(make_assets(rows)).clusters.iloc[0]
    assert row["district_code"] == MAI
    assert row["district_codes"] == f"{ASH};{MAI}"
    assert row["colocation_id"] == "MAI-01"
    # tie: one each -> the lowest code wins
    tie = find_colocations(make_assets(rows[:2])).clusters.iloc[0]
    assert tie["district_code"] == ASH and tie["colocation_id"] == "ASH-01"


# --- scikit-learn reference ----------------------------------------------------------------


def _random_points(seed: int) -> tuple[np.ndarray, float, int]:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 500))
    k = int(rng.integers(1, 7))
    centres = rng.uniform(0, 3000, (k, 2))
    xy = centres[rng.integers(0, k, n)] + rng.normal(0, rng.uniform(10, 400), (n, 2))
    if seed % 3 == 0:
        xy = np.round(xy)  # integer metres: exact-eps distances happen
    if seed % 4 == 0:
        xy[: n // 4] = xy[0]  # coincident points
    eps = float(rng.choice([10.0, 37.5, 50.0, 100.0, 250.0]))
    min_samples = int(rng.integers(1, 8))
    return xy, eps, min_samples


@pytest.mark.parametrize("seed", range(60))
def test_grid_dbscan_identical_to_sklearn(seed: int) -> None:
    from sklearn.cluster import DBSCAN

    xy, eps, min_samples = _random_points(seed)
    expected = DBSCAN(eps=eps, min_samples=min_samples).fit(xy).labels_
    got = grid_dbscan(xy, eps, min_samples, max_pairs=[50, 1000, 2_000_000][seed % 3])
    np.testing.assert_array_equal(got, expected)


def test_grid_dbscan_empty_and_single() -> None:
    assert grid_dbscan(np.empty((0, 2)), 10.0, 2).tolist() == []
    assert grid_dbscan(np.array([[1.0, 2.0]]), 10.0, 2).tolist() == [-1]
    assert grid_dbscan(np.array([[1.0, 2.0]]), 10.0, 1).tolist() == [0]


@pytest.mark.parametrize("seed", range(10))
def test_find_colocations_labels_equal_sklearn_up_to_renumbering(seed: int) -> None:
    from sklearn.cluster import DBSCAN

    xy, eps, min_samples = _random_points(seed + 100)
    eps = max(eps, 1.0)
    assets = make_assets([{"x": X0 + x, "y": Y0 + y, "agency": "One"} for x, y in xy])
    got = find_colocations(assets, eps_m=eps, min_assets=min_samples, min_agencies=1)
    # sklearn on the same points in the canonical order (east, then north): identical partition
    order = np.lexsort((xy[:, 1] + Y0, xy[:, 0] + X0))
    ref = np.empty(len(xy), dtype=np.int64)
    shifted = xy + np.array([X0, Y0])
    ref[order] = DBSCAN(eps=eps, min_samples=min_samples).fit(shifted[order]).labels_
    ours = got.labels.to_numpy()
    assert ((ours == -1) == (ref == -1)).all()
    pairs = set(zip(ours[ours >= 0], ref[ref >= 0], strict=True))
    assert len(pairs) == len({a for a, _ in pairs}) == len({b for _, b in pairs})


# --- rules: min_agencies, site_id, min_assets ----------------------------------------------


def test_min_agencies_marks_but_keeps_clusters(planted: gpd.GeoDataFrame) -> None:
    result = find_colocations(planted, min_agencies=3)
    table = result.clusters
    assert table[schema.IS_COLOCATION].sum() == 2  # the two 3-agency clusters
    assert len(table) == 4
    pair = result.labels.iloc[0]
    assert pair >= 0
    assert table.loc[pair, schema.COLOCATION_ID].startswith("MAI-s")
    assert pd.isna(result.colocation_ids.iloc[0])
    assert (result.labels >= 0).sum() == 10


def test_min_agencies_one_makes_every_cluster_a_colocation(planted: gpd.GeoDataFrame) -> None:
    result = find_colocations(planted, min_agencies=1)
    assert result.clusters[schema.IS_COLOCATION].all()
    assert result.colocation_ids.notna().sum() == 10


def test_shared_site_alone_is_a_colocation() -> None:
    rows = [
        {"x": X0, "y": Y0, "agency": "Council", "site_id": "S1"},
        {"x": X0 + 2, "y": Y0, "agency": "Police", "site_id": "S1"},
        {"x": X0 + 5000, "y": Y0, "agency": "Council", "site_id": "S2"},
        {"x": X0 + 5000, "y": Y0, "agency": "Council", "site_id": "S2"},
    ]
    result = find_colocations(make_assets(rows), eps_m=100)
    assert result.colocation_ids.tolist()[:2] == ["MAI-01", "MAI-01"]
    row = result.clusters.iloc[0]
    assert row["n_assets"] == 2 and row["n_sites"] == 1 and row["n_agencies"] == 2
    assert row.geometry.area > 0
    # a single-agency site reported twice is one location: noise at min_assets=2
    assert result.labels.tolist()[2:] == [-1, -1]


def test_site_counts_once_for_min_assets() -> None:
    rows = [
        {"x": X0, "y": Y0, "agency": "Council", "site_id": "S1"},
        {"x": X0, "y": Y0, "agency": "Council", "site_id": "S1"},
        {"x": X0 + 50, "y": Y0, "agency": "Police"},
    ]
    assets = make_assets(rows)
    # two locations: enough for min_assets=2, not for 3
    assert find_colocations(assets, min_assets=2).labels.tolist() == [0, 0, 0]
    assert find_colocations(assets, min_assets=3).labels.tolist() == [-1, -1, -1]
    # without site ids the two council records are two locations
    plain = assets.assign(site_id=pd.NA)
    assert find_colocations(plain, min_assets=3).labels.tolist() == [0, 0, 0]


def test_shared_site_promoted_with_min_assets_three() -> None:
    rows = [
        {"x": X0, "y": Y0, "agency": "Council", "site_id": "S1"},
        {"x": X0, "y": Y0, "agency": "Police", "site_id": "S1"},
        {"x": X0 + 50, "y": Y0, "agency": "Fire"},
    ]
    result = find_colocations(make_assets(rows), min_assets=3)
    assert result.labels.tolist() == [0, 0, -1]
    assert result.clusters[schema.IS_COLOCATION].tolist() == [True]


# --- edge cases -----------------------------------------------------------------------------


def test_no_assets() -> None:
    result = find_colocations(schema.empty_assets())
    assert len(result.labels) == 0 and len(result.colocation_ids) == 0
    assert list(result.clusters.columns) == list(CLUSTER_COLUMNS)
    assert len(result.clusters) == 0
    assert result.summary().empty
    assert "0 co-locations" in result._repr_html_()
    sweep = sweep_eps(schema.empty_assets())
    assert sweep["n_colocations"].tolist() == [0] * 5


def test_one_asset() -> None:
    result = find_colocations(make_assets([{"x": X0, "y": Y0, "agency": "Council"}]))
    assert result.labels.tolist() == [-1]
    assert result.colocation_ids.isna().all()
    assert len(result.clusters) == 0


def test_all_in_one_place_coincident_points() -> None:
    rows = [{"x": X0, "y": Y0, "agency": a} for a in ("Council", "Police", "Fire", "Police")]
    result = find_colocations(make_assets(rows))
    assert result.labels.tolist() == [0, 0, 0, 0]
    row = result.clusters.iloc[0]
    assert row["n_assets"] == 4 and row["n_sites"] == 4 and row["n_agencies"] == 3
    assert row.geometry.area == pytest.approx(np.pi * 100, rel=0.05)


def test_no_district_and_missing_geometry() -> None:
    rows = [
        {"x": X0, "y": Y0, "agency": "Council", "district_code": None, "district_name": None},
        {"x": X0 + 10, "y": Y0, "agency": "Police", "district_code": None,
         "district_name": None},
        {"x": None, "y": None, "agency": "Fire"},
    ]
    result = find_colocations(make_assets(rows))
    assert result.colocation_ids.tolist()[:2] == ["XXX-01", "XXX-01"]
    assert result.labels.iloc[2] == -1
    row = result.clusters.iloc[0]
    assert pd.isna(row["district_code"]) and row["district_codes"] == ""
    summary = result.summary()
    assert summary["n_colocations"].sum() == 1


def test_precision_note_for_postcode_points() -> None:
    rows = [
        {"x": X0, "y": Y0, "agency": "Council", "location_method": "postcode"},
        {"x": X0, "y": Y0, "agency": "Police", "location_method": "easting_northing"},
    ]
    note = find_colocations(make_assets(rows)).clusters.iloc[0]["precision_note"]
    assert note.startswith("1 of 2 assets placed only by postcode centroid")


def test_largest_member_skips_sensitive_agencies() -> None:
    rows = [
        {"x": X0, "y": Y0, "agency": "Police", "gia_m2": 5000.0, "sensitive": True,
         "name": "Secret HQ"},
        {"x": X0 + 10, "y": Y0, "agency": "Council", "gia_m2": 100.0, "name": "Library"},
    ]
    row = find_colocations(make_assets(rows)).clusters.iloc[0]
    assert row["largest_name"] == "Library"


def test_label_assets_and_repr(planted: gpd.GeoDataFrame) -> None:
    result = find_colocations(planted)
    labelled = result.label_assets(planted)
    assert labelled[schema.COLOCATION_ID].dtype == "string"
    assert labelled[schema.CLUSTER_LABEL].tolist() == result.labels.tolist()
    html = result._repr_html_()
    assert "3 co-locations" in html and "MAI-01" in html
    summary = result.summary()
    assert summary.set_index("district_code").loc[MAI, "n_colocations"] == 2
    assert isinstance(result, ColocationResult)


def test_html_escapes_names() -> None:
    rows = [
        {"x": X0, "y": Y0, "agency": "<script>alert(1)</script>", "name": "<b>x</b>"},
        {"x": X0 + 10, "y": Y0, "agency": "Police"},
    ]
    html = find_colocations(make_assets(rows))._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html


# --- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"eps_m": 0.5}, "eps_m must be between 1 and 10000"),
        ({"eps_m": 20_000}, "eps_m must be between 1 and 10000"),
        ({"eps_m": float("nan")}, "eps_m must be between 1 and 10000"),
        ({"eps_m": "250"}, "eps_m must be a number between 1 and 10000"),
        ({"min_assets": 0}, "min_assets must be between 1 and 10000"),
        ({"min_assets": 2.5}, "min_assets must be a whole number"),
        ({"min_agencies": 0}, "min_agencies must be between 1 and 100"),
        ({"method": "kmeans"}, "method must be one of 'dbscan', 'hdbscan'"),
        ({"hull_buffer_m": -1}, "hull_buffer_m must be between 0 and 100"),
    ],
)
def test_parameter_validation(kwargs: dict, message: str, planted: gpd.GeoDataFrame) -> None:
    with pytest.raises(ValidationError, match=message):
        find_colocations(planted, **kwargs)
    with pytest.raises(ValidationError, match=message):
        ClusterParams(**kwargs)


def test_refuses_geographic_crs(planted: gpd.GeoDataFrame) -> None:
    with pytest.raises(CoordinateSystemError, match=r"geographic CRS.*to_crs\('EPSG:27700'\)"):
        find_colocations(planted.to_crs(schema.CRS_WGS84))
    with pytest.raises(CoordinateSystemError, match="EPSG:3857"):
        sweep_eps(planted.to_crs("EPSG:3857"))
    with pytest.raises(CoordinateSystemError, match="no coordinate reference system"):
        find_colocations(planted.set_crs(None, allow_override=True))


def test_sweep_values_must_be_valid(planted: gpd.GeoDataFrame) -> None:
    with pytest.raises(ValidationError, match="between 1 and 10000"):
        sweep_eps(planted, (100, 50_000))


# --- sweep and hdbscan ----------------------------------------------------------------------


def test_sweep_eps(planted: gpd.GeoDataFrame) -> None:
    sweep = sweep_eps(planted, (50, 100, 250, 1000))
    assert list(sweep.columns) == ["eps_m", "n_colocations", "n_assets", "n_agencies",
                                   "n_clusters"]
    assert sweep["eps_m"].tolist() == [50.0, 100.0, 250.0, 1000.0]
    assert sweep["n_colocations"].tolist() == [0, 1, 3, 3]  # Ashford pair at exactly 100 m
    at_250 = find_colocations(planted, eps_m=250)
    row = sweep.set_index("eps_m").loc[250.0]
    assert row["n_assets"] == at_250.colocation_ids.notna().sum()
    assert row["n_agencies"] == 5
    assert row["n_clusters"] == len(at_250.clusters)


def test_plot_sweep_returns_axes(planted: gpd.GeoDataFrame) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = plot_sweep(sweep_eps(planted), chosen_eps_m=250)
    assert ax.get_xlabel() == "distance eps (m)"
    assert len(ax.lines) >= 1
    plt.close(ax.figure)


def test_hdbscan_method(planted: gpd.GeoDataFrame) -> None:
    result = find_colocations(planted, method="hdbscan")
    assert result.params.method == "hdbscan"
    assert len(result.labels) == len(planted)
    assert set(result.labels) >= {-1}
    assert result.clusters[schema.IS_COLOCATION].any()
