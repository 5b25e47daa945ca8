"""Tests for the benchmark table, its reader, the estimates, sectors, district names, progress."""

from __future__ import annotations

import io
import logging
import tomllib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from kentassets.benchmarks import (
    BASES,
    FIGURES,
    benchmarks_from_mapping,
    benchmarks_to_toml,
    format_benchmarks,
)
from kentassets.estimates import ESTIMATE_COLUMNS, SOURCES, estimate_assets, given_share
from kentassets.sectors import SECTORS, assign_sectors, default_sector
from shapely.geometry import Point

from kentassets import schema
from kentassets._progress import Stages, progress
from kentassets.errors import BenchmarkError, KentAssetsError
from kentassets.io.authorities import district_name, district_names
from kentassets.io.benchmarks import (
    default_benchmarks,
    read_benchmarks,
    write_benchmarks_template,
)


def assets_of(rows: list[dict]) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(rows, geometry=[Point(575_000 + 10 * i, 155_000)
                                             for i in range(len(rows))], crs=schema.CRS)
    return schema.coerce_assets(frame)


# --- the shipped table -------------------------------------------------------------------


def test_every_number_in_the_shipped_table_has_a_source_and_a_basis() -> None:
    table = default_benchmarks()
    for row in table:
        assert row.source.strip(), row
        assert row.basis in BASES
        if row.basis == "assumption":
            assert row.note.strip(), f"{row.use}.{row.figure}: an assumption needs its reasoning"
        if row.known:
            assert row.low is not None and row.high is not None
            assert row.low <= row.central <= row.high
    for use in schema.USES:
        for figure in ("gia_m2", "cost_per_m2_gbp"):
            assert table.get(use, figure) is not None, (use, figure)
    assert table.get("office", "nia_m2_per_fte").central == 9.9


def test_table_round_trips_through_the_template(tmp_path: Path) -> None:
    table = default_benchmarks()
    path = write_benchmarks_template(tmp_path / "mine.toml")
    again = read_benchmarks(path)
    assert [(r.use, r.figure, r.low, r.central, r.high, r.basis) for r in again] == [
        (r.use, r.figure, r.low, r.central, r.high, r.basis) for r in table]
    with pytest.raises(BenchmarkError, match="already exists"):
        write_benchmarks_template(path)
    text = format_benchmarks(table)
    assert "library.cost_per_m2_gbp" in text and "[assumption]" in text
    assert tomllib.loads(benchmarks_to_toml(table))


def test_user_override_replaces_only_its_rows(tmp_path: Path) -> None:
    mine = tmp_path / "kent.toml"
    mine.write_text('[library.cost_per_m2_gbp]\nlow = 80\ncentral = 95\nhigh = 120\n'
                    'source = "KCC libraries 2025"\n\n[depot.gia_m2]\nvalue = 400\n'
                    'basis = "assumption"\nsource = "our depots"\n')
    table = read_benchmarks(mine)
    row = table.get("library", "cost_per_m2_gbp")
    assert (row.low, row.central, row.high, row.basis, row.origin) == (
        80.0, 95.0, 120.0, "override", "kent.toml")
    assert table.get("depot", "gia_m2").central == 400.0
    assert table.get("office", "cost_per_m2_gbp") == default_benchmarks().get(
        "office", "cost_per_m2_gbp")
    assert table.origins == ("kentassets", "kent.toml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[libary.gia_m2]\nvalue = 1\nsource = "x"\n', r"kent.toml: \[libary\] is not a use"),
        ('[library.area]\nvalue = 1\nsource = "x"\n', r"\[library.area\]: unknown figure"),
        ('[library.gia_m2]\nlow = 5\ncentral = 3\nhigh = 9\n', "not in order"),
        ('[library.gia_m2]\nlow = 5\ncentral = 6\n', "give low, central and high"),
        ('[library.gia_m2]\nvalue = "300 m2"\n', "must be a number"),
        ('[library.cost_per_m2_gbp]\nvalue = 99999\n', "out of range"),
        ('[library.gia_m2]\nvalue = 1\nbasis = "guess"\n', "basis 'guess' is not one of"),
        ('[library.gia_m2]\nvalue = 1\nsauce = "x"\n', "unknown key"),
        ('[library.gia_m2\nvalue = 1\n', "not a readable TOML file"),
    ],
)
def test_override_errors_name_the_file_key_and_fix(tmp_path: Path, text: str,
                                                   message: str) -> None:
    path = tmp_path / "kent.toml"
    path.write_text(text)
    with pytest.raises(BenchmarkError, match=message) as info:
        read_benchmarks(path)
    assert "kent.toml" in str(info.value)
    assert isinstance(info.value, KentAssetsError)


def test_missing_override_file() -> None:
    with pytest.raises(BenchmarkError, match=r"benchmark file not found.*template"):
        read_benchmarks("nowhere.toml")


def test_a_complete_table_needs_the_general_rows() -> None:
    with pytest.raises(BenchmarkError, match=r"missing \[general.net_to_gross\]"):
        benchmarks_from_mapping({"office": {}}, origin="bare.toml")


# --- estimates -----------------------------------------------------------------------------


def test_estimates_fill_and_mark_every_figure() -> None:
    assets = assets_of([
        {"agency": "KCC", "use": "library"},
        {"agency": "KCC", "use": "office", "gia_m2": 2000.0, "staff_fte": 150.0},
        {"agency": "KCC", "use": "office", "status": "vacant"},
        {"agency": "KCC", "use": "land"},
        {"agency": "KCC", "use": "police", "annual_cost_gbp": 50_000.0},
    ])
    out = estimate_assets(assets)
    assert out.index.equals(assets.index)
    assert set(ESTIMATE_COLUMNS) <= set(out.columns)
    for field in ("gia_m2", "staff_fte", "annual_cost_gbp"):
        src = out[f"{field}_source"]
        assert src.dropna().isin(SOURCES).all()
        # every figure present is marked, every figure marked is present
        assert (out[field].notna() == src.notna()).all()
        assert (out[f"{field}_low"].fillna(0) <= out[field].fillna(0)).all()
        assert (out[field].fillna(0) <= out[f"{field}_high"].fillna(0)).all()
    assert out.loc[1, "staff_fte"] == 150.0 and out.loc[1, "staff_fte_source"] == "given"
    assert out.loc[1, "annual_cost_gbp"] == 2000 * 467  # benchmark cost on a given area
    assert pd.isna(out.loc[2, "staff_fte"])  # nobody is estimated into a vacant office
    assert pd.isna(out.loc[3, "gia_m2"]) and pd.isna(out.loc[3, "gia_m2_source"])  # land
    assert out.loc[4, "annual_cost_gbp"] == 50_000.0
    assert out.loc[4, "annual_cost_gbp_source"] == "given"
    assert pd.isna(out.loc[0, "staff_fte"])  # staff only for offices
    assert "gia_m2_source" not in assets.columns  # input unchanged


def test_footprint_beats_the_typology_default() -> None:
    assets = assets_of([{"agency": "KCC", "use": "library", "footprint_m2": 400.0},
                        {"agency": "KCC", "use": "library", "footprint_m2": 400.0,
                         "gia_m2": 650.0}])
    out = estimate_assets(assets)
    assert out["gia_m2_source"].tolist() == ["footprint", "given"]
    assert out["gia_m2"].tolist() == [800.0, 650.0]  # 2 storeys; given untouched
    assert (out.loc[0, "gia_m2_low"], out.loc[0, "gia_m2_high"]) == (400.0, 1200.0)


def test_an_override_changes_the_estimates() -> None:
    table = benchmarks_from_mapping({"library": {"gia_m2": {"value": 500, "source": "us"}}},
                                    origin="us.toml", base=default_benchmarks())
    out = estimate_assets(assets_of([{"agency": "KCC", "use": "library"}]), benchmarks=table)
    assert out.loc[0, "gia_m2"] == 500.0
    assert out.loc[0, "annual_cost_gbp"] == 500 * 132
    assert out.attrs["benchmarks"] == "kentassets, us.toml"


def test_given_share_counts_staff_for_offices_only() -> None:
    out = estimate_assets(assets_of([
        {"agency": "A", "use": "office", "gia_m2": 900.0},
        {"agency": "A", "use": "library", "gia_m2": 300.0, "annual_cost_gbp": 1.0},
    ]))
    assert given_share(out).round(3).tolist() == [0.333, 1.0]


# --- sectors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agency", "sector"),
    [
        ("Kent Police", "police"),
        ("Kent Fire and Rescue Service", "fire_and_rescue"),
        ("KFRS station list 2017", "fire_and_rescue"),
        ("Home Office fire stations (England)", "fire_and_rescue"),
        ("East Kent Hospitals University NHS Foundation Trust", "nhs"),
        ("NHS Kent and Medway ICB", "nhs"),
        ("NHS GP practices", "nhs"),
        ("Kent Community Health NHS Foundation Trust", "nhs"),
        ("Maidstone Borough Council", "council"),
        ("Kent County Council", "council"),
        ("Folkestone & Hythe District Council", "council"),
        ("Kent Voluntary Action Network (fictional)", "voluntary_community"),
        ("DWP Jobcentre Plus", "central_government"),
        ("HM Courts & Tribunals Service", "central_government"),
        ("Acme Ltd", None),
    ],
)
def test_default_sector(agency: str, sector: str | None) -> None:
    assert default_sector(agency) == sector
    assert sector is None or sector in SECTORS


def test_manifest_sector_and_column_win_over_the_default() -> None:
    frame = pd.DataFrame({"agency": ["Arts Council England libraries", "Kent Police", "X"],
                          "sector": [None, "council", "nonsense"]})
    got = assign_sectors(frame, sectors={"Arts Council England libraries": "council"})
    assert got.tolist()[:2] == ["council", "council"]
    assert pd.isna(got.iloc[2])


# --- district names --------------------------------------------------------------------------


def test_district_names_for_any_english_district(caplog: pytest.LogCaptureFixture) -> None:
    names = district_names(["E07000078", "E08000025", "E09000033", "E06000035", "E06000066"])
    assert names == {"E07000078": "Cheltenham", "E08000025": "Birmingham",
                     "E09000033": "Westminster", "E06000035": "Medway",
                     "E06000066": "Somerset"}
    for code, name in schema.KENT_AND_MEDWAY.items():
        assert district_name(code) == name
    with caplog.at_level(logging.WARNING):
        assert district_name("E06000999") == "E06000999"
    assert "no ONS name known offline" in caplog.text


# --- progress --------------------------------------------------------------------------------


def test_progress_is_plain_lines_when_not_a_terminal() -> None:
    log = io.StringIO()
    stages = Stages(3, stream=log)
    stages.start("District boundaries")
    assert list(progress(range(4), desc="Loading registers", unit="file", stream=log)) == [
        0, 1, 2, 3]
    stages.start("Scoring")
    stages.close()
    assert log.getvalue().splitlines() == [
        "[1/3] District boundaries", "Loading registers (4 files)", "[2/3] Scoring",
        "[done] 2 stages"]
    assert "\r" not in log.getvalue()
    quiet = io.StringIO()
    Stages(2, enabled=False, stream=quiet).start("x")
    assert quiet.getvalue() == ""


def test_numbers_are_finite_in_the_shipped_table() -> None:
    for row in default_benchmarks():
        for value in (row.low, row.central, row.high):
            assert value is None or np.isfinite(value)
    assert set(FIGURES) == {"gia_m2", "cost_per_m2_gbp", "nia_m2_per_fte"}


def test_estimating_twice_changes_nothing_and_an_override_replaces_estimates() -> None:
    assets = assets_of([{"agency": "KCC", "use": "library"},
                        {"agency": "KCC", "use": "library", "gia_m2": 700.0}])
    once = estimate_assets(assets)
    twice = estimate_assets(once)
    pd.testing.assert_frame_equal(pd.DataFrame(once), pd.DataFrame(twice))
    table = benchmarks_from_mapping({"library": {"gia_m2": {"value": 500, "source": "us"}}},
                                    origin="us.toml", base=default_benchmarks())
    again = estimate_assets(once, benchmarks=table)
    assert again["gia_m2"].tolist() == [500.0, 700.0]  # the estimate is replaced, given kept
    assert again["gia_m2_source"].tolist() == ["benchmark", "given"]


def test_agencies_are_compared_on_given_figures_only() -> None:
    from kentassets.opportunities import benchmark_agencies

    assets = assets_of([
        {"agency": "A", "use": "office", "gia_m2": 1500.0, "staff_fte": 100.0},
        {"agency": "A", "use": "office"},  # estimated: 1,000 m2, 80.8 FTE
    ])
    raw = benchmark_agencies(assets).set_index("agency")
    est = benchmark_agencies(estimate_assets(assets)).set_index("agency")
    assert est.loc["A", "office_m2_per_fte"] == raw.loc["A", "office_m2_per_fte"] == 15.0
    assert est.loc["A", "gia_m2"] == 1500.0
