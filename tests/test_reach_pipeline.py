"""The reach stage in a build: inputs, analysis, outputs, ledger and --no-reach."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import kentassets as ka
from kentassets.cli import main
from kentassets.pipeline.reach import reach_inputs, reach_settings


@pytest.fixture(scope="module")
def analysed() -> ka.Analysis:
    estate = ka.sample_estate()
    districts = ka.load_districts()
    inputs = reach_inputs(ka.BuildOptions(), estate.manifest, study_area=estate.manifest.study_area,
                          districts=districts, postcodes=ka.PostcodeDirectory())
    return ka.analyse(estate, districts, reach=inputs, synthetic=True,
                      data_date=estate.manifest.data_date)


def test_analysis_carries_the_reach_tables(analysed: ka.Analysis) -> None:
    reach, options, demand = analysed.service_reach, analysed.reach_options, analysed.reach_demand
    assert reach is not None and demand is not None
    assert set(reach["service"]) == {"library", "health", "customer_service", "police"}
    assert (reach["district_code"] == "county").sum() == 4
    assert {"district_code", "demand", "distance_library_m"} <= set(demand.columns)
    assert demand.crs.to_epsg() == 27700
    if options is not None:
        assert (options["solve_status"] == "optimal").all()
    assert analysed.params["reach"] is True and analysed.params["reach_distance"] == "straight"


def test_opportunities_say_what_each_move_does(analysed: ka.Analysis) -> None:
    opps = analysed.opportunities[analysed.opportunities["is_colocation"]]
    for col in ("reach_people_farther", "reach_people_losing_1000m", "reach_people_losing_2000m",
                "reach_people_losing_5000m", "reach_mean_extra_m", "reach_note", "points_reach"):
        assert col in opps.columns, col
    points = [c for c in opps.columns if c.startswith("points_")]
    assert (opps[points].sum(axis=1) - opps["score"]).abs().max() < 0.6
    nobody = opps["reach_people_farther"] == 0
    assert (opps.loc[nobody, "points_reach"] == opps["points_reach"].max()).all()
    stranding = opps["reach_people_losing_1000m"] > 0
    assert stranding.any() and opps.loc[stranding, "reach_note"].str.startswith("Strands").all()
    # a move that strands people scores lower on reach than one that keeps everyone in reach
    assert opps.loc[stranding, "points_reach"].max() <= opps.loc[~stranding, "points_reach"].min()


def test_reach_switches() -> None:
    assert reach_settings(ka.BuildOptions(reach=False), None) == (False, "straight")
    assert reach_settings(ka.BuildOptions(reach_distance="network"), None) == (True, "network")
    with pytest.raises(ka.ValidationError, match="reach_distance"):
        ka.BuildOptions(reach_distance="roads")
    with pytest.raises(ka.ValidationError, match="--basemap"):
        reach_inputs(ka.BuildOptions(reach_distance="network"), None, study_area=["E07000110"],
                     districts=ka.load_districts(codes=["E07000110"]),
                     postcodes=ka.PostcodeDirectory())


@pytest.mark.slow
def test_build_writes_reach_and_ledgers_demand_rows(sample_manifest: Path, tmp_path: Path
                                                    ) -> None:
    folder = sample_manifest.parent
    (folder / "members.csv").write_text(
        "Postcode,Members\nME14 1XQ,300\nCT1 2EH,120\nZZ9 9ZZ,5\nME14 1XQ,-2\n", encoding="utf-8")
    manifest = folder / "with_demand.toml"
    manifest.write_text(sample_manifest.read_text(encoding="utf-8")
                        + '\n[[demand]]\npath = "members.csv"\ncount = "Members"\n'
                        'service = "library"\n', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(manifest), "--out", str(out), "--offline", "-q", "--jobs", "1"]) == 0
    ledger = pd.read_csv(out / "load_ledger.csv")
    rows = ledger[ledger["file"] == "members.csv"]
    assert rows["status"].tolist() == ["loaded", "loaded", "rejected", "rejected"]
    assert rows["reason"].tolist()[2:] == ["postcode_not_found", "demand_count_negative"]
    reach = pd.read_csv(out / "service_reach.csv")
    library = reach[(reach["service"] == "library") & (reach["district_code"] == "county")]
    assert library["demand"].item() == 420 and not library["demand_estimate"].item()
    health = reach[(reach["service"] == "health") & (reach["district_code"] == "county")]
    assert health["demand_estimate"].item()
    assert (out / "reach_options.csv").exists()
    opps = pd.read_csv(out / "opportunities.csv")
    assert "reach_note" in opps.columns and opps["param_reach"].all()
    quiet = tmp_path / "quiet"
    assert main(["build", str(manifest), "--out", str(quiet), "--offline", "-q", "--jobs", "1",
                 "--no-reach"]) == 0
    assert not (quiet / "service_reach.csv").exists()
    assert "members.csv" not in set(pd.read_csv(quiet / "load_ledger.csv")["file"])


def test_options_on_workers_equal_options_here(analysed: ka.Analysis) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from kentassets.pipeline.reach import solve_option_problems
    from kentassets.reach import default_demand, reach_model
    from kentassets.reach.options import option_inputs

    estate = ka.sample_estate()
    codes = ["E07000110", "E07000105", "E06000035"]
    model = reach_model(estate.assets, default_demand(study_area=codes))
    inputs = option_inputs(model, codes=codes)
    here = solve_option_problems(inputs, engine=model.engine, threshold_m=2000.0,
                                 method="straight")
    with ThreadPoolExecutor(2) as pool:
        spread = solve_option_problems(inputs, engine=model.engine, threshold_m=2000.0,
                                       method="straight", executor=pool)
    pd.testing.assert_frame_equal(here, spread)


def test_network_distance_from_the_basemap(tmp_path: Path) -> None:
    import geopandas as gpd
    from shapely.geometry import LineString

    from kentassets.reach import RoadNetwork

    x0, y0 = 575_000.0, 155_000.0  # Maidstone
    roads = gpd.GeoDataFrame(
        {"road_classification": ["A Road", "Unclassified"]},
        geometry=[LineString([(x0, y0), (x0 + 3000, y0)]),
                  LineString([(x0 + 3000, y0), (x0 + 3000, y0 + 3000)])], crs=27700)
    gpkg = tmp_path / "open_roads.gpkg"
    roads.to_file(gpkg, layer="road_link", driver="GPKG")
    districts = ka.load_districts(codes=["E07000110"])
    inputs = reach_inputs(ka.BuildOptions(reach_distance="network"), None,
                          study_area=["E07000110"], districts=districts,
                          postcodes=ka.PostcodeDirectory(), basemap=gpkg)
    assert inputs is not None and isinstance(inputs.engine, RoadNetwork)
    assert inputs.engine.method == "network" and len(inputs.engine.x) == 3


