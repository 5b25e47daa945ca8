"""Co-location ids across rounds (kentassets.rounds) and asset matching (kentassets.matching)."""

from __future__ import annotations

import geopandas as gpd
import pytest
from kentassets.matching import generated_ids, match_assets
from shapely.geometry import Point

from kentassets import schema
from kentassets.colocation import find_colocations
from kentassets.errors import ValidationError
from kentassets.rounds import carry_ids, link_colocations, relabel

MAI = "E07000110"


def make_assets(rows: list[tuple[str, str, float, float]], **extra: list) -> gpd.GeoDataFrame:
    """Assets from (asset_id, agency, x, y); keyword lists add columns."""
    frame = gpd.GeoDataFrame(
        {
            "asset_id": [r[0] for r in rows],
            "agency": [r[1] for r in rows],
            "name": [f"Building {r[0]}" for r in rows],
            "district_code": MAI,
            "district_name": "Maidstone",
            "source_file": "reg.csv",
            **extra,
        },
        geometry=[Point(r[2], r[3]) for r in rows],
        crs=schema.CRS,
    )
    return schema.coerce_assets(frame)


def cluster(assets: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, object]:
    result = find_colocations(assets, eps_m=100)
    return result.label_assets(assets), result


def round_two(old_rows: list, new_rows: list) -> tuple[object, gpd.GeoDataFrame]:
    """Cluster both rounds, carry the ids; return the carry and the relabelled new assets."""
    old_assets, _ = cluster(make_assets(old_rows))
    new_assets, result = cluster(make_assets(new_rows))
    carry = carry_ids(result.colocations, new_assets, previous_assets=old_assets)
    final = relabel(result, carry.mapping)
    return carry, final.label_assets(new_assets)


# Three co-locations north to south, each two agencies 50 m apart.
NORTH = [("P1", "Police", 575_000, 160_000), ("C1", "Council", 575_050, 160_000)]
MIDDLE = [("P2", "Police", 575_000, 158_000), ("C2", "Council", 575_050, 158_000)]
SOUTH = [("P3", "Police", 575_000, 156_000), ("C3", "Council", 575_050, 156_000)]
BASE = NORTH + MIDDLE + SOUTH


def ids_of(assets: gpd.GeoDataFrame) -> dict[str, str]:
    return dict(zip(assets["asset_id"], assets["colocation_id"].astype(object), strict=True))


def test_first_round_ids_as_today() -> None:
    assets, result = cluster(make_assets(BASE))
    carry = carry_ids(result.colocations, assets)
    assert carry.mapping == {"MAI-01": "MAI-01", "MAI-02": "MAI-02", "MAI-03": "MAI-03"}
    assert carry.register["status"].tolist() == ["active"] * 3
    assert carry.register["first_round"].tolist() == [1, 1, 1]


def test_unchanged_round_keeps_every_id() -> None:
    carry, assets = round_two(BASE, BASE)
    assert ids_of(assets)["P3"] == "MAI-03"
    assert all(k == v for k, v in carry.mapping.items())
    assert carry.round_number == 2 and carry.share_kept() == 1.0
    assert set(carry.register["last_round"]) == {2}


def test_new_colocation_in_the_north_does_not_shift_ids() -> None:
    top = [("G9", "NHS", 575_000, 162_000), ("C9", "Council", 575_040, 162_000)]
    carry, assets = round_two(BASE, top + BASE)
    got = ids_of(assets)
    # Numbered afresh, the new one would be MAI-01 and push every other id down.
    assert (got["P1"], got["P2"], got["P3"]) == ("MAI-01", "MAI-02", "MAI-03")
    assert got["G9"] == "MAI-04"
    row = carry.register.set_index("colocation_id").loc["MAI-04"]
    assert (row["first_round"], row["status"]) == (2, "active")


def test_grew_by_one_keeps_id() -> None:
    grown = [*BASE, ("N2", "NHS", 575_020, 158_030)]
    carry, assets = round_two(BASE, grown)
    assert ids_of(assets)["N2"] == "MAI-02" == ids_of(assets)["P2"]
    assert carry.share_kept() == 1.0


def test_lost_one_keeps_id() -> None:
    middle3 = [*BASE, ("N2", "NHS", 575_020, 158_030)]
    _carry, assets = round_two(middle3, BASE)
    assert ids_of(assets)["P2"] == "MAI-02"


def test_moved_by_regeocoding_and_renamed_id_keeps_id() -> None:
    # The council's asset moved 20 m (a re-geocoded postcode) and its id became
    # C2/BLDG: matched through its reference, the co-location keeps its id.
    moved = [r if r[0] != "C2" else ("C2/BLDG", "Council", 575_070, 158_010) for r in BASE]
    _carry, assets = round_two(BASE, moved)
    assert ids_of(assets)["C2/BLDG"] == "MAI-02"


def test_merge_keeps_larger_id_and_records_merge() -> None:
    # Two co-locations 300 m apart; a new asset between them joins them into one.
    a = [("A1", "Police", 575_000, 158_000), ("A2", "Council", 575_050, 158_000),
         ("A3", "NHS", 575_050, 158_060)]
    b = [("B1", "Police", 575_300, 158_000), ("B2", "Council", 575_350, 158_000)]
    bridge = [("X1", "Fire", 575_130, 158_000), ("X2", "Fire", 575_220, 158_000)]
    old_assets, _ = cluster(make_assets(a + b))
    assert ids_of(old_assets)["A1"] != ids_of(old_assets)["B1"]
    larger = ids_of(old_assets)["A1"]
    smaller = ids_of(old_assets)["B1"]
    carry, assets = round_two(a + b, a + b + bridge)
    got = ids_of(assets)
    assert got["A1"] == got["B1"] == larger
    reg = carry.register.set_index("colocation_id")
    assert reg.loc[smaller, "status"] == "retired"
    assert reg.loc[smaller, "merged_into"] == larger
    assert reg.loc[smaller, "last_round"] == 1


def test_split_larger_part_keeps_id_other_records_split() -> None:
    a = [("A1", "Police", 575_000, 158_000), ("A2", "Council", 575_050, 158_000),
         ("A3", "NHS", 575_050, 158_060)]
    b = [("B1", "Police", 575_300, 158_000), ("B2", "Council", 575_350, 158_000)]
    bridge = [("X1", "Fire", 575_130, 158_000), ("X2", "Fire", 575_220, 158_000)]
    old_assets, _ = cluster(make_assets(a + b + bridge))
    whole = ids_of(old_assets)["A1"]
    carry, assets = round_two(a + b + bridge, a + b)  # the bridge is sold
    got = ids_of(assets)
    assert got["A1"] == whole
    assert isinstance(got["B1"], str) and got["B1"] != whole
    reg = carry.register.set_index("colocation_id")
    assert reg.loc[got["B1"], "split_from"] == whole
    assert reg.loc[got["B1"], "first_round"] == 2


def test_retired_id_is_never_reused() -> None:
    # Round 2 drops the middle co-location; round 3 has a new one in the middle.
    old_assets, _ = cluster(make_assets(BASE))
    r2_assets, r2 = cluster(make_assets(NORTH + SOUTH))
    carry2 = carry_ids(r2.colocations, r2_assets, previous_assets=old_assets)
    assert sorted(carry2.mapping.values()) == ["MAI-01", "MAI-03"]
    r2_final = relabel(r2, carry2.mapping).label_assets(r2_assets)
    elsewhere = [("Q1", "Police", 575_000, 158_500), ("Q2", "NHS", 575_040, 158_500)]
    r3_assets, r3 = cluster(make_assets(NORTH + SOUTH + elsewhere))
    carry3 = carry_ids(r3.colocations, r3_assets, previous_assets=r2_final,
                       previous_register=carry2.register)
    assert ids_of(relabel(r3, carry3.mapping).label_assets(r3_assets))["Q1"] == "MAI-04"
    reg = carry3.register.set_index("colocation_id")
    assert reg.loc["MAI-02", "status"] == "retired" and reg.loc["MAI-02", "last_round"] == 1
    assert reg.loc["MAI-04", "first_round"] == 3
    assert carry3.register["colocation_id"].is_unique


def test_relabel_keeps_labels_consistent() -> None:
    top = [("G9", "NHS", 575_000, 162_000), ("C9", "Council", 575_040, 162_000)]
    old_assets, _ = cluster(make_assets(BASE))
    new_assets, result = cluster(make_assets(top + BASE))
    carry = carry_ids(result.colocations, new_assets, previous_assets=old_assets)
    final = relabel(result, carry.mapping)
    table = final.clusters
    assert table["colocation_id"].tolist()[:4] == ["MAI-01", "MAI-02", "MAI-03", "MAI-04"]
    assert (table["cluster_label"].to_numpy() == range(len(table))).all()
    labelled = final.label_assets(new_assets)
    for cid, label in zip(labelled["colocation_id"], labelled["cluster_label"], strict=True):
        if isinstance(cid, str):
            assert table.loc[label, "colocation_id"] == cid


def test_link_colocations_validates() -> None:
    assets, _ = cluster(make_assets(BASE))
    with pytest.raises(ValidationError, match="min_jaccard"):
        link_colocations(assets, assets, match_assets(assets, assets), min_jaccard=0)


# --- asset matching ----------------------------------------------------------------


def test_matching_rules_in_order() -> None:
    old = make_assets(
        [("K-1", "KCC", 0, 0), ("09/00025/Land", "KCC", 1000, 0), ("Z9", "KCC", 2000, 0),
         ("reg#5", "KCC", 3000, 0), ("Q1", "KCC", 4000, 0)],
        uprn=[None, None, "0100", None, None],
    )
    new = make_assets(
        [("k-1 ", "KCC", 5, 0), ("09/00025/BLDG", "KCC", 1000, 0), ("Y7", "KCC", 2050, 0),
         ("reg#6", "KCC", 3010, 0), ("Q1", "Police", 4000, 0)],
        uprn=[None, None, "100", None, None],
    )
    new.loc[3, "name"] = "Building reg#5"  # the same building, one row lower
    got = match_assets(old, new)
    assert got[["old", "new", "rule"]].values.tolist() == [
        [0, 0, "asset_id"], [1, 1, "asset_reference"], [2, 2, "uprn"], [3, 3, "place_and_name"],
    ]
    assert got["distance_m"].tolist()[:3] == [5.0, 0.0, 50.0]


def test_generated_ids_never_match_alone() -> None:
    # reg#5 is a made-up id on both sides but for different buildings far apart.
    old = make_assets([("reg#5", "KCC", 0, 0)])
    new = make_assets([("reg#5", "KCC", 9000, 0)])
    new.loc[0, "name"] = "Something else"
    assert generated_ids(old).tolist() == [True]
    assert match_assets(old, new).empty


def test_shared_uprn_needs_similar_names() -> None:
    old = make_assets([("A", "KCC", 0, 0), ("B", "KCC", 0, 0)], uprn=["7", "7"])
    new = make_assets([("C", "KCC", 0, 0), ("D", "KCC", 0, 0)], uprn=["7", "7"])
    old["name"] = ["Pavilion cafe", "Sports hall"]
    new["name"] = ["Sports hall main", "Tennis courts"]
    got = match_assets(old, new)
    assert got[["old", "new", "rule"]].values.tolist() == [[1, 0, "uprn"]]


def test_match_parameters_validated() -> None:
    a = make_assets([("A", "KCC", 0, 0)])
    with pytest.raises(ValidationError, match="place_m"):
        match_assets(a, a, place_m=-1)
    with pytest.raises(ValidationError, match="min_similarity"):
        match_assets(a, a, min_similarity=2)
