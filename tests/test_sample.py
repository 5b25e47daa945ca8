"""Tests of the synthetic sample estate (kentassets.sample)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest

from kentassets import sample
from kentassets.errors import KentAssetsError, ValidationError
from kentassets.io.postcodes import PostcodeDirectory
from kentassets.sample import (
    MANIFEST_NAME,
    README_NAME,
    SAMPLE_DEFECTS,
    SampleEstateError,
    generate_sample_estate,
    grid_reference,
    write_sample_estate,
)
from kentassets.schema import KENT_AND_MEDWAY, STATUSES, TENURES, USES

FILES = sample.FILES
DOCUMENTED_TOP = {"title", "data_date", "synthetic", "study_area", "boundaries", "postcodes",
                  "register"}
DOCUMENTED_REGISTER = {"path", "agency", "sensitive", "crs", "sheet", "header_row",
                       "encoding", "delimiter", "names", "columns"}
DOCUMENTED_COLUMNS = {"asset_id", "name", "address", "postcode", "uprn", "use", "tenure",
                      "gia_m2", "staff_fte", "annual_cost_gbp", "status", "lease_end",
                      "site_id", "easting", "northing", "latitude", "longitude", "grid_ref",
                      "geometry"}


@pytest.fixture(scope="module")
def postcodes() -> PostcodeDirectory:
    directory = PostcodeDirectory()
    directory.in_districts(KENT_AND_MEDWAY)  # load once for the module
    return directory


@pytest.fixture(scope="module")
def estate(postcodes: PostcodeDirectory) -> dict[str, pd.DataFrame]:
    return generate_sample_estate(postcodes=postcodes)


@pytest.fixture(scope="module")
def truth(estate: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(estate.values(), ignore_index=True)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory, postcodes: PostcodeDirectory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "estate"
    manifest = write_sample_estate(out, postcodes=postcodes)
    assert manifest == out / MANIFEST_NAME
    return out


@pytest.fixture(scope="module")
def registers(folder: Path) -> dict[str, pd.DataFrame]:
    return {agency: _read(folder, agency) for agency in FILES}


@pytest.fixture(scope="module")
def manifest(folder: Path) -> dict:
    return tomllib.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))


def _read(folder: Path, agency: str) -> pd.DataFrame:
    """Read an agency's register with plain pandas/geopandas, as a person would."""
    path = folder / FILES[agency]
    if agency == sample.KCC:
        return pd.read_csv(path, encoding="cp1252", dtype=str)
    if agency == sample.POLICE:
        return pd.read_excel(path, sheet_name="Estate", header=3, dtype=str)
    if agency == sample.FIRE:
        return gpd.read_file(path)
    if agency == sample.NHS:
        return pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    if agency == sample.MAIDSTONE:
        return pd.read_excel(path, engine="odf", dtype=str)
    if agency == sample.CANTERBURY:
        return pd.read_csv(path, sep=";", dtype=str)
    if agency == sample.SWALE:
        return pd.read_csv(path, header=None, names=list(sample.SWALE_NAMES), dtype=str)
    if agency == sample.FOLKESTONE:
        return pd.read_excel(path, sheet_name="Property", dtype=str)
    return pd.read_csv(path, dtype=str)


# --- determinism and safety ------------------------------------------------------------


def test_same_seed_gives_identical_bytes_and_rewrite_is_allowed(
    folder: Path, postcodes: PostcodeDirectory
) -> None:
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    write_sample_estate(folder, postcodes=postcodes)  # a sample folder may be rewritten
    after = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert before.keys() == after.keys()
    changed = [name for name in before if before[name] != after[name]]
    assert not changed


def test_different_seed_gives_a_different_estate(
    postcodes: PostcodeDirectory, truth: pd.DataFrame
) -> None:
    other = generate_sample_estate(seed=1, n_assets=300, postcodes=postcodes)
    assert sum(len(f) for f in other.values()) == 300
    assert {d.asset_id for d in SAMPLE_DEFECTS} <= set(
        pd.concat(other.values())["asset_id"])  # defects whatever the seed
    points = set(zip(truth["easting"], truth["northing"], strict=True))
    other_points = set(zip(other[sample.KCC]["easting"], other[sample.KCC]["northing"],
                           strict=True))
    assert len(other_points - points) > len(other_points) / 2


def test_refuses_folder_with_unrelated_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(SampleEstateError, match=r"notes\.txt.*never overwrites"):
        write_sample_estate(tmp_path)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert not (tmp_path / MANIFEST_NAME).exists()


def test_refuses_to_overwrite_a_users_own_manifest(tmp_path: Path) -> None:
    (tmp_path / MANIFEST_NAME).write_text("title = 'mine'\n", encoding="utf-8")
    with pytest.raises(KentAssetsError, match="did not write"):
        write_sample_estate(tmp_path)
    assert (tmp_path / MANIFEST_NAME).read_text(encoding="utf-8") == "title = 'mine'\n"


def test_refuses_a_file_in_place_of_the_folder(tmp_path: Path) -> None:
    target = tmp_path / "estate"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(SampleEstateError, match="not a folder"):
        write_sample_estate(target)


@pytest.mark.parametrize("n_assets", [0, 299, 10_000_000])
def test_n_assets_out_of_range(n_assets: int) -> None:
    with pytest.raises(ValidationError, match="between 300 and"):
        generate_sample_estate(n_assets=n_assets)


# --- size, agencies, categories ---------------------------------------------------------


def test_counts(estate: dict[str, pd.DataFrame], truth: pd.DataFrame) -> None:
    assert len(truth) == 2400
    assert len(estate) >= 7
    for agency in (sample.KCC, sample.MEDWAY, sample.POLICE, sample.NHS, sample.FIRE,
                   sample.VOLUNTARY, sample.MAIDSTONE):
        assert len(estate[agency]) >= 50, agency


def test_categories_are_the_schemas(truth: pd.DataFrame) -> None:
    assert set(truth["use"]) <= set(USES)
    assert set(truth["tenure"]) <= set(TENURES)
    assert set(truth["status"]) <= set(STATUSES)
    assert set(truth["status"]) >= {"occupied", "part_vacant", "vacant", "surplus"}
    assert (truth["status"] == "occupied").mean() > 0.7


def test_realistic_values(truth: pd.DataFrame) -> None:
    offices = truth[(truth["use"] == "office") & (truth["staff_fte"] > 0)]
    density = offices["gia_m2"] / offices["staff_fte"]
    assert (density > 8).mean() > 0.5  # many offices under-used against 8 m2/FTE
    assert (density >= 5.5).all()
    leases = truth[truth["tenure"] == "leasehold"]
    assert leases["lease_end"].notna().all()
    assert truth.loc[truth["tenure"] != "leasehold", "lease_end"].isna().all()
    soon = leases["lease_end"] < pd.Timestamp(sample.SAMPLE_DATA_DATE) + pd.DateOffset(years=3)
    assert 0.1 < soon.mean() < 0.5
    built = truth[truth["use"] != "land"]
    assert (built["gia_m2"] > 0).all()
    assert (truth["annual_cost_gbp"] > 0).all()
    assert truth["uprn"].str.fullmatch(r"(\d{12})?").all()


# --- geography --------------------------------------------------------------------------


def test_points_are_real_postcodes_in_kent(truth: pd.DataFrame,
                                           postcodes: PostcodeDirectory) -> None:
    kent = truth[truth["defect"].isin(["", "duplicate_asset_id_second"])]
    found = postcodes.lookup(kent["postcode"])
    assert found["easting"].notna().all()
    assert found["district_code"].isin(list(KENT_AND_MEDWAY)).all()
    offset = np.hypot(found["easting"] - kent["easting"], found["northing"] - kent["northing"])
    assert (offset <= 30).all()


def test_assets_concentrate_in_town_centres(truth: pd.DataFrame) -> None:
    te = np.array([t.easting_m for t in sample.TOWN_CENTRES])
    tn = np.array([t.northing_m for t in sample.TOWN_CENTRES])
    xy = truth[["easting", "northing"]].to_numpy()
    nearest = np.min(np.hypot(xy[:, :1] - te, xy[:, 1:] - tn), axis=1)
    assert (nearest < 3_000).mean() > 0.8
    assert (nearest < 1_000).mean() > 0.3


def test_every_district_has_several_multi_agency_colocations(truth: pd.DataFrame) -> None:
    # DBSCAN with min_samples=2 is single linkage: connected components of the
    # "within 250 m" graph, which scipy finds quickly.
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    kent = truth[truth["district_code"].isin(list(KENT_AND_MEDWAY))].copy()
    xy = kent[["easting", "northing"]].to_numpy()
    pairs = cKDTree(xy).query_pairs(250.0, output_type="ndarray")
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])),
                       shape=(len(xy), len(xy)))
    kent["label"] = connected_components(graph, directed=False)[1]
    groups = kent.groupby("label").agg(
        agencies=("agency", "nunique"), district=("district_code", "first"))
    multi = groups[groups["agencies"] >= 2].groupby("district").size()
    for code, name in KENT_AND_MEDWAY.items():
        assert multi.get(code, 0) >= 6, name
        assert (kent["district_code"] == code).sum() >= 50, name


# --- files ------------------------------------------------------------------------------


def test_every_file_says_synthetic(folder: Path, manifest: dict) -> None:
    names = {p.name for p in folder.iterdir()}
    assert names == set(sample.sample_file_names())
    for name in names - {MANIFEST_NAME, README_NAME}:
        assert "SYNTHETIC" in name
    assert "SYNTHETIC SAMPLE DATA" in (folder / README_NAME).read_text(encoding="utf-8")
    assert manifest["synthetic"] is True
    assert "synthetic sample data" in manifest["title"]


@pytest.mark.parametrize("agency", list(FILES))
def test_each_register_is_readable_with_plain_tools(
    registers: dict[str, pd.DataFrame], estate: dict[str, pd.DataFrame], agency: str
) -> None:
    frame = registers[agency]
    assert len(frame) == len(estate[agency])


def test_kcc_csv_is_cp1252_crlf_with_pound_signs(
    folder: Path, registers: dict[str, pd.DataFrame]
) -> None:
    raw = (folder / FILES[sample.KCC]).read_bytes()
    assert b"\r\n" in raw
    assert b"\xa3" in raw  # the pound sign in cp1252
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    frame = registers[sample.KCC]
    assert frame["Annual Running Cost"].str.match(r"^£[\d,]+$").all()
    assert frame["Easting"].notna().mean() > 0.99


def test_police_xlsx_has_a_title_above_the_header(
    folder: Path, registers: dict[str, pd.DataFrame]
) -> None:
    book = openpyxl.load_workbook(folder / FILES[sample.POLICE], read_only=True)
    sheet = book["Estate"]
    rows = list(sheet.iter_rows(min_row=1, max_row=4, values_only=True))
    assert "SYNTHETIC SAMPLE DATA" in str(rows[0][0])
    assert tuple(rows[3][: len(sample.POLICE_HEADER)]) == sample.POLICE_HEADER
    book.close()
    frame = registers[sample.POLICE]
    lat = pd.to_numeric(frame["Latitude"])
    assert lat.between(50.8, 51.6).mean() > 0.95


def test_spreadsheet_metadata_is_fixed(folder: Path) -> None:
    import zipfile

    for name in (FILES[sample.POLICE], FILES[sample.FOLKESTONE], FILES[sample.MAIDSTONE]):
        with zipfile.ZipFile(folder / name) as archive:
            assert {info.date_time for info in archive.infolist()} == {
                sample.SAMPLE_TIMESTAMP.timetuple()[:6]}


def test_geojson_is_wgs84_points(registers: dict[str, pd.DataFrame]) -> None:
    frame = registers[sample.FIRE]
    assert frame.crs is not None and frame.crs.to_epsg() == 4326
    points = frame.geometry.dropna()
    assert (points.geom_type == "Point").all()
    assert points.y.between(50.8, 51.6).all()


def test_postcode_only_and_grid_reference_files(registers: dict[str, pd.DataFrame]) -> None:
    nhs = registers[sample.NHS]
    assert not {"Easting", "Latitude", "Grid Reference"} & set(nhs.columns)
    medway = registers[sample.MEDWAY]
    refs = medway["Grid Reference"]
    assert refs.str.fullmatch(r"TQ ?\d{4,5} ?\d{4,5}").mean() > 0.99
    assert refs.str.fullmatch(r"TQ \d{4} \d{4}").any()  # some 8-figure references


def test_grid_reference_letters() -> None:
    assert grid_reference(575840, 155630) == "TQ 75840 55630"
    assert grid_reference(615000, 157900, digits=6) == "TR 150 579"
    assert grid_reference(384000, 398000) == "SJ 84000 98000"


# --- manifest ---------------------------------------------------------------------------


def test_manifest_matches_documented_format(
    folder: Path, manifest: dict, registers: dict[str, pd.DataFrame]
) -> None:
    assert set(manifest) <= DOCUMENTED_TOP
    assert str(manifest["data_date"]) == "2026-10-31"
    assert len(manifest["register"]) == len(FILES)
    for register in manifest["register"]:
        assert set(register) <= DOCUMENTED_REGISTER
        assert (folder / register["path"]).is_file()
        assert set(register["columns"]) <= DOCUMENTED_COLUMNS
        frame = registers[register["agency"]]
        for field, source in register["columns"].items():
            sources = source if isinstance(source, list) else [source]
            for column in sources:
                assert column in frame.columns, (register["agency"], field, column)
    assert "# sensitive = true" in (folder / MANIFEST_NAME).read_text(encoding="utf-8")
    assert not any(r.get("sensitive") for r in manifest["register"])


def test_manifest_parses_with_the_project_parser(folder: Path) -> None:
    parser = pytest.importorskip("kentassets.io.manifest")
    if not hasattr(parser, "parse_manifest"):
        pytest.skip("kentassets.io.manifest.parse_manifest not written yet")
    parsed = parser.parse_manifest(folder / MANIFEST_NAME)
    assert parsed.synthetic is True
    assert len(parsed.registers) == len(FILES)
    police = next(r for r in parsed.registers if r.agency == sample.POLICE)
    assert police.header_row == 4
    assert police.sheet == "Estate"
    swale = next(r for r in parsed.registers if r.agency == sample.SWALE)
    assert swale.names == sample.SWALE_NAMES


# --- planted defects ------------------------------------------------------------------------


def test_planted_defects_are_in_the_files(
    registers: dict[str, pd.DataFrame], postcodes: PostcodeDirectory
) -> None:
    frames = registers
    id_columns = {
        sample.KCC: "Asset Code", sample.POLICE: "Site ID", sample.FIRE: "premises_ref",
        sample.NHS: "Property Code", sample.MEDWAY: "Ref", sample.CANTERBURY: "Asset No",
        sample.FOLKESTONE: "Property Ref",
    }
    postcode_columns = {agency: next(c for c in frame.columns
                                     if c.lower().replace(" ", "") == "postcode")
                        for agency, frame in frames.items()}
    lookup_ids = [(d.agency, d.asset_id) for d in SAMPLE_DEFECTS
                  if d.kind in ("postcode_not_found", "outside_study_area")]
    looked_up = postcodes.lookup(pd.Series([
        frames[agency].loc[frames[agency][id_columns[agency]] == asset_id,
                           postcode_columns[agency]].iloc[0]
        for agency, asset_id in lookup_ids
    ]))
    looked_up.index = [asset_id for _, asset_id in lookup_ids]
    assert {d.kind for d in SAMPLE_DEFECTS} >= {
        "blank_coordinates_with_postcode", "blank_coordinates_no_postcode",
        "swapped_lat_lon", "postcode_not_found", "duplicate_asset_id", "outside_study_area",
        "text_in_number_column", "garbage_easting"}
    for defect in SAMPLE_DEFECTS:
        frame = frames[defect.agency]
        rows = frame[frame[id_columns[defect.agency]] == defect.asset_id]
        assert len(rows) == (2 if defect.kind == "duplicate_asset_id" else 1), defect
        row = rows.iloc[0]
        for column in defect.columns:
            assert column in frame.columns or column == "geometry"
        if defect.kind.startswith("blank_coordinates"):
            assert all(pd.isna(row[c]) for c in defect.columns[:2])
            postcode = row["Postcode" if "Postcode" in frame.columns else "Post Code"]
            assert pd.isna(postcode) == defect.kind.endswith("no_postcode")
        elif defect.kind == "text_in_number_column":
            assert row[defect.columns[0]] == "TBC"
        elif defect.kind == "swapped_lat_lon":
            assert float(row["Latitude"]) < 2 and float(row["Longitude"]) > 50
        elif defect.kind == "garbage_easting":
            assert row["Easting"] == "#REF!"
        elif defect.kind == "null_geometry":
            assert row.geometry is None
        elif defect.kind == "bad_grid_reference":
            assert not pd.Series([row["Grid Reference"]]).str.fullmatch(
                r"[A-Z]{2} ?\d+ ?\d+").iloc[0]
        elif defect.kind == "duplicate_asset_id":
            assert rows.iloc[0]["Property Name"] != rows.iloc[1]["Property Name"]
        elif defect.kind == "postcode_not_found":
            assert pd.isna(looked_up.loc[defect.asset_id, "easting"])
        elif defect.kind == "postcode_unnormalised":
            assert " " not in row["Postcode"] and row["Postcode"].islower()
        elif defect.kind == "outside_study_area":
            district = looked_up.loc[defect.asset_id, "district_code"]
            assert not pd.isna(district)
            assert district not in KENT_AND_MEDWAY
        if defect.kind in ("outside_study_area",) and "Northing" in frame.columns:
            assert float(row["Northing"]) > 300_000  # Manchester


@pytest.mark.slow
def test_planted_defects_in_the_load_ledger(folder: Path,
                                            postcodes: PostcodeDirectory) -> None:
    load = pytest.importorskip("kentassets.load")
    if not hasattr(load, "read_manifest"):
        pytest.skip("kentassets.load.read_manifest not written yet")
    # Rough districts (convex hulls of postcode centroids) keep this test fast;
    # the statuses checked here do not depend on exact boundaries.
    kent = postcodes.in_districts(KENT_AND_MEDWAY)
    points = gpd.GeoDataFrame(
        {"district_code": kent["district_code"].astype(str).to_numpy()},
        geometry=gpd.points_from_xy(kent["easting"], kent["northing"]), crs="EPSG:27700")
    hulls = points.dissolve("district_code").convex_hull
    districts = gpd.GeoDataFrame(
        {"district_code": hulls.index.astype(str),
         "district_name": [KENT_AND_MEDWAY[c] for c in hulls.index]},
        geometry=hulls.to_numpy(), crs="EPSG:27700").reset_index(drop=True)
    try:
        result = load.read_manifest(folder / MANIFEST_NAME, postcodes=postcodes,
                                    districts=districts, progress=False)
    except NotImplementedError:
        pytest.skip("kentassets.load.read_manifest not written yet")
    ledger = result.ledger
    assert len(ledger) == 2400
    for defect in SAMPLE_DEFECTS:
        rows = ledger[(ledger["asset_id"] == defect.asset_id)
                      & ledger["file"].astype(str).str.endswith(defect.file)]
        assert len(rows) >= 1, defect
        assert rows["status"].iloc[-1] == defect.expected_status, (defect, rows.to_dict())


# --- sample_estate: the cached load used by docstrings and notebooks ---------------------


@pytest.mark.slow
def test_sample_estate_is_loaded_once_and_needs_no_files() -> None:
    import kentassets as ka

    first = ka.sample_estate()
    assert ka.sample_estate(n_assets=600, seed=sample.SAMPLE_SEED) is first  # one cache key
    assert len(first.assets) > 500
    assert set(first.ledger["status"].astype(str)) == {"loaded", "excluded", "rejected"}
    assert first.manifest is not None and first.manifest.synthetic
    # The temporary folder is gone: the result lives in memory only.
    assert not first.manifest.path.exists()
    assert first.assets.geometry.notna().all()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"n_assets": 299}, "between 300 and"), ({"n_assets": 600.5}, "whole number"),
     ({"seed": "1"}, "whole number")],
)
def test_sample_estate_checks_its_arguments(kwargs: dict, match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        sample.sample_estate(**kwargs)
