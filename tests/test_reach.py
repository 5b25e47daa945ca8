"""Service reach: hand-computed figures, closures, effects, options and network distance."""

from __future__ import annotations

import itertools
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, box

import kentassets as ka
from kentassets import schema
from kentassets.errors import ValidationError
from kentassets.load import read_demand
from kentassets.load.demand import demand_frame
from kentassets.reach import (
    ReachModel,
    RoadNetwork,
    StraightLine,
    change_effect,
    reach_model,
    service_sites,
    weighted_quantile,
)
from kentassets.reach.options import clients, coverage_curve, reach_options_table

A, B = "E07000110", "E07000105"  # Maidstone, Ashford (any two codes)


def assets_at(rows: list[tuple[str, str, str, float, float, str]]) -> gpd.GeoDataFrame:
    """Assets from (agency, asset_id, use, x, y, district) tuples."""
    frame = pd.DataFrame(rows, columns=["agency", "asset_id", "use", "x", "y", "district_code"])
    geometry = gpd.points_from_xy(frame.pop("x"), frame.pop("y"))
    return schema.coerce_assets(gpd.GeoDataFrame(frame, geometry=geometry, crs=schema.CRS))


def people(points: list[tuple[float, float, float, str]], **kw: object) -> gpd.GeoDataFrame:
    """Demand from (x, y, people, district) tuples."""
    arr = np.array([p[:3] for p in points], dtype=float)
    return demand_frame(arr[:, 0], arr[:, 1], arr[:, 2],
                        np.array([p[3] for p in points], dtype=object), **kw)  # type: ignore


def test_shares_mean_and_p90_by_hand() -> None:
    libraries = assets_at([("KCC", "L1", "library", 0, 0, A)])
    # four points at 500, 1500, 3000 and 6000 m, with 10, 20, 30 and 40 people
    demand = people([(500, 0, 10, A), (0, 1500, 20, A), (-3000, 0, 30, A), (0, -6000, 40, A)])
    table = ka.service_reach(libraries, demand, services=["library"], study_area=[A])
    row = table[table["district_code"] == A].iloc[0]
    assert row["sites"] == 1 and row["demand"] == 100
    assert row["within_1000m_share"] == 0.1  # 10 of 100
    assert row["within_2000m_share"] == 0.3  # 30
    assert row["within_5000m_share"] == 0.6  # 60
    assert row["mean_distance_m"] == pytest.approx((10 * 500 + 20 * 1500 + 30 * 3000
                                                   + 40 * 6000) / 100)  # 3,650 m
    # 90 % of 100 people: the cumulative weights are 10, 30, 60, 100, so 6,000 m
    assert row["p90_distance_m"] == 6000
    assert row["distance_method"] == "straight" and not row["demand_estimate"]
    county = table[table["district_code"] == "county"].iloc[0]
    assert county["district_name"] == "County" and county["demand"] == 100
    assert list(table.columns[:10]) == [
        "district_code", "district_name", "service", "sites", "demand", "within_1000m_share",
        "within_2000m_share", "within_5000m_share", "mean_distance_m", "p90_distance_m"]


def test_weighted_quantile_definition() -> None:
    values, weights = np.array([300.0, 100.0, 200.0]), np.array([1.0, 8.0, 1.0])
    assert weighted_quantile(values, weights, 0.8) == 100.0  # 8 of 10 at 100 m
    assert weighted_quantile(values, weights, 0.9) == 200.0  # exactly 9 of 10 by 200 m
    assert weighted_quantile(values, weights, 0.91) == 300.0
    assert np.isnan(weighted_quantile(values, np.zeros(3), 0.9))


def test_thresholds_name_the_columns() -> None:
    libraries = assets_at([("KCC", "L1", "library", 0, 0, A)])
    demand = people([(500, 0, 1, A), (0, 1500, 1, A)])
    table = ka.service_reach(libraries, demand, services=["library"], thresholds_m=(750, 1600))
    assert {"within_750m_share", "within_1600m_share"} <= set(table.columns)
    with pytest.raises(ValidationError, match="thresholds_m"):
        ka.service_reach(libraries, demand, thresholds_m=(-1,))
    with pytest.raises(ValidationError, match="choose from library"):
        ka.service_reach(libraries, demand, services=["swimming"])


def test_nearest_site_across_the_district_boundary() -> None:
    # A's own library is 4 km away; B's library stands 300 m over the boundary
    libraries = assets_at([("KCC", "L-A", "library", -4000, 0, A),
                           ("Other Council", "L-B", "library", 300, 0, B)])
    demand = people([(0, 0, 100, A)])
    table = ka.service_reach(libraries, demand, services=["library"], study_area=[A, B])
    row = table[table["district_code"] == A].iloc[0]
    assert row["sites"] == 1 and row["mean_distance_m"] == 300.0
    assert row["within_1000m_share"] == 1.0


def test_closed_site_is_left_out() -> None:
    libraries = assets_at([("KCC", "L1", "library", 0, 0, A),
                           ("KCC", "L2", "library", 3000, 0, A)])
    demand = people([(100, 0, 50, A), (2900, 0, 50, A)])
    open_now = ka.service_reach(libraries, demand, services=["library"])
    closed = ka.service_reach(libraries, demand, services=["library"], closed=[("KCC", "L2")])
    before, after = (t[t["district_code"] == A].iloc[0] for t in (open_now, closed))
    assert before["within_1000m_share"] == 1.0 and after["within_1000m_share"] == 0.5
    assert after["sites"] == 1 and after["mean_distance_m"] == pytest.approx((100 + 2900) / 2)
    with pytest.raises(ValidationError, match="agency, asset_id"):
        ka.service_reach(libraries, demand, closed=["KCC:L2"])


def test_vacant_sites_serve_no_one() -> None:
    libraries = assets_at([("KCC", "L1", "library", 0, 0, A)])
    libraries["status"] = "vacant"
    assert len(service_sites(libraries, ["library"])["library"]) == 0


@pytest.mark.parametrize("closed", [[3, 17], list(range(5, 25))])  # few, and many
def test_effect_only_recomputes_what_can_change(closed: list[int]) -> None:
    rng = np.random.default_rng(7)
    xy = rng.uniform(0, 20_000, size=(40, 2))
    libraries = assets_at([("KCC", f"L{i}", "library", x, y, A) for i, (x, y) in enumerate(xy)])
    pts = rng.uniform(0, 20_000, size=(3000, 2))
    demand = people([(x, y, 1 + i % 5, A) for i, (x, y) in enumerate(pts)])
    model = reach_model(libraries, demand, services=["library"])
    labels = libraries.index.to_numpy()
    removed, new = labels[closed], (10_000.0, 10_000.0)
    fast = model.effect("library", removed, np.array([new[0]]), np.array([new[1]]))
    keep = ~np.isin(labels, removed)
    sx = np.r_[xy[keep, 0], new[0]]
    sy = np.r_[xy[keep, 1], new[1]]
    after, _ = StraightLine().nearest(pts[:, 0], pts[:, 1], sx, sy)
    before = model.services["library"].distance_m
    weight = model.services["library"].demand.weight
    full = change_effect(before, after, weight,
                         model.thresholds_m)
    assert fast.people_farther == pytest.approx(full.people_farther)
    assert fast.extra_m == pytest.approx(full.extra_m)
    assert dict(fast.losing) == pytest.approx(dict(full.losing))
    assert fast.stranded == pytest.approx(full.stranded)


def test_reach_change_generic() -> None:
    demand = people([(0, 0, 100, A), (3000, 0, 50, A)])
    before = gpd.GeoDataFrame(geometry=[Point(500, 0), Point(2500, 0)], crs=27700)
    effect = ka.reach_change(demand, before, before.iloc[[1]])
    assert effect.people_farther == 100 and effect.losing[1000.0] == 100
    assert effect.losing[5000.0] == 0 and effect.mean_extra_m == 2000


# --- options ------------------------------------------------------------------------------


def brute_force(cover: np.ndarray, weight: np.ndarray, k: int) -> float:
    best = 0.0
    for chosen in itertools.combinations(range(cover.shape[1]), k):
        best = max(best, float(weight[cover[:, list(chosen)].any(axis=1)].sum()))
    return best


@pytest.mark.parametrize(("seed", "solver"), [(1, "highs"), (2, "highs"), (3, "highs"),
                                            (1, "spopt"), (2, "spopt")])
def test_options_equal_brute_force(seed: int, solver: str) -> None:
    if solver == "spopt":
        pytest.importorskip("spopt")
    rng = np.random.default_rng(seed)
    n_sites = 6
    sx, sy = rng.uniform(0, 6000, n_sites), rng.uniform(0, 6000, n_sites)
    px, py = rng.uniform(0, 6000, 400), rng.uniform(0, 6000, 400)
    weight = rng.integers(1, 30, 400).astype(float)
    c = clients(StraightLine().covering(px, py, sx, sy, 2000.0), weight)
    curve = coverage_curve(c, n_sites, time_limit_s=30, solver=solver)
    shares = [covered for _, _, covered, _, _ in curve]
    for k, kept, covered, status, _ in curve:
        assert status == "optimal" and len(kept) == k
        assert covered == pytest.approx(brute_force(c.cover, c.weight, k))
        assert covered == pytest.approx(float(c.weight[c.cover[:, kept].any(axis=1)].sum()))
    assert shares == sorted(shares)  # monotone in k
    assert shares[-1] == pytest.approx(float(c.weight.sum()))  # every site: today's coverage
    first_full = next(k for k, _, cov, _, _ in curve if cov >= c.weight.sum() - 1e-9)
    assert [keeps for *_, keeps in curve].index(True) + 1 == first_full  # set covering's k


def test_clients_group_points_by_their_covering_sites() -> None:
    rng = np.random.default_rng(11)
    covering = [np.flatnonzero(rng.random(300) < 0.3) for _ in range(9)]
    weight = rng.uniform(1, 5, 300)
    c = clients(covering, weight)
    matrix = np.zeros((300, 9), dtype=bool)
    for j, points in enumerate(covering):
        matrix[points, j] = True
    seen = matrix[matrix.any(axis=1)]
    rows = np.unique(seen, axis=0)
    assert len(c.weight) == len(rows) and sorted(map(tuple, c.cover)) == sorted(map(tuple, rows))
    for row, total in zip(c.cover, c.weight, strict=True):
        assert total == pytest.approx(weight[(matrix == row).all(axis=1)].sum())
    assert c.total == pytest.approx(weight.sum())


def test_search_reaches_the_optimum_the_solver_proves() -> None:
    """The local search's sites for every k, proven by the LP bound or the MIP."""
    from kentassets.reach._milp import SparseMaxCover
    from kentassets.reach._search import CoverSearch

    rng = np.random.default_rng(12)
    sx, sy = rng.uniform(0, 10000, 9), rng.uniform(0, 10000, 9)
    px, py = rng.uniform(0, 10000, 600), rng.uniform(0, 10000, 600)
    c = clients(StraightLine().covering(px, py, sx, sy, 2500.0), rng.uniform(1, 9, 600))
    search, model = CoverSearch(c.cover, c.weight), SparseMaxCover(c.cover, c.weight,
                                                                  time_limit_s=30)
    kept = np.zeros(0, dtype=np.int64)
    for k in range(1, 10):
        kept = search.improve(search.one_more(kept))
        best = brute_force(c.cover, c.weight, k)
        assert search.covered(kept) <= best + 1e-9 <= model.upper_bound(k) + 1e-6
        assert search.covered(model.solve(k)[0]) == pytest.approx(best)


def test_options_table_for_a_district() -> None:
    libraries = assets_at([("KCC", "L1", "library", 0, 0, A), ("KCC", "L2", "library", 5000, 0, A),
                           ("KCC", "L3", "library", 5200, 0, A),
                           ("KCC", "B1", "library", 0, 9000, B)])
    demand = people([(100, 0, 60, A), (5100, 0, 30, A), (9000, 9000, 10, A), (0, 9000, 5, B)])
    model = reach_model(libraries, demand, services=["library"])
    table = reach_options_table(model, codes=[A, B], threshold_m=2000.0)
    assert set(table["district_code"]) == {A}  # B has one site of its own
    assert table["k"].tolist() == [1, 2, 3]
    assert table["covered_share"].tolist() == [0.6, 0.9, 0.9]
    assert table["kept_sites"].iloc[0] == "KCC:L1"
    assert table["current_share"].iloc[0] == 0.9
    assert table["keeps_current_coverage"].tolist() == [False, True, False]
    assert (table["solve_status"] == "optimal").all()


# --- network distance ---------------------------------------------------------------------


@pytest.fixture
def road_gpkg(tmp_path: Path) -> Path:
    """A hand-made OS Open Roads GeoPackage: an L-shaped road and a stray fragment."""
    roads = gpd.GeoDataFrame(
        {"road_classification": ["A Road", "Unclassified", "Unclassified"]},
        geometry=[LineString([(0, 0), (1000, 0)]), LineString([(1000, 0), (1000, 1000)]),
                  LineString([(5000, 5000), (5010, 5000)])],
        crs=schema.CRS,
    )
    path = tmp_path / "roads.gpkg"
    roads.to_file(path, layer="road_link", driver="GPKG")
    return path


def test_network_distance_on_a_hand_made_road(road_gpkg: Path) -> None:
    from kentassets.io.basemap import read_road_lines

    lines = read_road_lines(road_gpkg, (-100, -100, 6000, 6000))
    net = RoadNetwork.from_lines(lines.geometry.to_numpy())
    assert len(net.x) == 3  # the stray fragment is dropped
    # a resident at (990, 1000) near the end of the road, the site at (0, 10):
    # 10 m to the node (1000, 1000), 2,000 m along the road, 10 m to the site
    d, i = net.nearest(np.array([990.0]), np.array([1000.0]), np.array([0.0]), np.array([10.0]))
    assert i.tolist() == [0] and d[0] == pytest.approx(2020.0)
    straight, _ = StraightLine().nearest(np.array([990.0]), np.array([1000.0]),
                                         np.array([0.0]), np.array([10.0]))
    assert straight[0] < d[0]
    cover = net.covering(np.array([990.0, 500.0]), np.array([1000.0, 0.0]),
                         np.array([0.0]), np.array([10.0]), 1000.0)
    assert cover[0].tolist() == [1]
    libraries = assets_at([("KCC", "L1", "library", 0, 10, A)])
    demand = people([(990, 1000, 10, A), (500, 0, 10, A)])
    table = ka.service_reach(libraries, demand, services=["library"], engine=net)
    row = table[table["district_code"] == A].iloc[0]
    assert row["distance_method"] == "network"
    assert row["within_1000m_share"] == 0.5 and row["within_5000m_share"] == 1.0


# --- demand tables ------------------------------------------------------------------------


@pytest.fixture
def maidstone() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"district_code": [A], "district_name": ["Maidstone"]},
                            geometry=[box(570000, 140000, 590000, 170000)], crs=schema.CRS)


def test_demand_table_rows_in_the_ledger(tmp_path: Path, maidstone: gpd.GeoDataFrame) -> None:
    path = tmp_path / "members.csv"
    path.write_text(
        "Postcode,Easting,Northing,Members\n"
        ",575900,155800,120\n"         # loaded
        ",575000,150000,-3\n"          # negative
        ",575000,150000,\n"            # missing
        ",575000,150000,lots\n"        # not a number
        "ZZ9 9ZZ,,,40\n"               # unknown postcode
        ",600000,150000,5\n",          # outside the study area
        encoding="utf-8",
    )
    load = read_demand(path, count="Members", service="library", districts=maidstone,
                       study_area=[A])
    assert load.demand["demand"].tolist() == [120.0]
    assert load.demand["service"].tolist() == ["library"]
    ledger = load.ledger
    assert ledger["row"].tolist() == [2, 3, 4, 5, 6, 7]
    assert ledger["status"].tolist() == ["loaded", "rejected", "rejected", "rejected",
                                         "rejected", "excluded"]
    assert ledger["reason"].tolist()[1:] == ["demand_count_negative", "demand_count_missing",
                                             "demand_count_missing", "postcode_not_found",
                                             "outside_study_area"]
    assert "Members" in ledger["message"].iloc[1] and ledger["columns"].iloc[1] == "Members"
    with pytest.raises(ka.RegisterFormatError, match="no such column"):
        read_demand(path, count="People", districts=maidstone, study_area=[A])


def test_demand_table_replaces_the_default_for_its_service() -> None:
    from kentassets.reach import combine_demand

    sites = assets_at([("KCC", "L1", "library", 0, 0, A), ("NHS", "G1", "health", 0, 0, A)])
    default = people([(500, 0, 100, A), (4000, 0, 100, A)], estimate=True)
    members = people([(4000, 0, 10, A)], service="library")
    demand = combine_demand(default, [members])
    table = ka.service_reach(sites, demand, services=["library", "health"], study_area=[A])
    lib = table[(table["service"] == "library") & (table["district_code"] == A)].iloc[0]
    gp = table[(table["service"] == "health") & (table["district_code"] == A)].iloc[0]
    assert lib["demand"] == 10 and lib["within_1000m_share"] == 0.0 and not lib["demand_estimate"]
    assert gp["demand"] == 200 and gp["within_1000m_share"] == 0.5 and gp["demand_estimate"]


def test_default_demand_shares_the_census_population() -> None:
    demand = ka.default_demand(study_area=["E07000110", "E06000035"])
    totals = demand.groupby("district_code")["demand"].sum().round()
    assert totals.to_dict() == {"E06000035": 279900.0, "E07000110": 175500.0}
    assert demand["demand_estimate"].all() and demand.crs.equals(schema.CRS)
    per = demand.groupby("district_code")["demand"].nunique()
    assert (per == 1).all()  # each district's postcodes share its population equally


def test_manifest_demand_keys(tmp_path: Path) -> None:
    from kentassets.io.manifest import parse_manifest

    (tmp_path / "a.csv").write_text("Name,Postcode\nHall,ME14 1XQ\n")
    (tmp_path / "pop.csv").write_text("Postcode,People\nME14 1XQ,10\n")
    (tmp_path / "m.toml").write_text(
        'reach_distance = "straight"\nreach_thresholds_m = [800, 1600]\n'
        '[[register]]\npath = "a.csv"\nagency = "KCC"\n'
        '[[demand]]\npath = "pop.csv"\ncount = "People"\nservice = "library"\n')
    manifest = parse_manifest(tmp_path / "m.toml")
    assert manifest.demand[0].count == "People" and manifest.demand[0].service == "library"
    assert manifest.reach_thresholds_m == (800.0, 1600.0)
    (tmp_path / "bad.toml").write_text(
        'reach_distance = "roads"\n[[register]]\npath = "a.csv"\nagency = "KCC"\n'
        '[[demand]]\npath = "pop.csv"\nsize = 3\n')
    with pytest.raises(ka.ManifestError, match="reach_distance 'roads'") as err:
        parse_manifest(tmp_path / "bad.toml")
    assert "count is required" in str(err.value) and "unknown key(s) 'size'" in str(err.value)


def test_model_demand_carries_distances() -> None:
    libraries = assets_at([("KCC", "L1", "library", 0, 0, A)])
    demand = people([(300, 400, 5, A)])
    out = ReachModel(demand, service_sites(libraries, ["library"])).demand_with_distances()
    assert out["distance_library_m"].tolist() == [500.0]


@pytest.mark.parametrize("seed", [4, 5])
def test_sparse_models_equal_spopt_and_brute_force(seed: int) -> None:
    pytest.importorskip("spopt")
    from kentassets.reach._milp import SparseMaxCover
    from kentassets.reach._spopt import SpoptMaxCover, spopt_set_cover

    rng = np.random.default_rng(seed)
    sx, sy = rng.uniform(0, 8000, 7), rng.uniform(0, 8000, 7)
    px, py = rng.uniform(0, 8000, 300), rng.uniform(0, 8000, 300)
    c = clients(StraightLine().covering(px, py, sx, sy, 2500.0), rng.uniform(1, 9, 300))
    sparse_model = SparseMaxCover(c.cover, c.weight, time_limit_s=30)
    spopt_model = SpoptMaxCover(c.cover, c.weight, time_limit_s=30)
    for k in range(1, 8):
        a, status = sparse_model.solve(k)
        b, _ = spopt_model.solve(k)
        assert status == "optimal" and len(a) == k
        best = brute_force(c.cover, c.weight, k)
        for kept in (a, b):
            assert float(c.weight[c.cover[:, kept].any(axis=1)].sum()) == pytest.approx(best)
    # the set cover: the first k whose maximal cover is complete is spopt's LSCP's size
    curve = coverage_curve(c, 7, time_limit_s=30)
    keeps = [k for k, *_, flag in curve if flag]
    assert keeps == [len(spopt_set_cover(c.cover, time_limit_s=30)[0])]
    assert all(status == "optimal" for _, _, _, status, _ in curve)


def test_unknown_solver_is_refused() -> None:
    c = clients([np.array([0]), np.array([1])], np.ones(2))
    with pytest.raises(ka.ValidationError, match="solver='cplex'"):
        coverage_curve(c, 2, solver="cplex")


def test_budget_spent_extends_the_curve_greedily() -> None:
    rng = np.random.default_rng(9)
    sx, sy = rng.uniform(0, 9000, 8), rng.uniform(0, 9000, 8)
    px, py = rng.uniform(0, 9000, 500), rng.uniform(0, 9000, 500)
    c = clients(StraightLine().covering(px, py, sx, sy, 2000.0), np.ones(500))
    curve = coverage_curve(c, 8, time_limit_s=30, budget_s=0.0)
    shares = [covered for _, _, covered, _, _ in curve]
    assert shares == sorted(shares) and shares[-1] == pytest.approx(c.weight.sum())
    k_all = [keeps for *_, keeps in curve].index(True) + 1
    assert all(status == "time_limit" for k, _, _, status, _ in curve if 1 < k < k_all)
    assert all(len(kept) == k for k, kept, *_ in curve)
