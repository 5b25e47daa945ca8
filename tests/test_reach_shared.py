"""Service reach on the real Kent and Medway library and GP lists (../shared/data)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from scipy.spatial import cKDTree

import kentassets as ka
from kentassets.io.postcodes import PostcodeDirectory

MANIFEST = Path(__file__).parent / "data" / "shared_reach_manifest.toml"

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def real(shared_data: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The loaded libraries and GP practices, and the default demand on Code-Point."""
    lad = gpd.read_file(shared_data / "boundaries" / "lad_may2024_bsc_kent_medway.geojson")
    lad = lad.rename(columns={"LAD24CD": "district_code", "LAD24NM": "district_name"})
    districts = lad[["district_code", "district_name", "geometry"]].to_crs(27700)
    postcodes = PostcodeDirectory(shared_data / "postcodes"
                                  / "codepoint_open_2025_4_kent_medway.csv")
    result = ka.read_manifest(MANIFEST, districts=districts, postcodes=postcodes, progress=False)
    return result.assets, ka.default_demand(postcodes=postcodes)


def test_library_shares_are_plausible_and_match_a_kd_tree(real: tuple) -> None:
    assets, demand = real
    table = ka.service_reach(assets, demand, services=["library"])
    libraries = assets[assets["use"] == "library"]
    assert 110 <= len(libraries) <= 125  # 108 KCC + 17 Medway, some closed or mobile
    tree = cKDTree(np.column_stack([libraries.geometry.x, libraries.geometry.y]))
    dist, _ = tree.query(np.column_stack([demand.geometry.x, demand.geometry.y]))
    for _, row in table.iterrows():
        here = (np.ones(len(demand), bool) if row["district_code"] == "county"
                else (demand["district_code"] == row["district_code"]).to_numpy())
        weight = demand["demand"].to_numpy()[here]
        expected = weight[dist[here] <= 2000].sum() / weight.sum()
        assert row["within_2000m_share"] == pytest.approx(expected, abs=1e-4)
        # every district has libraries; most people live within 5 km of one
        assert 0.3 <= row["within_2000m_share"] <= 1.0
        assert row["within_5000m_share"] >= 0.7  # Ashford, the most rural: 0.76
    county = table[table["district_code"] == "county"].iloc[0]
    assert county["demand"] == pytest.approx(1_861_900, abs=1)
    assert 0.5 <= county["within_2000m_share"] <= 0.95


def test_closing_the_most_isolated_library_lowers_its_share(real: tuple) -> None:
    assets, demand = real
    libraries = assets[assets["use"] == "library"]
    xy = np.column_stack([libraries.geometry.x, libraries.geometry.y])
    gap, _ = cKDTree(xy).query(xy, k=2)
    isolated = libraries.iloc[int(np.argmax(gap[:, 1]))]
    closed = [(isolated["agency"], isolated["asset_id"])]
    before = ka.service_reach(assets, demand, services=["library"])
    after = ka.service_reach(assets, demand, services=["library"], closed=closed)
    code = isolated["district_code"]
    b = before[before["district_code"] == code].iloc[0]
    a = after[after["district_code"] == code].iloc[0]
    assert a["sites"] == b["sites"] - 1
    assert a["within_5000m_share"] < b["within_5000m_share"]
    assert a["mean_distance_m"] > b["mean_distance_m"]
