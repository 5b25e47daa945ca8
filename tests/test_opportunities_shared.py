"""Issue 14 on the real public lists in ../shared/data: estimates marked, places told apart."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import pytest
from kentassets.estimates import SOURCES, complete_assets

import kentassets as ka
from kentassets import schema
from kentassets.io.manifest import parse_manifest
from kentassets.load import read_manifest

pytestmark = [pytest.mark.shared, pytest.mark.slow]
MANIFEST = Path(__file__).parent / "data" / "shared_manifest.toml"


@pytest.fixture(scope="module")
def real(shared_data: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    lad = gpd.read_file(shared_data / "boundaries" / "lad_may2024_bsc_kent_medway.geojson")
    lad = lad.rename(columns={"LAD24CD": "district_code", "LAD24NM": "district_name"})
    districts = lad[["district_code", "district_name", "geometry"]].to_crs(27700)
    manifest = parse_manifest(MANIFEST)
    assets = read_manifest(manifest, districts=districts, progress=False).assets
    kent = assets[assets["district_code"].isin(schema.KENT_AND_MEDWAY)]
    estimated = complete_assets(kent, sectors=manifest.sectors)
    opps = ka.score_opportunities(ka.find_colocations(estimated), estimated,
                                  as_of_date=dt.date(2025, 10, 1))
    return estimated, opps


def test_every_estimate_is_marked(real) -> None:
    assets, _ = real
    for field in ("gia_m2", "staff_fte", "annual_cost_gbp"):
        present = assets[field].notna()
        assert (assets.loc[present, f"{field}_source"].isin(SOURCES)).all()
        assert assets.loc[~present, f"{field}_source"].isna().all()
    # the real lists give no floor areas or costs: every one shown is an estimate
    assert (assets["gia_m2_source"].dropna() != "given").all()
    assert assets["gia_m2"].notna().mean() > 0.9


def test_no_shortlisted_zero_without_a_reason(real) -> None:
    _, opps = real
    short = ka.shortlist(opps)
    assert len(short) >= 5 * 13 - 5
    zero = short[short["saving_gbp"] == 0]
    assert zero["saving_note"].str.startswith("£0: ").all()
    paid = short[short["saving_gbp"] > 0]
    assert len(paid) > 0
    assert paid["saving_note"].str.contains("estimated").all()
    assert (paid["saving_low_gbp"] < paid["saving_high_gbp"]).all()
    assert (short["horizon"] == "unknown").all()
    assert (short["horizon_reason"] == "no lease or space data").all()


def test_scores_in_each_districts_shortlist_are_not_all_equal(real) -> None:
    _, opps = real
    short = ka.shortlist(opps)
    for code, group in short.groupby("district_code"):
        assert group["score"].nunique() > 1, code
        assert group["district_rank"].is_unique
    assert opps.loc[opps["is_colocation"], "score"].nunique() > 20


def test_town_centre_hubs_outrank_one_service_on_one_site(real) -> None:
    """A library, GP surgery and police front counter together rank above any cluster of
    health records alone (e.g. GP practices listed at one hospital)."""
    _, opps = real
    scored = opps[opps["is_colocation"]]
    hubs = scored[scored["public_facing_uses"].fillna("").str.count(";") >= 2]
    health_only = scored[(scored["public_facing_uses"] == "health") & (scored["n_sectors"] == 1)]
    assert len(hubs) >= 1 and len(health_only) >= 10
    assert hubs["rank"].max() < health_only["rank"].min()
    assert (hubs["district_rank"] == 1).all()
