"""What changed between two builds (kentassets.changes, kentassets.compare, io.builds)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from kentassets.changes import compare
from kentassets.compare import compare_builds, write_changes
from shapely.geometry import Point

from kentassets import schema
from kentassets.errors import BuildFolderError
from kentassets.io.builds import BuildData, read_build
from kentassets.render.changes import changes_html

MAI = "E07000110"


def build(rows: list[dict], colocations: list[dict] | None = None, name: str = "b") -> BuildData:
    """A build in memory: assets from dicts (x, y and any schema field)."""
    records = []
    for row in rows:
        rec = {"district_code": MAI, "district_name": "Maidstone", "use": "office",
               "tenure": "freehold", "status": "occupied", "source_file": "reg.csv",
               "colocation_id": None, **{k: v for k, v in row.items() if k not in "xy"}}
        rec["geometry"] = Point(row["x"], row["y"])
        records.append(rec)
    assets = (schema.coerce_assets(gpd.GeoDataFrame(records, crs=schema.CRS)) if records
              else schema.empty_assets())
    assets["colocation_id"] = pd.array([r.get("colocation_id") for r in rows], dtype="string")
    table = pd.DataFrame(colocations or [], columns=["colocation_id", "district_code",
                                                     "district_name", "agencies",
                                                     "largest_name", "saving_gbp"])
    return BuildData(Path(name), assets, table, {}, {})


def coloc(cid: str, agencies: str, saving: float) -> dict:
    return {"colocation_id": cid, "district_code": MAI, "district_name": "Maidstone",
            "agencies": agencies, "largest_name": "Hall", "saving_gbp": saving}


OLD = [
    {"asset_id": "P1", "agency": "Police", "name": "Police station", "x": 0, "y": 0,
     "colocation_id": "MAI-01"},
    {"asset_id": "C1", "agency": "Council", "name": "Town hall", "x": 50, "y": 0,
     "gia_m2": 1000.0, "colocation_id": "MAI-01"},
    {"asset_id": "C2", "agency": "Council", "name": "Depot", "x": 5000, "y": 0},
    {"asset_id": "C3", "agency": "Council", "name": "Library", "x": 9000, "y": 0},
    {"asset_id": "C4", "agency": "Council", "name": "Museum", "x": 12000, "y": 0},
]
NEW = [
    {"asset_id": "P1", "agency": "Police", "name": "Police station", "x": 0, "y": 0,
     "colocation_id": "MAI-01"},
    {"asset_id": "C1", "agency": "Council", "name": "Town hall", "x": 50, "y": 0,
     "gia_m2": 1200.0, "colocation_id": "MAI-01"},
    {"asset_id": "N1", "agency": "NHS", "name": "Clinic", "x": 30, "y": 30,
     "colocation_id": "MAI-01"},
    {"asset_id": "C2", "agency": "Council", "name": "Depot", "x": 5200, "y": 0},
    {"asset_id": "C4", "agency": "Council", "name": "Museum", "x": 12000, "y": 0},
]


def test_assets_and_colocations_compared() -> None:
    report = compare(build(OLD, [coloc("MAI-01", "Council;Police", 1000.0)]),
                     build(NEW, [coloc("MAI-01", "Council;NHS;Police", 5000.0)]))
    assert report.counts("asset") == {"added": 1, "removed": 1, "moved": 1, "changed": 1,
                                      "unchanged": 2}
    assets = report.table[report.table["level"] == "asset"].set_index("change")
    assert assets.loc["changed", "detail"] == "gia_m2: 1,000 \u2192 1,200"
    assert assets.loc["moved", "detail"] == "moved 200 m"
    assert assets.loc["removed", "old_id"] == "C3" and assets.loc["added", "new_id"] == "N1"
    assert set(report.table.loc[report.table["level"] == "asset", "matched_by"].dropna()) == {
        "asset_id"}
    col = report.table[report.table["level"] == "colocation"].iloc[0]
    assert col["change"] == "changed"
    assert col["detail"] == ("members: 1 joined, 0 left; agencies + NHS; estimated saving "
                             "£1,000 \u2192 £5,000 a year")
    total = report.districts.set_index("district").loc["Total"]
    assert total["assets added"] == 1 and total["co-locations changed"] == 1
    assert "1 added, 1 removed" in repr(report)


def test_merge_split_retire_appear_between_builds() -> None:
    def pair(prefix: str, x: float, cid: str | None, n: int = 2) -> list[dict]:
        return [{"asset_id": f"{prefix}{i}", "agency": f"A{i}", "name": f"{prefix} {i}",
                 "x": x + 10 * i, "y": 0, "colocation_id": cid} for i in range(n)]

    old = build(pair("a", 0, "MAI-01", 3) + pair("b", 200, "MAI-02") + pair("c", 5000, "MAI-03")
                + pair("d", 9000, "MAI-04", 4), [coloc(f"MAI-0{i}", "x", 0) for i in range(1, 5)])
    new = build(pair("a", 0, "MAI-01", 3) + pair("b", 200, "MAI-01") + pair("c", 5000, None)
                + pair("d", 9000, "MAI-04", 2)
                + [{**r, "colocation_id": "MAI-05"} for r in pair("d", 9000, None, 4)[2:]]
                + pair("e", 20000, "MAI-06"),
                [coloc(i, "x", 0) for i in ("MAI-01", "MAI-04", "MAI-05", "MAI-06")])
    report = compare(old, new)
    col = report.table[report.table["level"] == "colocation"].set_index("change")
    assert col.loc["merged", ["old_id", "new_id"]].tolist() == ["MAI-02", "MAI-01"]
    assert col.loc["retired", "old_id"] == "MAI-03"
    assert col.loc["split", ["old_id", "new_id"]].tolist() == ["MAI-04", "MAI-05"]
    assert col.loc["appeared", "new_id"] == "MAI-06"


def test_made_up_ids_do_not_decide_a_match() -> None:
    # Registers without ids: a row inserted at the top shifts every made-up id.
    old = build([{"asset_id": "reg#2", "agency": "KCC", "name": "Library", "x": 0, "y": 0},
                 {"asset_id": "reg#3", "agency": "KCC", "name": "Depot", "x": 900, "y": 0}])
    new = build([{"asset_id": "reg#2", "agency": "KCC", "name": "Gym", "x": 4000, "y": 0},
                 {"asset_id": "reg#3", "agency": "KCC", "name": "Library", "x": 0, "y": 0},
                 {"asset_id": "reg#4", "agency": "KCC", "name": "Depot", "x": 900, "y": 0}])
    report = compare(old, new)
    rows = report.table[report.table["level"] == "asset"]
    persisted = rows[rows["change"] == "unchanged"]
    assert sorted(persisted[["old_id", "new_id"]].values.tolist()) == [["reg#2", "reg#3"],
                                                                       ["reg#3", "reg#4"]]
    assert set(persisted["matched_by"]) == {"place_and_name"}
    assert rows.loc[rows["change"] == "added", "new_id"].tolist() == ["reg#2"]


def test_field_missing_from_one_register_is_not_compared() -> None:
    old = build([{**r, "staff_fte": 10.0} for r in OLD[2:]])
    new = build(NEW[3:])
    report = compare(old, new)
    assert report.not_compared[["field"]].values.ravel().tolist() == ["staff_fte"]
    assert "previous" not in report.not_compared["why"].iloc[0]
    assert report.counts("asset")["changed"] == 0


def test_page_and_csv_are_escaped_and_offline(tmp_path: Path) -> None:
    evil = [{**OLD[0], "name": "<script>alert(1)</script>"}, {**OLD[2], "name": "=HYPERLINK(1)"}]
    report = compare(build([]), build(evil))
    html = changes_html(report)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "http" not in html.replace("http-equiv", "")
    files = write_changes(report, tmp_path / "diff")
    assert [f.name for f in files] == ["changes.csv", "changes.html"]
    text = (tmp_path / "diff" / "changes.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK(1)" in text


def test_not_a_build_folder(tmp_path: Path) -> None:
    with pytest.raises(BuildFolderError, match="not a kentassets output folder"):
        read_build(tmp_path / "missing")
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(BuildFolderError) as info:
        compare_builds(tmp_path, tmp_path)
    assert "\n" not in str(info.value) and "assets.gpkg" in str(info.value)


CHELTENHAM = "assets/council_land_assets_examples/cheltenham_local_authority_land_and_assets_{}.csv"


def cheltenham(shared: Path, tmp: Path, year: int) -> Path:
    import kentassets as ka

    manifest = tmp / f"cheltenham_{year}.toml"
    manifest.write_text(
        f'title = "Cheltenham {year}"\nstudy_area = ["E07000078"]\ndata_date = {year}-06-01\n'
        f'[[register]]\npath = "{(shared / CHELTENHAM.format(year)).as_posix()}"\n'
        'agency = "Cheltenham Borough Council"\n'
    )
    out = tmp / f"out_{year}"
    ka.build(manifest, out, progress=False, offline=True)
    return out


@pytest.mark.slow
@pytest.mark.shared
def test_real_register_vintages(shared_data: Path, tmp_path: Path) -> None:
    """Cheltenham's land and assets register, 2021 and 2023: columns renamed, the type
    word of every asset code changed (09/00025/Land and Building -> 09/00025/BLDG)."""
    old, new = cheltenham(shared_data, tmp_path, 2021), cheltenham(shared_data, tmp_path, 2023)
    report = compare_builds(old, new)
    counts = report.counts("asset")
    persisted = counts["unchanged"] + counts["moved"] + counts["changed"]
    # 492 and 459 assets loaded; joining on the asset code alone pairs only 55.
    assert (persisted, counts["added"], counts["removed"]) == (367, 92, 125)
    assert (counts["moved"], counts["changed"]) == (34, 8)
    table = report.table.set_index("old_id", drop=False)
    rules = report.table["matched_by"].value_counts()
    assert (rules["asset_id"], rules["asset_reference"], rules["uprn"]) == (234, 131, 2)
    # Checked by hand in the two files:
    # 16 Berkeley Mews, vacant in 2021 (TenureDetail "Vacant"), let in 2023 ("Leasehold").
    row = table.loc["09/00040/Land and Building"]
    assert (row["change"], row["new_id"], row["detail"]) == (
        "changed", "09/00040/BLDG", "status: vacant \u2192 occupied")
    # Land in front of 93 Prestbury Road, "mostly adopted highway": gone in 2023.
    assert table.loc["09/00682/Land", "change"] == "removed"
    # Portland Street Car Park is only in the 2023 register.
    added = report.table[report.table["change"] == "added"].set_index("new_id")
    assert added.loc["09/00018/LAND", "name"].startswith("Portland Street Car Park")
    # 09/00141: Bath Terrace car park in 2021, St James Street car park in 2023.
    assert "check: same id but another UPRN" in table.loc["09/00141/Land", "detail"]
    # Uses were re-classified (2 values in 2021, 25 in 2023), so not compared.
    assert report.not_compared["field"].tolist() == ["use"]


def test_changes_never_replace_files_kentassets_did_not_write(tmp_path: Path) -> None:
    from kentassets.errors import OutputError

    report = compare(build(OLD), build(NEW))
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "changes.csv").write_text("my own notes")
    with pytest.raises(OutputError, match="kentassets did not write"):
        write_changes(report, mine)
    assert (mine / "changes.csv").read_text() == "my own notes"
    out = tmp_path / "diff"
    write_changes(report, out)
    write_changes(report, out)  # its own files: replaced
    assert (out / ".kentassets-output").is_file()
