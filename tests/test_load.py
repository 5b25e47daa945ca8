"""Tests for kentassets.load: canonical assets and a ledger that accounts for every row."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, Polygon, box

from kentassets.errors import RegisterFormatError, ValidationError
from kentassets.io.postcodes import PostcodeDirectory
from kentassets.load import (
    LoadResult,
    assign_sites,
    combine_results,
    parse_grid_references,
    parse_numbers,
    read_manifest,
    read_register,
    resolve_columns,
)
from kentassets.schema import ASSET_COLUMNS, GB_BOUNDS_M, LEDGER_FIELDS

REPO = Path(__file__).resolve().parents[1]
SHARED_MANIFEST = REPO / "tests" / "data" / "shared_manifest.toml"

MAIDSTONE, CANTERBURY = "E07000110", "E07000106"
CODEPOINT_ROWS = [
    # Code-Point Open layout: postcode, quality, E, N, country, nhs, nhs, county, district, ward
    ("ME14 1XQ", 575900, 155800, MAIDSTONE),
    ("ME15 6NF", 576000, 155000, MAIDSTONE),
    ("CT1 2NH", 615000, 157500, CANTERBURY),
    ("GL50 1DY", 395265, 222126, "E07000078"),
]


@pytest.fixture(scope="session")
def districts() -> gpd.GeoDataFrame:
    """Two square 'districts' over mid and east Kent."""
    return gpd.GeoDataFrame(
        {"district_code": [MAIDSTONE, CANTERBURY], "district_name": ["Maidstone", "Canterbury"]},
        geometry=[box(540_000, 130_000, 600_000, 180_000), box(600_000, 130_000, 660_000, 180_000)],
        crs="EPSG:27700",
    )


@pytest.fixture(scope="session")
def postcodes(tmp_path_factory: pytest.TempPathFactory) -> PostcodeDirectory:
    path = tmp_path_factory.mktemp("pc") / "codepoint.csv"
    lines = [
        f'"{pc}",10,{e},{n},"E92000001","","","E10000016","{d}","E05000001"'
        for pc, e, n, d in CODEPOINT_ROWS
    ]
    path.write_text("\n".join(lines) + "\n")
    return PostcodeDirectory(path)


@pytest.fixture
def load(tmp_path: Path, districts: gpd.GeoDataFrame, postcodes: PostcodeDirectory):
    """Write ``text`` to a file and read it as a register."""

    def run(text: str, name: str = "reg.csv", **kw) -> LoadResult:
        path = tmp_path / name
        path.write_text(text, encoding=kw.pop("encoding_written", "utf-8"))
        kw.setdefault("agency", "Kent County Council")
        return read_register(path, districts=districts, postcodes=postcodes, **kw)

    return run


def check_invariants(result: LoadResult, rows: int | None = None) -> None:
    ledger, assets = result.ledger, result.assets
    assert list(ledger.columns) == list(LEDGER_FIELDS)
    assert list(assets.columns)[: len(ASSET_COLUMNS) - 1] == list(ASSET_COLUMNS[:-1])
    counts = ledger["status"].value_counts()
    assert counts.sum() == len(ledger)
    assert set(counts.index) <= {"loaded", "excluded", "rejected"}
    if rows is not None:
        assert len(ledger) == rows
    assert (ledger["status"] == "loaded").sum() == len(assets)
    assert assets.index.is_unique and assets.index.isin(ledger.index).all()
    assert (ledger.loc[assets.index, "status"] == "loaded").all()
    assert assets.crs.to_epsg() == 27700
    if len(assets):
        x0, y0, x1, y1 = GB_BOUNDS_M
        assert assets.geometry.geom_type.eq("Point").all()
        assert assets.geometry.x.between(x0, x1).all() and assets.geometry.y.between(y0, y1).all()
        assert assets["district_code"].notna().all()
    not_loaded = ledger[ledger["status"] != "loaded"]
    assert not_loaded["reason"].str.fullmatch(r"[a-z_]+").all()
    assert (not_loaded["message"].str.len() > 20).all()


# --- locations ----------------------------------------------------------------------------


def test_eastings_northings(load) -> None:
    result = load("Ref,Name,Easting,Northing\nA1,Hall,575900,155800\nA2,Depot,615000,157500\n")
    check_invariants(result, rows=2)
    assets = result.assets
    assert assets["location_method"].tolist() == ["easting_northing"] * 2
    assert assets["location_precision_m"].tolist() == [1.0, 1.0]
    assert assets["district_code"].tolist() == [MAIDSTONE, CANTERBURY]
    assert assets["source_row"].tolist() == [2, 3]
    assert result.column_map[str(assets["source_file"].iloc[0])]["easting"] == "Easting"


def test_latitude_longitude_and_swapped_pairs(load) -> None:
    text = "Site,Latitude,Longitude\nA,51.2746,0.5225\nB,0.5225,51.2746\n"
    result = load(text)
    check_invariants(result, rows=2)
    assets = result.assets
    assert assets["location_method"].tolist() == ["latitude_longitude"] * 2
    assert assets.geometry.iloc[0].distance(assets.geometry.iloc[1]) < 1
    assert abs(assets.geometry.iloc[0].x - 575_900) < 300
    warning = result.ledger.loc[1, "warnings"]
    assert "coordinates_swapped" in warning and "Latitude and Longitude" in warning
    assert "coordinates_swapped" not in result.ledger.loc[0, "warnings"]
    # the file has no id column: the made-up ids are reported, not silent
    assert result.ledger["warnings"].str.contains("asset_id_generated").all()


def test_xy_columns_holding_degrees_are_read_as_lon_lat(load) -> None:
    result = load("Name,X,Y\nHall,0.5225,51.2746\n")
    assert result.assets["location_method"].tolist() == ["latitude_longitude"]


@pytest.mark.parametrize(
    ("ref", "precision"),
    [("TQ 75840 55630", 1.0), ("TQ75845563", 7.07), ("TQ 758 556", 70.7)],
)
def test_grid_references(load, ref: str, precision: float) -> None:
    result = load(f"Name,Grid Ref\nHall,{ref}\n")
    check_invariants(result, rows=1)
    asset = result.assets.iloc[0]
    assert asset["location_method"] == "grid_reference"
    assert asset["location_precision_m"] == pytest.approx(precision, rel=0.01)
    assert abs(asset.geometry.x - 575_840) < 100 and abs(asset.geometry.y - 155_630) < 100


def test_parse_grid_references_figures() -> None:
    e, _n, res, bad = parse_grid_references(
        pd.Series(["TQ 75840 55630", "tq7584055630", "TR 1457", "SV 0 0", "XX 123 456", None])
    )
    assert e.tolist()[:2] == [575840.5, 575840.5]
    assert res.tolist()[:3] == [1.0, 1.0, 1000.0]
    assert bad.tolist() == [False, False, False, True, True, False]


def test_postcode_centroids_and_postcode_reasons(load) -> None:
    text = (
        "Ref,Name,Postcode\n"
        "A1,Hall,me141xq\n"
        "A2,Office,\"ME15\n6NF\"\n"
        "A3,Station,TN12 8DF\n"
        "A4,Secret,WITHHELD\n"
        "A5,Nowhere,\n"
    )
    result = load(text)
    check_invariants(result, rows=5)
    ledger = result.ledger.set_index("asset_id")
    assert ledger.loc["A1", "status"] == "loaded"
    assert "location_from_postcode" in ledger.loc["A1", "warnings"]
    assert result.assets["postcode"].tolist() == ["ME14 1XQ", "ME15 6NF"]
    assert result.assets["location_precision_m"].tolist() == [100.0, 100.0]
    assert ledger.loc["A3", "reason"] == "postcode_not_found"
    assert "Postcode 'TN12 8DF' is not in the postcode directory" in ledger.loc["A3", "message"]
    assert ledger.loc["A3", "columns"] == "Postcode"
    assert ledger.loc["A4", "reason"] == "postcode_invalid"
    assert "'WITHHELD' in Postcode is not a UK postcode" in ledger.loc["A4", "message"]
    assert ledger.loc["A5", "reason"] == "no_location"
    assert ledger.loc["A5", "row"] == 6  # as in Excel: the embedded newline is one cell


def test_coordinates_preferred_to_postcode_and_fallback(load) -> None:
    text = "Ref,Easting,Northing,Postcode\nA1,575900,155800,CT1 2NH\nA2,TBC,n/a,CT1 2NH\n"
    result = load(text)
    check_invariants(result, rows=2)
    assert result.assets["location_method"].tolist() == ["easting_northing", "postcode"]
    warning = result.ledger.loc[1, "warnings"]
    assert "coordinates_unusable" in warning and "'TBC', 'n/a' are not numbers" in warning


def test_unusable_coordinates_without_postcode_are_rejected(load) -> None:
    result = load("Ref,Easting,Northing\nA1,TBC,155800\nA2,-5,-5\nA3,0,0\n")
    check_invariants(result, rows=3)
    reasons = result.ledger["reason"].tolist()
    assert reasons == ["coordinates_invalid", "outside_great_britain", "no_location"]
    assert "Easting / Northing 'TBC', '155800' are not numbers" in result.ledger.loc[0, "message"]


def test_outside_study_area_is_excluded_not_dropped(load) -> None:
    result = load("Ref,GeoX,GeoY\nC1,395265,222126\nC2,575900,155800\n")
    check_invariants(result, rows=2)
    assert result.ledger["status"].tolist() == ["excluded", "loaded"]
    assert result.ledger.loc[0, "reason"] == "outside_study_area"
    assert "outside the study area" in result.ledger.loc[0, "message"]


def test_study_area_is_configurable(load) -> None:
    result = load("Ref,GeoX,GeoY\nC1,615000,157500\nC2,575900,155800\n", study_area=[MAIDSTONE])
    assert result.ledger["status"].tolist() == ["excluded", "loaded"]


def test_wkt_polygon_reduced_to_a_point_inside(load) -> None:
    ring = Polygon([(575000, 155000), (575100, 155000), (575100, 155100), (575000, 155100)])
    result = load(f'id,WKT,name\nb1,"{ring.wkt}",Library\nb2,"POLYGON ((",Broken\n')
    check_invariants(result, rows=2)
    asset = result.assets.iloc[0]
    assert asset["location_method"] == "geometry" and ring.contains(asset.geometry)
    assert asset["location_precision_m"] == pytest.approx(70.7, rel=0.01)
    assert result.ledger.loc[1, "reason"] == "coordinates_invalid"


def test_geojson_geometry(tmp_path: Path, districts, postcodes) -> None:
    frame = gpd.GeoDataFrame(
        {"Ref": ["G1", "G2"], "Name": ["Hall", "Far"]},
        geometry=[Point(0.5225, 51.2746), Point(-3.2, 55.95)],
        crs="EPSG:4326",
    )
    path = tmp_path / "sites.geojson"
    frame.to_file(path, driver="GeoJSON")
    result = read_register(path, agency="KCC", districts=districts, postcodes=postcodes)
    check_invariants(result, rows=2)
    assert result.assets["location_method"].tolist() == ["geometry"]
    assert result.ledger["reason"].tolist() == ["", "outside_study_area"]


def test_crs_option_for_other_coordinates(load) -> None:
    # Web Mercator metres for a point in Maidstone.
    result = load("Ref,X,Y\nA1,58164,6670255\n", crs="EPSG:3857")
    check_invariants(result, rows=1)
    assert abs(result.assets.geometry.iloc[0].x - 575_900) < 1000


# --- values ---------------------------------------------------------------------------------


def test_uncategorised_status_keeps_its_raw_text_and_paths_stay_private(load, tmp_path) -> None:
    # issue 14: a Transparency Code register whose TenureDetail is mapped to status
    text = (
        "AssetCode,PropertyName,GeoX,GeoY,TenureType,TenureDetail\n"
        "A1,Town Hall,575900,155800,Freehold,Freehold - part let\n"
        "A2,Depot,575950,155850,Leasehold,Vacant\n"
    )
    result = load(text, columns={"status": "TenureDetail", "tenure": "TenureType"})
    a = result.assets.set_index("asset_id")
    assert a.loc["A1", "status"] == "unknown"
    assert a.loc["A1", "status_raw"] == "Freehold - part let"
    assert a.loc["A2", "status"] == "vacant" and a.loc["A2", "status_raw"] == "Vacant"
    # read by an absolute path: outputs name the file, never the folders above it
    assert (tmp_path / "reg.csv").is_absolute()
    assert set(result.assets["source_file"]) == {"reg.csv"}
    assert str(tmp_path) not in result.ledger.to_csv()


def test_numbers_categories_dates_and_extra(load) -> None:
    text = (
        "Property Ref,Property Name,GIA (m2),FTE,Running cost,Tenure,Primary Use,Occupancy,"
        "Lease expiry,Easting,Northing,Notes\n"
        'P1,County Hall,"1,200 m2",12.5,"£1,234",Freehold - part let,Offices,Occupied,,'
        "575900,155800,Grade II\n"
        "P2,Allotments,TBC,,(500),Leashold,Open Space Land and Allottments,Part vacant,"
        "31/03/2027,575950,155850,\n"
        "P3,Store,1000 sq ft,n/a,12k,,Depot,Buildings Declared Surplus,soon,575990,155890,\n"
    )
    result = load(text)
    check_invariants(result, rows=3)
    a = result.assets.set_index("asset_id")
    assert a.loc["P1", "gia_m2"] == 1200 and a.loc["P1", "annual_cost_gbp"] == 1234
    assert np.isnan(a.loc["P2", "gia_m2"]) and a.loc["P2", "annual_cost_gbp"] == -500
    assert a.loc["P3", "annual_cost_gbp"] == 12_000
    assert a.loc["P1", "tenure"] == "freehold"
    assert a.loc["P1", "tenure_raw"] == "Freehold - part let"
    assert a.loc["P2", "tenure"] == "leasehold" and a.loc["P3", "tenure"] == "unknown"
    assert a.loc["P1", "use"] == "office" and a.loc["P2", "use"] == "land"
    assert a.loc["P2", "use_raw"] == "Open Space Land and Allottments"
    assert a["status"].tolist() == ["occupied", "part_vacant", "surplus"]
    assert a.loc["P2", "lease_end"] == pd.Timestamp("2027-03-31")
    assert json.loads(a.loc["P1", "extra"]) == {"Notes": "Grade II"}
    ledger = result.ledger.set_index("asset_id")
    assert "number_unreadable: GIA (m2) 'TBC' read as missing" in ledger.loc["P2", "warnings"]
    assert "date_unreadable: Lease expiry 'soon'" in ledger.loc["P3", "warnings"]


def test_parse_numbers() -> None:
    values, bad = parse_numbers(
        pd.Series(["£1,234", "1,200 m2", "TBC", None, "", "12k", "1,000 sq ft", "n/a"]),
        area=True,
    )
    assert values.iloc[0] == 1234 and values.iloc[1] == 1200 and values.iloc[5] == 12_000
    assert values.iloc[6] == pytest.approx(92.90304)
    assert bad.tolist() == [False, False, True, False, False, False, False, True]
    values, bad = parse_numbers(
        pd.Series(["3 FTE", "(1,000)", "£12.5k pa", "1e309", "inf", "1\u00a0000", "5 per annum"]),
        area=True,
    )
    assert values.iloc[0] == 3 and values.iloc[1] == -1000 and values.iloc[2] == 12_500
    assert values.iloc[5] == 1000 and values.iloc[6] == 5
    assert bad.tolist() == [False, False, False, True, True, False, False]  # no infinities


def test_use_from_agency_and_name(load) -> None:
    result = load("Name,Postcode\nStation,ME14 1XQ\nWest Library,ME15 6NF\n", agency="Kent Police")
    assert result.assets["use"].tolist() == ["police", "library"]


def test_generated_ids_and_uprn_as_text(load) -> None:
    result = load("UPRN,Name,Easting,Northing\n010000480247,Hall,575900,155800\n")
    asset = result.assets.iloc[0]
    assert asset["uprn"] == "010000480247"
    assert asset["asset_id"] == "reg#2"


def test_grid_district_lookup_agrees_with_the_spatial_join(districts) -> None:
    from kentassets import districts as district_module
    from kentassets.load.place import assign_districts

    rng = np.random.default_rng(3)
    n = 30_000
    points = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(
            rng.uniform(530_000, 670_000, n), rng.uniform(120_000, 190_000, n)
        ),
        crs="EPSG:27700",
        index=pd.RangeIndex(5, n + 5),
    )
    fast = assign_districts(
        points.geometry.x, points.geometry.y, districts, postcode_districts=None
    )
    slow = district_module.assign_districts(points, districts, tolerance_m=50.0)
    everywhere = np.ones(n, dtype=bool)
    for column in ("district_code", "district_method"):
        got = fast.column(column, everywhere, points.index)
        assert got.fillna("-").tolist() == slow[column].astype(str).replace(
            "<NA>", "-"
        ).fillna("-").tolist()


# --- ids, mapping, errors --------------------------------------------------------------------


def test_duplicate_ids_rejected_after_the_first(load) -> None:
    text = "Ref,Easting,Northing\nA1,575900,155800\nA2,575900,155800\nA1,576000,155900\n"
    result = load(text)
    check_invariants(result, rows=3)
    row = result.ledger.iloc[2]
    assert row["status"] == "rejected" and row["reason"] == "duplicate_asset_id"
    assert "already appears in row 2" in row["message"] and row["row"] == 4
    assert result.assets["asset_id"].tolist() == ["A1", "A2"]


def test_explicit_mapping_wins(load) -> None:
    text = "Code,Label,E,N,Postcode\nX1,Hall,575900,155800,CT1 2NH\n"
    result = load(
        text,
        columns={"asset_id": "Code", "name": "Label", "easting": "E", "northing": "N"},
    )
    asset = result.assets.iloc[0]
    assert asset["asset_id"] == "X1" and asset["name"] == "Hall"
    assert asset["location_method"] == "easting_northing"


def test_mapped_column_missing_is_an_error(load) -> None:
    with pytest.raises(
        RegisterFormatError,
        match=r'reg.csv: the column mapping names column\(s\) not in the file: '
        r'easting = "Eastings".*The file\'s columns are "Ref", "E", "N"',
    ):
        load("Ref,E,N\nA,1,2\n", columns={"easting": "Eastings", "northing": "N"})


def test_unknown_field_is_an_error(load) -> None:
    with pytest.raises(ValidationError, match=r"unknown field\(s\) in the column mapping: colour"):
        load("Ref\nA\n", columns={"colour": "Ref"})


def test_half_a_coordinate_pair_is_an_error(load) -> None:
    with pytest.raises(RegisterFormatError, match="easting is mapped but northing is not"):
        load("Ref,E\nA,1\n", columns={"easting": "E"})


def test_agency_is_required(load) -> None:
    with pytest.raises(ValidationError, match="agency must be a non-empty name"):
        load("Ref\nA\n", agency=" ")


def test_recognition_of_lgtc_variants() -> None:
    mapping, profile = resolve_columns(
        ["Organisation", "UPRN", "AssetCode", "Site Address", "GeoX", "GeoY", "TenureType",
         "Tenure Detail", "Holding Type"]
    )
    assert profile is not None and profile.name.startswith("LGTC")
    assert mapping["address"] == ["Site Address"]
    assert mapping["use"] == "Holding Type" and mapping["status"] == "Tenure Detail"
    assert mapping["tenure"] == "TenureType"


def test_headerless_ods_layout_is_recognised(load) -> None:
    row = ['"A91067"', '"FOLKESTONE MEDICAL CENTRE"', '"Y99"', '"Q99"', '"NORTH ROAD"',
           '""', '""', '"MAIDSTONE"', '"KENT"', '"ME14 1XQ"', '"20101001"', '""', '"A"']
    row += ['""'] * 14
    closed = list(row)
    closed[0], closed[11], closed[12] = '"A91068"', '"20190331"', '"C"'
    result = load(",".join(row) + "\n" + ",".join(closed) + "\n")
    check_invariants(result, rows=2)
    assert result.ledger["status"].tolist() == ["loaded", "excluded"]
    assert result.ledger.loc[1, "reason"] == "closed"
    asset = result.assets.iloc[0]
    assert asset["asset_id"] == "A91067" and asset["use"] == "health"
    assert asset["status"] == "occupied" and asset["name"] == "FOLKESTONE MEDICAL CENTRE"


def test_sensitive_flag_and_source(load) -> None:
    result = load("Ref,Easting,Northing\nA1,575900,155800\n", sensitive=True,
                  source_name="police/stations.csv")
    asset = result.assets.iloc[0]
    assert bool(asset["sensitive"]) and asset["source_file"] == "police/stations.csv"
    assert result.ledger["file"].tolist() == ["police/stations.csv"]


def test_input_file_is_not_modified(tmp_path: Path, districts, postcodes) -> None:
    path = tmp_path / "in.csv"
    path.write_text("Ref,Easting,Northing\nA1,575900,155800\n")
    before = path.read_bytes()
    read_register(path, agency="KCC", districts=districts, postcodes=postcodes)
    assert path.read_bytes() == before


# --- combining, sites, summary -----------------------------------------------------------------


def test_combine_rejects_ids_repeated_across_files(load) -> None:
    first = load("Ref,UPRN,Name,Easting,Northing\nA1,100,Hall,575900,155800\n", name="a.csv")
    second = load(
        "Ref,UPRN,Name,Easting,Northing\nA1,0100,Hall,575910,155810\nB1,,Depot,576000,156000\n",
        name="b.csv",
    )
    other = load("Ref,UPRN,Easting,Northing\nA1,100,575900,155800\n", name="c.csv",
                 agency="Kent Police")
    combined = combine_results([first, second, other])
    check_invariants(combined, rows=4)
    rejected = combined.ledger[combined.ledger["status"] == "rejected"]
    assert len(rejected) == 1 and rejected["reason"].iloc[0] == "duplicate_asset_id"
    assert "a.csv row 2" in rejected["message"].iloc[0]
    assert "b.csv row 2" in rejected["message"].iloc[0]
    sites = combined.assets["site_id"]
    assert sites.iloc[0] == sites.iloc[2]  # same UPRN, other agency: one site
    assert sites.iloc[0] != sites.iloc[1]


def test_agency_site_references_survive_combining(load) -> None:
    text = "Ref,Site,Name,Easting,Northing\nA1,S-9,Hall,575900,155800\nA2,S-9,Annex,576500,156000\n"
    first = load(text, name="a.csv")
    assert first.assets["site_id"].nunique() == 1
    combined = combine_results([first, load("Ref,Easting,Northing\nB,600000,150000\n")])
    assert combined.assets["site_id"].tolist()[:2] == ["S000001", "S000001"]
    assert combined.assets["site_id"].nunique() == 2


def test_assign_sites_by_postcode_distance_and_name() -> None:
    assets = gpd.GeoDataFrame(
        {
            "uprn": [None, None, None, None],
            "postcode": ["ME14 1XQ", "ME141XQ", "ME14 1XQ", "CT1 2NH"],
            "name": ["Maidstone Library", "Library, Maidstone", "Maidstone Fire Station",
                     "Maidstone Library"],
            "agency": ["KCC", "ACE", "KFRS", "KCC"],
        },
        geometry=[Point(0, 0), Point(10, 10), Point(5, 5), Point(0, 0)],
        crs="EPSG:27700",
        index=[10, 11, 12, 13],
    )
    sites = assign_sites(assets)
    assert sites.index.tolist() == [10, 11, 12, 13]
    assert sites.loc[10] == sites.loc[11]
    assert sites.loc[12] != sites.loc[10] and sites.loc[13] != sites.loc[10]
    assert assign_sites(assets).equals(sites)  # stable


def test_summary_and_html(load) -> None:
    text = "Ref,Easting,Northing\nA1,575900,155800\nA2,,\n<b>x</b>,395265,222126\n"
    result = load(text, agency="<script>alert(1)</script>")
    summary = result.summary()
    row = summary.iloc[0]
    assert (row["rows"], row["loaded"], row["excluded"], row["rejected"]) == (3, 1, 1, 1)
    assert "no_location (1)" in row["top_reasons"]
    assert summary.iloc[-1]["agency"] == "All"
    page = result._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page


def _two_register_manifest(folder: Path) -> Path:
    """A manifest of a council register with coordinates and a sensitive police
    register with a postcode."""
    (folder / "kcc.csv").write_text("Ref,Easting,Northing\nA1,575900,155800\n")
    (folder / "police.csv").write_text("Name,Postcode\nStation,CT1 2NH\n")
    manifest = folder / "estate.toml"
    manifest.write_text(
        '[[register]]\npath = "kcc.csv"\nagency = "KCC"\n'
        '[[register]]\npath = "police.csv"\nagency = "Kent Police"\nsensitive = true\n'
    )
    return manifest


def test_read_manifest_synthetic(tmp_path: Path, districts, postcodes) -> None:
    manifest = _two_register_manifest(tmp_path)
    result = read_manifest(manifest, postcodes=postcodes, districts=districts, progress=False)
    check_invariants(result, rows=2)
    assert result.manifest is not None and result.manifest.sensitive_agencies == {"Kent Police"}
    assert result.assets["sensitive"].tolist() == [False, True]
    assert set(result.column_map) == {"kcc.csv", "police.csv"}



def test_read_manifest_takes_a_parsed_manifest_and_does_not_parse_it_again(
    tmp_path: Path, districts, postcodes, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kentassets.io.manifest import parse_manifest
    from kentassets.load import read as load_read

    path = _two_register_manifest(tmp_path)
    from_path = read_manifest(path, postcodes=postcodes, districts=districts, progress=False)
    parsed = parse_manifest(path)

    def parse_again(_path: object) -> None:
        raise AssertionError("read_manifest parsed a manifest it was given parsed")

    monkeypatch.setattr(load_read, "parse_manifest", parse_again)
    result = read_manifest(parsed, postcodes=postcodes, districts=districts, progress=False)
    assert result.manifest is parsed
    pd.testing.assert_frame_equal(result.ledger, from_path.ledger)
    pd.testing.assert_frame_equal(
        pd.DataFrame(result.assets.drop(columns="geometry")),
        pd.DataFrame(from_path.assets.drop(columns="geometry")),
    )
    assert result.assets.geometry.equals(from_path.assets.geometry)

def test_xlsx_register_with_title_rows(tmp_path: Path, districts, postcodes) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sites"
    sheet.append(["NHS estate (synthetic)"])
    sheet.append(["Site code", "Site name", "Latitude", "Longitude", "GIA", "Lease End"])
    sheet.append(["RVV01", "Clinic", 51.2746, 0.5225, "1,200", pd.Timestamp("2030-01-31")])
    sheet.append(["RVV02", "Store", "TBC", "TBC", 80, None])
    path = tmp_path / "nhs.xlsx"
    book.save(path)
    result = read_register(path, agency="NHS", districts=districts, postcodes=postcodes)
    check_invariants(result, rows=2)
    assert result.ledger["row"].tolist() == [3, 4]
    assert result.ledger["sheet"].tolist() == ["Sites", "Sites"]
    asset = result.assets.iloc[0]
    assert asset["gia_m2"] == 1200 and asset["lease_end"] == pd.Timestamp("2030-01-31")
    assert result.ledger.loc[1, "reason"] == "coordinates_invalid"


@pytest.mark.slow
def test_sample_estate_loads_with_every_row_accounted_for(tmp_path: Path, districts) -> None:
    sample = pytest.importorskip("kentassets.sample")
    manifest = sample.write_sample_estate(tmp_path / "estate")
    result = read_manifest(manifest, districts=districts, progress=False)
    check_invariants(result)
    assert len(result.assets) > 0.9 * len(result.ledger)


# --- real files ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def real_result(shared_data: Path) -> LoadResult:
    lad = gpd.read_file(shared_data / "boundaries" / "lad_may2024_bsc_kent_medway.geojson")
    lad = lad.rename(columns={"LAD24CD": "district_code", "LAD24NM": "district_name"})
    districts = lad[["district_code", "district_name", "geometry"]].to_crs(27700)
    return read_manifest(SHARED_MANIFEST, districts=districts, progress=False)


EXPECTED_ROWS = {
    "librarieshacked_kent_county_council.csv": 108,
    "librarieshacked_medway_council.csv": 17,
    "ace_libraries_england_2023_kent_medway.csv": 128,
    "os_openmap_local_library_buildings_kent_medway.csv": 104,
    "home_office_fire_stations_2018_kent.csv": 56,
    "kfrs_stations_2017.xls": 58,
    "epraccur_kent_medway.csv": 519,
    "etrust_2018_kent_medway.csv": 1109,
    "nhs_choices_hospital_2018_kent_medway.csv": 38,
    "kent_police_stations_web_2025.csv": 13,
    "cheltenham_local_authority_land_and_assets_2021.csv": 498,
    "cheltenham_local_authority_land_and_assets_2023.csv": 459,  # + 2 blank rows at the end
    "home_office_fire_stations_dataset_2018.ods": 1399,
}


@pytest.mark.shared
def test_real_files_every_row_accounted_for(real_result: LoadResult) -> None:
    check_invariants(real_result)
    files = real_result.ledger["file"].str.split("/").str[-1]
    assert files.value_counts().to_dict() == EXPECTED_ROWS


@pytest.mark.shared
def test_real_files_rejections_are_for_the_right_reasons(real_result: LoadResult) -> None:
    ledger = real_result.ledger
    name = ledger["file"].str.split("/").str[-1]
    kfrs = ledger[name == "kfrs_stations_2017.xls"].set_index("row")
    rejected = kfrs[kfrs["status"] == "rejected"]
    assert sorted(rejected["reason"]) == ["postcode_invalid", "postcode_not_found",
                                          "postcode_not_found"]
    messages = " ".join(rejected["message"])
    assert "TN12 8DF" in messages and "CT16 3LZ" in messages and "'Withheld'" in messages
    fire = ledger[name == "home_office_fire_stations_2018_kent.csv"]
    assert (fire["status"] == "loaded").all()  # eastings/northings beat retired postcodes
    hospitals = real_result.assets[real_result.assets["agency"] == "NHS hospitals"]
    assert (hospitals["location_method"] == "latitude_longitude").all()
    cheltenham = ledger[name.str.startswith("cheltenham")]
    assert set(cheltenham["status"]) == {"excluded", "rejected"}
    assert (cheltenham.loc[cheltenham["status"] == "excluded", "reason"]
            == "outside_study_area").all()
    england = ledger[name == "home_office_fire_stations_dataset_2018.ods"]
    assert (england["status"] == "loaded").sum() == 56  # the Kent stations
    # West Sussex stations say "Not available here, but please see ..." for E/N; their
    # postcodes are outside the Kent-only Code-Point file.
    assert set(england.loc[england["status"] != "loaded", "reason"]) == {
        "outside_study_area", "coordinates_invalid"
    }
    invalid = england[england["reason"] == "coordinates_invalid"]
    assert invalid["message"].str.contains("'Not available here").all()
    police = ledger[name == "kent_police_stations_web_2025.csv"]
    assert set(police.loc[police["status"] == "rejected", "reason"]) == {"no_location"}


@pytest.mark.shared
def test_real_files_recognised_columns(real_result: LoadResult) -> None:
    maps = {k.split("/")[-1]: v for k, v in real_result.column_map.items()}
    assert maps["epraccur_kent_medway.csv"]["asset_id"] == "Organisation Code"
    assert maps["cheltenham_local_authority_land_and_assets_2021.csv"]["easting"] == "GeoX"
    assert maps["nhs_choices_hospital_2018_kent_medway.csv"]["latitude"] == "Latitude"
    assert maps["os_openmap_local_library_buildings_kent_medway.csv"]["geometry"] == "WKT"
    libraries = real_result.assets[real_result.assets["agency"] == "Kent County Council"]
    assert (libraries["use"] == "library").all()


# --- fuzzing ----------------------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from kentassets.errors import KentAssetsError  # noqa: E402

_CELL = st.one_of(
    st.just(""),
    st.sampled_from(["TBC", "n/a", "=cmd|' /C calc'!A0", "<script>x</script>", "a\nb", '"q"']),
    st.integers(-10, 2_000_000).map(str),
    st.floats(-1e7, 1e7, allow_nan=False).map(lambda v: f"£{v:,.2f}"),
    st.sampled_from(["ME14 1XQ", "ct1 2nh", "GL50 1DY", "WITHHELD", "TQ 75840 55630"]),
    st.text("abcdefgh XYZ-'&", max_size=12),
)
_NAMES = st.sampled_from(
    ["Ref", "Name", "Easting", "Northing", "Latitude", "Longitude", "Postcode", "GIA (m2)",
     "Use", "Tenure", "X", "Y", "Grid Ref", "Notes", "UPRN", "Status"]
)


@pytest.mark.slow
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    names=st.lists(_NAMES, min_size=1, max_size=7),
    rows=st.lists(st.lists(_CELL, min_size=7, max_size=7), min_size=0, max_size=12),
    sep=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "cp1252", "utf-8-sig"]),
)
def test_fuzz_ledger_accounts_for_every_row(
    tmp_path_factory, districts, postcodes, names, rows, sep, encoding
) -> None:
    import csv
    import io

    folder = tmp_path_factory.mktemp("fuzz")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow(row[: len(names)])
    path = folder / "fuzz.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    result: LoadResult | None = None
    error = ""
    try:
        result = read_register(path, agency="Fuzz", districts=districts, postcodes=postcodes)
    except KentAssetsError as exc:  # the only exception type allowed out
        error = str(exc)
    if result is None:
        assert "fuzz.csv" in error
        return
    check_invariants(result)
    data_rows = sum(1 for r in rows if any(c != "" for c in r[: len(names)]))
    assert len(result.ledger) == data_rows


def test_loading_restores_the_collector_and_the_arrow_memory_pool(tmp_path: Path) -> None:
    """read_register pauses the garbage collector and switches Arrow to the system
    allocator while it works; both come back as they were, also after an error."""
    import gc

    import pyarrow as pa

    from kentassets.load import read_register

    good = tmp_path / "good.csv"
    good.write_text("Ref,Easting,Northing\nA1,575900,155800\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x01\x02" * 100)
    pool_before = pa.default_memory_pool().backend_name
    assert gc.isenabled()
    kent = gpd.GeoDataFrame(
        {"district_code": ["E07000110"], "district_name": ["Maidstone"]},
        geometry=[box(570_000, 140_000, 590_000, 170_000)],
        crs="EPSG:27700",
    )
    read_register(good, agency="A", districts=kent, study_area=["E07000110"])
    assert gc.isenabled() and pa.default_memory_pool().backend_name == pool_before
    with pytest.raises(RegisterFormatError):
        read_register(bad, agency="A", districts=kent, study_area=["E07000110"])
    assert gc.isenabled() and pa.default_memory_pool().backend_name == pool_before
    gc.disable()
    try:
        read_register(good, agency="A", districts=kent, study_area=["E07000110"])
        assert not gc.isenabled()  # the caller's choice is kept
    finally:
        gc.enable()


def test_first_of_group_packed_and_fallback_paths_agree() -> None:
    from kentassets.load.sites import first_of_group

    rng = np.random.default_rng(5)
    keys = rng.integers(0, 300, 5_000)
    positions = np.sort(rng.choice(1_000_000, 5_000, replace=False))
    expected = {}
    for key, position in zip(keys.tolist(), positions.tolist(), strict=True):
        expected.setdefault(key, position)
    for shifted in (keys, keys + (1 << 60)):  # the second cannot be packed in 63 bits
        members, first = first_of_group(shifted, positions)
        assert sorted(members.tolist()) == positions.tolist()
        key_of = dict(zip(positions.tolist(), keys.tolist(), strict=True))
        assert all(expected[key_of[m]] == f for m, f in zip(members, first, strict=True))


def test_component_labels_are_numbered_in_order_of_appearance() -> None:
    from kentassets.load.sites import in_order_of_appearance

    assert in_order_of_appearance(np.array([0, 1, 1, 0, 2])).tolist() == [0, 1, 1, 0, 2]
    assert in_order_of_appearance(np.array([2, 2, 0, 1, 0])).tolist() == [0, 0, 1, 2, 1]
    assert in_order_of_appearance(np.array([0, 2, 1])).tolist() == [0, 1, 2]
    assert in_order_of_appearance(np.array([], dtype=np.int64)).tolist() == []
