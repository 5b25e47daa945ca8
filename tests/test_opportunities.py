"""Tests for kentassets.opportunities: the scoring formula on hand-computed examples."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from kentassets import schema
from kentassets.colocation import ClusterParams, find_colocations
from kentassets.errors import ValidationError
from kentassets.opportunities import (
    OPPORTUNITY_COLUMNS,
    ScoringParams,
    benchmark_agencies,
    county_totals,
    parameters_table,
    score_opportunities,
    shortlist,
    surplus_assets,
)

MAI, ASH = "E07000110", "E07000105"
X0, Y0 = 575_000.0, 155_000.0
AS_OF = dt.date(2026, 10, 31)


def make_assets(rows: list[dict]) -> gpd.GeoDataFrame:
    records = []
    for i, row in enumerate(rows):
        rec = {
            "asset_id": f"A{i}",
            "name": f"Asset {i}",
            "district_code": MAI,
            "district_name": "Maidstone",
            "status": "occupied",
            "use": "office",
        }
        rec.update({k: v for k, v in row.items() if k not in ("x", "y")})
        rec["geometry"] = Point(row["x"], row["y"])
        records.append(rec)
    return schema.coerce_assets(gpd.GeoDataFrame(records, geometry="geometry", crs=schema.CRS))


def pair(x: float = X0, **extra: dict) -> list[dict]:
    """Council office 1000 m2 / 40 FTE / £150k and police office 400 m2 / 20 FTE / £60k."""
    return [
        {"x": x, "y": Y0, "agency": "Council", "gia_m2": 1000.0, "staff_fte": 40.0,
         "annual_cost_gbp": 150_000.0, **extra.get("council", {})},
        {"x": x + 100, "y": Y0, "agency": "Police", "gia_m2": 400.0, "staff_fte": 20.0,
         "annual_cost_gbp": 60_000.0, **extra.get("police", {})},
    ]


def score(rows: list[dict], **kw) -> gpd.GeoDataFrame:
    assets = make_assets(rows)
    return score_opportunities(find_colocations(assets), assets, as_of_date=AS_OF, **kw)


def test_hand_computed_pair() -> None:
    row = score(pair()).iloc[0]
    # need = 60 FTE x 8 m2 NIA / 0.8 = 600 m2 GIA; target with 10% headroom 660 m2
    assert row["office_gia_m2"] == 1400.0
    assert row["office_staff_fte"] == 60.0
    assert row["office_need_m2"] == pytest.approx(600.0)
    assert row["surplus_office_m2"] == pytest.approx(800.0)
    # keep the 1000 m2 council office (>= 660), release the police office
    assert row["n_released"] == 1
    assert row["released_assets"] == "Police:A1"
    assert row["released_gia_m2"] == 400.0
    assert row["saving_gbp"] == pytest.approx(0.8 * 60_000)
    # issue 14: eight weighted parts; saving 48k/250k x 30, agencies 1/3 x 15,
    # sectors (council, police) 1/2 x 15, closeness (50 m from the centre) 200/225 x 10,
    # space 800/2000 x 10; no public-facing uses, leases or known tenure
    parts = {"saving": 0.192 * 30, "agencies": 15 / 3, "sectors": 7.5,
             "closeness": 10 * 200 / 225, "space": 4.0}
    for name, points in parts.items():
        assert row[f"points_{name}"] == pytest.approx(round(points, 1))
    assert row["score"] == pytest.approx(round(sum(parts.values()), 1))
    assert row["saving_low_gbp"] == row["saving_gbp"] == row["saving_high_gbp"]
    assert row["saving_given_share"] == 1.0 and row["given_share"] == 1.0
    assert row["horizon"] == "short"
    assert "fit into 1 of 2 held office buildings" in row["horizon_reason"]
    assert row["rank"] == 1 and row["district_rank"] == 1
    assert bool(row["shortlisted"])


def test_columns_and_non_colocations() -> None:
    rows = [*pair(), {"x": X0 + 5000, "y": Y0, "agency": "Fire", "use": "fire"},
            {"x": X0 + 5050, "y": Y0, "agency": "Fire", "use": "fire"}]
    opp = score(rows)
    for col in OPPORTUNITY_COLUMNS:
        assert col in opp.columns
    assert opp.columns[-1] == "geometry"
    single = opp[~opp[schema.IS_COLOCATION]].iloc[0]
    assert pd.isna(single["score"]) and pd.isna(single["rank"]) and pd.isna(single["horizon"])
    assert not single["shortlisted"]
    assert opp.attrs["scoring_params"].as_of_date == AS_OF
    assert opp.attrs["params"]["as_of_date"] == "2026-10-31"
    assert opp.attrs["params"]["space_standard_m2_per_fte"] == 8.0


def test_overrides_change_the_formula() -> None:
    row = score(pair(), space_standard_m2_per_fte=10, net_to_gross_ratio=1.0,
                saving_share=1.0).iloc[0]
    assert row["office_need_m2"] == pytest.approx(600.0)  # 60 x 10 / 1.0
    assert row["saving_gbp"] == pytest.approx(60_000)


def test_missing_cost_is_estimated_from_area() -> None:
    # issue 14: the office benchmark (GBP 133 / 467 / 558 per m2) replaces the flat GBP 200
    row = score(pair(police={"annual_cost_gbp": None})).iloc[0]
    assert row["saving_gbp"] == pytest.approx(0.8 * 400 * 467.0)
    assert row["saving_low_gbp"] == pytest.approx(0.8 * 400 * 133.0)
    assert row["saving_high_gbp"] == pytest.approx(0.8 * 400 * 558.0)
    # the released police office's cost is 1 of its 3 inputs: 2/3 of the saving is given
    assert row["saving_given_share"] == pytest.approx(0.667, abs=1e-3)
    assert "estimated" in row["saving_note"]


def test_missing_staff_is_estimated_for_offices() -> None:
    # issue 14: 400 m2 x 0.8 / 9.9 m2 per FTE = 32.3 FTE (benchmark), so both offices pool
    row = score(pair(police={"staff_fte": None})).iloc[0]
    assert row["n_offices"] == 2 and row["n_offices_unknown"] == 0
    assert row["office_staff_fte"] == pytest.approx(40 + 32.3)


def test_offices_without_staff_stay_out_of_the_pool() -> None:
    from kentassets.benchmarks import benchmarks_from_mapping

    from kentassets.io.benchmarks import read_benchmarks

    no_staff_rule = benchmarks_from_mapping(
        {"office": {"nia_m2_per_fte": {"basis": "none", "source": "test"}}},
        origin="test.toml", base=read_benchmarks())
    row = score(pair(police={"staff_fte": None}), benchmarks=no_staff_rule).iloc[0]
    assert row["n_offices"] == 2 and row["n_offices_unknown"] == 1
    assert row["office_gia_m2"] == 1000.0
    assert row["n_released"] == 0 and row["saving_gbp"] == 0.0


def test_vacant_members_are_released() -> None:
    rows = [*pair(), {"x": X0 + 50, "y": Y0 + 50, "agency": "Fire", "use": "depot",
                      "status": "vacant", "gia_m2": 300.0, "annual_cost_gbp": 10_000.0}]
    row = score(rows).iloc[0]
    assert row["n_vacant_assets"] == 1
    assert row["n_released"] == 2
    assert row["saving_gbp"] == pytest.approx(0.8 * 70_000)
    assert row["spare_gia_m2"] == pytest.approx(800.0 + 300.0)


def test_horizon_medium_and_long() -> None:
    crowded = {"council": {"staff_fte": 150.0}, "police": {"staff_fte": 50.0}}
    # 200 FTE need 2000 m2 > 1400 held: does not fit
    long_row = score(pair(**crowded)).iloc[0]
    assert long_row["horizon"] == "long"
    assert "needs new or remodelled space" in long_row["horizon_reason"]
    assert long_row["n_released"] == 0 and long_row["saving_gbp"] == 0.0
    crowded["police"]["lease_end"] = "2028-03-31"
    medium = score(pair(**crowded)).iloc[0]
    assert medium["horizon"] == "medium"
    assert "ends 2028-03-31" in medium["horizon_reason"]
    # beyond the 3-year horizon: long again; with a 5-year horizon: medium
    crowded["police"]["lease_end"] = "2030-06-30"
    assert score(pair(**crowded)).iloc[0]["horizon"] == "long"
    assert score(pair(**crowded), lease_horizon_years=5).iloc[0]["horizon"] == "medium"


def test_horizon_short_needs_headroom() -> None:
    # 60 FTE need 600 m2; offices 620 + 400: the pool holds them (1020 >= 660)
    row = score(pair(council={"gia_m2": 620.0})).iloc[0]
    assert row["horizon"] == "short"
    assert row["n_released"] == 0  # 620 < 660: both offices are kept
    # with 80% headroom the target 1080 exceeds 1020 -> long
    assert score(pair(council={"gia_m2": 620.0}), headroom_share=0.8).iloc[0]["horizon"] == "long"


def test_ranks_and_district_ranks() -> None:
    rows = pair(X0) + pair(X0 + 5000, police={"annual_cost_gbp": 300_000.0}) + [
        {**r, "district_code": ASH, "district_name": "Ashford"} for r in pair(X0 + 20_000)
    ]
    opp = score(rows).set_index("colocation_id")
    assert opp.loc["MAI-02", "rank"] == 1  # larger saving
    assert opp.loc["MAI-02", "district_rank"] == 1
    assert opp.loc["MAI-01", "district_rank"] == 2
    assert opp.loc["ASH-01", "district_rank"] == 1
    assert sorted(opp["rank"].tolist()) == [1, 2, 3]


def test_shortlist_sizes() -> None:
    n = 14
    frame = pd.DataFrame(
        {
            schema.IS_COLOCATION: True,
            schema.DISTRICT_CODE: [MAI] * n + [ASH] * 3 + [None],
            "district_rank": [*range(1, n + 1), 1, 2, 3, 1],
            "score": [90, 80, 70, 60, 50, 45, 41, 40, 39, 30, 80, 80, 80, 80, 5, 4, 3, 99],
        }
    )
    # MAI: 5 best, then up to 10 while score >= 40 -> ranks 1..8
    chosen = shortlist(frame)
    assert chosen[schema.DISTRICT_CODE].value_counts().to_dict() == {MAI: 8, ASH: 3}
    assert len(shortlist(frame, min_score=0)) == 10 + 3
    assert len(shortlist(frame, min_per_district=2, max_per_district=2)) == 4
    with pytest.raises(ValidationError, match="must not exceed"):
        shortlist(frame, min_per_district=6, max_per_district=5)


def test_same_result_from_table_and_labelled_assets() -> None:
    assets = make_assets(pair())
    result = find_colocations(assets)
    a = score_opportunities(result, assets, as_of_date=AS_OF)
    b = score_opportunities(result.clusters, result.label_assets(assets), as_of_date=AS_OF)
    pd.testing.assert_frame_equal(pd.DataFrame(a), pd.DataFrame(b))
    with pytest.raises(ValidationError, match="cluster_label"):
        score_opportunities(result.clusters, assets)


def test_no_colocations() -> None:
    assets = schema.empty_assets()
    opp = score_opportunities(find_colocations(assets), assets, as_of_date=AS_OF)
    assert len(opp) == 0
    totals = county_totals(opp)
    assert totals["n_shortlisted"] == 0 and totals["share_of_target"] == 0.0


def test_parameter_validation() -> None:
    with pytest.raises(ValidationError, match="space_standard_m2_per_fte must be between 4 and 30"):
        ScoringParams(space_standard_m2_per_fte=0)
    with pytest.raises(ValidationError, match="saving_share must be between 0 and 1"):
        ScoringParams(saving_share=1.5)
    with pytest.raises(ValidationError, match=r"unknown scoring parameter.*space_standard"):
        score(pair(), space_standrd=8)
    with pytest.raises(ValidationError, match="must not exceed"):
        ScoringParams(shortlist_min_per_district=11)
    with pytest.raises(ValidationError, match="weights must not all be 0"):
        ScoringParams(**{f"weight_{c}": 0 for c in (
            "saving", "agencies", "sectors", "closeness", "public_facing", "space", "leases",
            "tenure")})


def test_parameters_table_traceability() -> None:
    table = parameters_table(ClusterParams(), ScoringParams())
    assert list(table.columns) == ["group", "parameter", "value", "unit", "source"]
    assert set(table["group"]) == {"ClusterParams", "ScoringParams"}
    row = table[table.parameter == "space_standard_m2_per_fte"].iloc[0]
    assert row["value"] == "8.0" and "8 m2" in row["source"]
    assert table[table.parameter == "office_uses"].iloc[0]["value"] == "office"


def test_benchmark_agencies() -> None:
    rows = [
        {"x": X0, "y": Y0, "agency": "Council", "gia_m2": 1500.0, "staff_fte": 100.0,
         "annual_cost_gbp": 300_000.0},
        {"x": X0, "y": Y0, "agency": "Council", "gia_m2": 500.0, "status": "vacant",
         "use": "depot", "annual_cost_gbp": 20_000.0},
        {"x": X0, "y": Y0, "agency": "Police", "gia_m2": 400.0, "staff_fte": 50.0},
    ]
    bench = benchmark_agencies(make_assets(rows)).set_index("agency")
    council = bench.loc["Council"]
    assert council["office_m2_per_fte"] == 15.0
    assert council["ratio_to_standard"] == pytest.approx(1.5)
    assert council["cost_per_m2_gbp"] == pytest.approx(320_000 / 2000)
    assert council["vacant_share"] == pytest.approx(0.25)
    assert bench.loc["Police", "office_m2_per_fte"] == 8.0
    assert pd.isna(bench.loc["Police", "cost_per_m2_gbp"])


def test_surplus_assets() -> None:
    rows = [
        {"x": X0, "y": Y0, "agency": "A", "status": "vacant", "gia_m2": 300.0},
        {"x": X0, "y": Y0, "agency": "A", "status": "part_vacant", "gia_m2": 1000.0},
        {"x": X0, "y": Y0, "agency": "B", "gia_m2": 1000.0, "staff_fte": 10.0},  # 100 m2/FTE
        {"x": X0, "y": Y0, "agency": "B", "gia_m2": 1000.0, "staff_fte": 90.0},  # fine
        {"x": X0, "y": Y0, "agency": "C", "status": "surplus", "gia_m2": None},
    ]
    assets = make_assets(rows)
    out = surplus_assets(assets)
    assert out["surplus_reason"].to_dict() == {
        2: "under_used", 1: "part_vacant", 0: "vacant", 4: "surplus",
    }
    assert out.loc[2, "spare_gia_m2"] == pytest.approx(1000 - 10 * 10)
    assert out.loc[1, "spare_gia_m2"] == 500.0
    assert out.crs == assets.crs
    with pytest.raises(ValidationError, match="underused_factor must be between 1 and 10"):
        surplus_assets(assets, underused_factor=0.5)


def test_county_totals() -> None:
    opp = score(pair() + pair(X0 + 5000))
    totals = county_totals(opp, savings_target_gbp=1_000_000, target_years=4)
    assert totals["n_colocations"] == 2 and totals["n_shortlisted"] == 2
    assert totals["annual_saving_gbp"] == pytest.approx(96_000)
    assert totals["saving_over_target_period_gbp"] == pytest.approx(384_000)
    assert totals["share_of_target"] == pytest.approx(0.384)
    assert (totals["n_short"], totals["n_medium"], totals["n_long"]) == (2, 0, 0)
    with pytest.raises(ValidationError, match="target_years"):
        county_totals(opp, target_years=0)


def test_scores_are_deterministic_under_row_order() -> None:
    rng = np.random.default_rng(5)
    rows = []
    for k in range(12):
        rows += pair(X0 + 3000 * k, council={"gia_m2": float(rng.integers(500, 3000))})
    assets = make_assets(rows)
    a = score_opportunities(find_colocations(assets), assets, as_of_date=AS_OF)
    shuffled = assets.iloc[rng.permutation(len(assets))]
    b = score_opportunities(find_colocations(shuffled), shuffled, as_of_date=AS_OF)
    assert a.to_csv() == b.to_csv()
    # every score is below 40 (about 28-33), so only the minimum 5 are shortlisted
    assert a["shortlisted"].sum() == 5


# --- issue 14: a ranking that tells places apart -----------------------------------------


def town_centre(x: float) -> list[dict]:
    """Library, GP surgery and police front counter of three agencies, 40-80 m apart."""
    return [
        {"x": x, "y": Y0, "agency": "Kent County Council", "use": "library",
         "tenure": "leasehold"},
        {"x": x + 40, "y": Y0, "agency": "NHS Kent and Medway ICB", "use": "health",
         "tenure": "leasehold"},
        {"x": x, "y": Y0 + 80, "agency": "Kent Police", "use": "police", "tenure": "freehold"},
    ]


def two_gps_at_a_hospital(x: float) -> list[dict]:
    site = {"y": Y0, "use": "health", "site_id": f"H{x:.0f}"}
    return [{"x": x, "agency": "NHS hospitals", **site},
            {"x": x + 5, "agency": "NHS GP practices", **site},
            {"x": x + 10, "agency": "NHS GP practices", **site}]


def test_town_centre_hub_outranks_gps_at_a_hospital() -> None:
    opp = score(town_centre(X0) + two_gps_at_a_hospital(X0 + 5000)).set_index("colocation_id")
    hub, hospital = opp.loc["MAI-01"], opp.loc["MAI-02"]
    assert hub["public_facing_uses"] == "health;library;police"
    assert hub["n_sectors"] == 3 and hospital["n_sectors"] == 1
    assert hospital["spread_m"] == 0.0  # one site
    assert hub["score"] > hospital["score"]
    assert hub["rank"] == 1
    # the GP surgery (1,000 m2 benchmark, the largest) hosts; library and police move in
    assert hub["n_shared_moves"] == 2 and hub["saving_gbp"] > 0
    assert hub["saving_low_gbp"] < hub["saving_gbp"] < hub["saving_high_gbp"]
    assert hub["saving_given_share"] == 0.0 and "estimated" in hub["saving_note"]
    # records of one use on one site are one building: nothing moves, and it says why
    assert hospital["saving_gbp"] == 0.0 and hospital["saving_note"].startswith("£0:")
    points = [c for c in opp.columns if c.startswith("points_")]
    assert len(points) == 9  # eight parts and reach (0 here: no reach model given)
    assert (opp[points].sum(axis=1) - opp["score"]).abs().max() < 0.5


def test_horizon_unknown_without_lease_or_space_data() -> None:
    row = score(town_centre(X0)).iloc[0]
    assert row["horizon"] == "unknown"
    assert row["horizon_reason"] == "no lease or space data"
    ending = town_centre(X0)
    ending[0]["lease_end"] = "2027-06-30"
    row = score(ending).iloc[0]
    assert row["horizon"] == "medium" and row["n_leases_ending"] == 1
    assert row["points_leases"] > 0


def test_vacant_member_makes_the_horizon_short() -> None:
    rows = [*town_centre(X0), {"x": X0 + 20, "y": Y0 + 20, "agency": "Kent County Council",
                               "use": "depot", "status": "surplus", "gia_m2": 500.0,
                               "annual_cost_gbp": 20_000.0}]
    row = score(rows).iloc[0]
    assert row["horizon"] == "short" and "can be released now" in row["horizon_reason"]
    assert row["points_space"] > 0


def test_closeness_and_weights_are_parameters() -> None:
    near = score(town_centre(X0)).iloc[0]
    spread = [dict(r) for r in town_centre(X0)]
    spread[2]["y"] = Y0 + 230
    far = score(spread).iloc[0]
    assert near["points_closeness"] > far["points_closeness"]
    only_sectors = score(town_centre(X0), **{f"weight_{c}": 0.0 for c in (
        "saving", "agencies", "closeness", "public_facing", "space", "leases", "tenure")})
    assert only_sectors.iloc[0]["score"] == 100.0
    with pytest.raises(ValidationError, match="same_site_m must be below closeness_zero_m"):
        ScoringParams(same_site_m=300)
    with pytest.raises(ValidationError, match="weight_sectors must be between 0 and 1"):
        ScoringParams(weight_sectors=2)


def test_ties_are_broken_by_the_documented_rule_not_row_order() -> None:
    # two identical hubs: same score, given share, agencies and saving -> id order
    rows = town_centre(X0 + 5000) + town_centre(X0)
    opp = score(rows).set_index("colocation_id")
    assert opp["score"].nunique() == 1
    assert opp.loc["MAI-01", "rank"] == 1 and opp.loc["MAI-02", "rank"] == 2
    # a given cost raises the given-data share, which breaks the tie
    rows[3]["annual_cost_gbp"] = 39_600.0  # the library at X0, its benchmark cost given
    rows[3]["gia_m2"] = 300.0
    opp = score(rows)
    by_x = opp.sort_values("centroid_x")
    assert by_x.iloc[0]["given_share"] > by_x.iloc[1]["given_share"]
    assert by_x.iloc[0]["score"] >= by_x.iloc[1]["score"]
    assert by_x.iloc[0]["rank"] == 1


def test_shared_services_can_be_switched_off() -> None:
    assert score(town_centre(X0), shared_services=False).iloc[0]["saving_gbp"] == 0.0


def test_county_totals_is_a_range_with_the_given_share() -> None:
    opp = score(pair() + town_centre(X0 + 5000))
    totals = county_totals(opp, savings_target_gbp=1_000_000, target_years=4)
    assert totals["annual_saving_low_gbp"] < totals["annual_saving_gbp"] < totals[
        "annual_saving_high_gbp"]
    given = 48_000.0  # the office pair: all given
    assert totals["saving_given_share"] == pytest.approx(given / totals["annual_saving_gbp"])
    assert totals["share_of_target_low"] < totals["share_of_target"] < totals[
        "share_of_target_high"]
    assert totals["n_unknown"] == 1 and totals["n_short"] == 1


def test_housing_capacity_on_the_surplus_pool() -> None:
    from kentassets.opportunities import housing_capacity

    rows = [
        {"x": X0, "y": Y0, "agency": "A", "use": "depot", "status": "vacant",
         "site_area_ha": 0.8},
        {"x": X0, "y": Y0, "agency": "A", "use": "office", "status": "surplus",
         "footprint_m2": 1500.0},
        {"x": X0, "y": Y0, "agency": "B", "use": "land", "status": "surplus",
         "district_code": ASH, "district_name": "Ashford"},
    ]
    spare = surplus_assets(make_assets(rows)).sort_index()
    assert spare["homes_central"].tolist()[:2] == [32, 6]  # 0.8 ha x 40; 0.15 ha x 40
    assert spare["homes_low"].tolist()[:2] == [24, 4]
    assert spare["site_area_source"].tolist()[:2] == ["given", "footprint"]
    assert "footprint" in spare.loc[1, "housing_note"]
    assert pd.isna(spare.loc[2, "homes_central"])
    assert spare.loc[2, "housing_note"].startswith("unknown: no site area")
    table = housing_capacity(spare).set_index("district_code")
    assert table.loc[MAI, "homes_central"] == 38 and table.loc["(all)", "n_assets"] == 3
    assert table.loc[ASH, "note"].startswith("unknown")
    assert "1 site(s) without a site area" in table.loc["(all)", "note"]


def test_a_sensitive_host_is_not_named() -> None:
    rows = town_centre(X0)
    rows[1]["sensitive"] = True  # the GP surgery hosts (largest by benchmark)
    rows[1]["name"] = "Secret Surgery"
    row = score(rows).iloc[0]
    assert "Secret Surgery" not in row["shared_host"]
    assert row["shared_host"] == "NHS Kent and Medway ICB:sensitive site (withheld)"


def test_running_cost_per_m2_by_agency_and_use_is_marked() -> None:

    from kentassets.opportunities import benchmark_agency_uses

    assets = schema.coerce_assets(gpd.GeoDataFrame(
        {"agency": ["A", "A", "A", "B"], "use": ["office", "office", "library", "office"],
         "gia_m2": [100.0, 300.0, 200.0, None], "annual_cost_gbp": [10000.0, 20000.0,
                                                                   5000.0, 9000.0]},
        geometry=[Point(575000, 155000)] * 4, crs="EPSG:27700"))
    assets["gia_m2_source"] = ["given", "benchmark", "given", "given"]
    assets["annual_cost_gbp_source"] = ["given", "given", "given", "given"]
    out = benchmark_agency_uses(assets).set_index(["agency", "use"])
    office = out.loc[("A", "office")]
    assert office["cost_per_m2_gbp"] == pytest.approx(30000 / 400)
    assert office["cost_per_m2_given_gbp"] == pytest.approx(100.0)
    assert (office["given_share"], office["cost_per_m2_source"]) == (0.5, "mixed")
    assert out.loc[("A", "library"), "cost_per_m2_source"] == "given"
    assert out.loc[("B", "office"), "cost_per_m2_source"] == "none"
