"""Headers read by meaning (issue 22): a table of real-world header spellings,
the property that a recognised header never lands silently in ``extra``, unit
conversions applied to the values, register-level warnings, and what
``kentassets validate`` prints.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from kentassets import estimate_assets
from kentassets.cli import EXIT_OK, main
from kentassets.load import (
    WARN_CATEGORY,
    WARN_COLUMN_NOT_USED,
    LoadResult,
    describe_mapping,
    header_words,
    read_columns,
    read_header,
    read_manifest,
    read_register,
)
from kentassets.schema import (
    ADDRESS,
    ANNUAL_COST_GBP,
    ASSET_ID,
    EXTRA,
    FM_CONTRACT_END,
    FM_PROVIDER,
    GIA_M2,
    LEASE_END,
    MAPPING_COLUMN,
    MAPPING_CONVERSION,
    MAPPING_FIELD,
    MAPPING_FIELDS,
    MAPPING_READ_BY,
    MAPPING_WARNING,
    NAME,
    POSTCODE,
    SITE_ID,
    STAFF_FTE,
    STATUS,
    TENURE,
    UPRN,
    USE,
)

WARN = "warn"
#: Sources of the spellings: LGTC = Local Government Transparency Code land and
#: assets registers (Cheltenham 2021/2023 in shared/data, and the 2015 template);
#: ERIC = NHS Estates Returns Information Collection column names (2016-17);
#: ODS = NHS Organisation Data Service files; LH = Libraries Hacked schema;
#: HOFS = Home Office fire stations list; POL = police estates and station lists;
#: ISSUE = the register of issue 22 and the NHS/police spellings it names;
#: COUNCIL = spellings common in council property registers.
HEADERS: list[tuple[str, str | tuple[str, str] | None, str]] = [
    # identifiers
    ("Site ID", ASSET_ID, "ISSUE"),
    ("Premises Code", ASSET_ID, "ISSUE"),
    ("AssetCode", ASSET_ID, "LGTC"),
    ("Asset Reference", ASSET_ID, "COUNCIL"),
    ("Property Ref", ASSET_ID, "COUNCIL"),
    ("Asset No.", ASSET_ID, "COUNCIL"),
    ("Property Reference Number", ASSET_ID, "COUNCIL"),
    ("Organisation Code", ASSET_ID, "ODS"),
    ("ODS Code", ASSET_ID, "ODS"),
    ("Site Code", ASSET_ID, "ERIC"),
    ("UPRN", UPRN, "LGTC"),
    ("Unique property reference number", UPRN, "LH"),
    ("Trust Code", None, "ERIC"),
    ("Contact Telephone Number", None, "ODS"),
    # names and addresses
    ("Site Name", NAME, "ISSUE"),
    ("PropertyName", NAME, "LGTC"),
    ("Library name", NAME, "LH"),
    ("STATION_NAME", NAME, "HOFS"),
    ("Trust Name", None, "ERIC"),
    ("Premises Address", ADDRESS, "ISSUE"),
    ("Site Address", ADDRESS, "LGTC"),
    ("STATION_ADDRESS", ADDRESS, "HOFS"),
    ("Address Line 1", ADDRESS, "ODS"),
    ("Address 1", ADDRESS, "LH"),
    ("StreetName", ADDRESS, "LGTC"),
    ("PostTown", ADDRESS, "LGTC"),
    ("Email address", None, "LH"),
    ("Post Code", POSTCODE, "ISSUE"),
    ("STATION_POSTCODE", POSTCODE, "HOFS"),
    ("postcode_as_given", POSTCODE, "POL"),
    # use, tenure, status
    ("Building Type", USE, "ISSUE"),
    ("Property Type", USE, "COUNCIL"),
    ("Site Type", USE, "ERIC"),
    ("Holding Type", USE, "LGTC"),
    ("Current Use", USE, "COUNCIL"),
    ("Tenure", TENURE, "ISSUE"),
    ("TenureType", TENURE, "LGTC"),
    ("Freehold/Leasehold", TENURE, "COUNCIL"),
    ("Occupancy Status", STATUS, "ISSUE"),
    ("Vacancy Status", STATUS, "ISSUE"),
    ("Operational Status", STATUS, "POL"),
    ("custody_status_as_given", None, "POL"),
    ("Listed Building Status", None, "COUNCIL"),
    ("Vacant (Y/N)", (WARN, STATUS), "COUNCIL"),
    # areas
    ("GIFA (sq m)", GIA_M2, "ISSUE"),
    ("GIA (m2)", GIA_M2, "COUNCIL"),
    ("Gross Internal Area", GIA_M2, "COUNCIL"),
    ("Gross internal floor area (m²)", GIA_M2, "ERIC"),
    ("Floor Area (sq ft)", GIA_M2, "COUNCIL"),
    ("Area (sqm)", GIA_M2, "COUNCIL"),
    ("Net Internal Area", (WARN, GIA_M2), "COUNCIL"),
    ("NIA (sq ft)", (WARN, GIA_M2), "COUNCIL"),
    ("Occupied floor area (m²)", (WARN, GIA_M2), "ERIC"),
    ("Land area owned (Hectares)", None, "ERIC"),
    ("Site Area (Hectares)", None, "COUNCIL"),
    ("Floor area - empty (%)", None, "ERIC"),
    # money
    ("Annual Running Costs (£)", ANNUAL_COST_GBP, "ISSUE"),
    ("Running Cost £pa", ANNUAL_COST_GBP, "ISSUE"),
    ("Total Running Cost (£000s)", ANNUAL_COST_GBP, "COUNCIL"),
    ("Operating cost per annum", ANNUAL_COST_GBP, "COUNCIL"),
    ("Energy costs (all energy supplies) (£)", (WARN, ANNUAL_COST_GBP), "ERIC"),
    ("Cleaning service cost (£)", (WARN, ANNUAL_COST_GBP), "ERIC"),
    ("Passing Rent (£ pa)", (WARN, ANNUAL_COST_GBP), "COUNCIL"),
    ("Capital investment for new build (£)", None, "ERIC"),
    ("Cost per m2", None, "COUNCIL"),
    # staff
    ("No. of FTE Staff", STAFF_FTE, "ISSUE"),
    ("Staff (FTE)", STAFF_FTE, "POL"),
    ("Headcount", STAFF_FTE, "POL"),
    ("WTE", STAFF_FTE, "ERIC"),
    ("Cleaning staff (WTE)", (WARN, STAFF_FTE), "ERIC"),
    ("Monday staffed hours", None, "LH"),
    # dates
    ("Lease Expiry Date", LEASE_END, "ISSUE"),
    ("Lease End", LEASE_END, "COUNCIL"),
    ("Date of Lease Expiry", LEASE_END, "COUNCIL"),
    ("Contract End Date", (WARN, LEASE_END), "COUNCIL"),
    ("Lease Start Date", None, "COUNCIL"),
    # locations
    ("X Coordinate", "easting", "ISSUE"),
    ("Y Co-ordinate", "northing", "COUNCIL"),
    ("Easting (m)", "easting", "COUNCIL"),
    ("STATION_NORTHING", "northing", "HOFS"),
    ("GeoX", "easting", "LGTC"),
    ("Lat", "latitude", "COUNCIL"),
    ("Long", "longitude", "COUNCIL"),
    ("Longitude", "longitude", "ODS"),
    ("OS Grid Ref", "grid_ref", "COUNCIL"),
    # facilities management (issue 24)
    ("FM Provider", FM_PROVIDER, "COUNCIL"),
    ("Facilities Management Contractor", FM_PROVIDER, "COUNCIL"),
    ("FM Contract End Date", FM_CONTRACT_END, "COUNCIL"),
    ("FM Contract Expiry", FM_CONTRACT_END, "COUNCIL"),
]
#: The other half of a coordinate pair, so that a lone half is not the point.
PARTNER = {"easting": "Northing", "northing": "Easting", "latitude": "Longitude",
           "longitude": "Latitude"}


def recognise(header: str, *, like: str | None = None) -> str | tuple[str, str] | None:
    """What a register with this header (and the other half of a coordinate
    pair, found from ``like`` when given) gives: the field, ``("warn", field)``
    when it is reported, or ``None``."""
    meaning = read_header(like or header)
    columns = [header]
    partner = PARTNER.get(meaning.field or "")
    if partner:
        columns.append(partner)
    reading = read_columns(columns)
    for fld, value in reading.mapping.items():
        if header in ([value] if isinstance(value, str) else value):
            return fld
    for doubt in reading.doubts:
        if doubt.column == header:
            return (WARN, doubt.field)
    return None


def test_the_table_is_large_and_says_where_each_spelling_is_from() -> None:
    assert len(HEADERS) >= 40
    assert len({h for h, _, _ in HEADERS}) == len(HEADERS)
    assert {src for _, _, src in HEADERS} >= {"LGTC", "ERIC", "ODS", "HOFS", "POL", "ISSUE"}


@pytest.mark.parametrize(("header", "expected", "source"), HEADERS,
                         ids=[h for h, _, _ in HEADERS])
def test_header_spelling(header: str, expected: object, source: str) -> None:
    assert recognise(header) == expected, (header, source, header_words(header))


def test_the_table_counts() -> None:
    """The counts the closing note reports."""
    results = [recognise(h) for h, _, _ in HEADERS]
    read = sum(isinstance(r, str) for r in results)
    warned = sum(isinstance(r, tuple) for r in results)
    assert (read, warned, len(HEADERS) - read - warned) == (67, 9, 13)


def test_units_in_headers() -> None:
    assert header_words("GIFA (sq m)") == ("gifa", "sqm")
    assert header_words("Running Cost £pa") == ("running", "cost", "gbp", "annual")
    assert read_header("Floor Area (sq ft)").scale == pytest.approx(0.09290304)
    assert read_header("Total Running Cost (£000s)").scale == 1000.0
    assert read_header("Running costs (£k)").scale == 1000.0
    assert read_header("Running costs (£m)").scale == 1_000_000.0
    assert read_header("GIA m²").scale == 1.0


# --- the promise: a recognised header never lands silently in extra ----------------------

TAKEN = [h for h, e, _ in HEADERS if isinstance(e, str)]
NOISE = ["Notes", "Ward", "Comments", "Date of Construction", "EPC Rating", "Landlord"]


def _variants(header: str) -> st.SearchStrategy[str]:
    return st.sampled_from([header, header.upper(), header.lower(),
                            header.replace(" ", "_"), f" {header} "])


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.sampled_from(TAKEN), min_size=1, max_size=10, unique=True).flatmap(
        lambda hs: st.tuples(*[_variants(h) for h in hs])
    ),
    st.lists(st.sampled_from(NOISE), max_size=3, unique=True),
)
def test_a_recognised_header_is_used_or_reported(headers: tuple[str, ...],
                                                 noise: list[str]) -> None:
    columns = list(dict.fromkeys([*headers, *noise]))
    reading = read_columns(columns)
    used = {c for v in reading.mapping.values() for c in ([v] if isinstance(v, str) else v)}
    reported = {d.column for d in reading.doubts}
    for header in headers:
        if read_header(header).taken:
            assert header in used | reported, (header, columns, reading.mapping)
    for header in noise:
        assert header not in used


def test_spelling_variants_read_alike() -> None:
    for header in TAKEN:
        for variant in (header.upper(), header.lower(), header.replace(" ", "_")):
            assert recognise(variant, like=header) == recognise(header), variant


# --- registers --------------------------------------------------------------------------

KENT = gpd.GeoDataFrame(
    {"district_code": ["E07000110"], "district_name": ["Maidstone"]},
    geometry=[box(540_000, 120_000, 640_000, 180_000)],
    crs="EPSG:27700",
)
ISSUE_HEADER = (
    "Site ID,Site Name,Premises Address,Post Code,Building Type,Tenure,GIFA (sq m),"
    "Annual Running Costs (£),No. of FTE Staff,Occupancy Status,Lease Expiry Date,"
    "X Coordinate,Y Coordinate"
)
ISSUE_ROWS = [
    'S001,Maidstone Hub,"1 High Street, Maidstone",ME14 1XX,Office,Freehold,"1,200",'
    '"£85,000",45,Occupied,,575900,155800',
    "S002,Ashford Depot,2 Station Road,TN23 1XX,Depot,Leasehold,800,40000,12,Partly vacant,"
    "31/03/2030,601000,142500",
    "S003,Canterbury Clinic,3 Castle Street,CT1 2XX,Clinic,Groundlease,450,30000,9,"
    "Let to a tenant,30/06/2028,614900,157700",
]


def _load(tmp_path: Path, text: str, name: str = "register.csv") -> LoadResult:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_register(path, agency="Kent County Council", districts=KENT)


def test_issue_register_reads_every_given_figure(tmp_path: Path) -> None:
    result = _load(tmp_path, "\n".join([ISSUE_HEADER, *ISSUE_ROWS]) + "\n")
    assets = result.assets
    assert assets[ASSET_ID].tolist() == ["S001", "S002", "S003"]
    assert assets[ADDRESS].tolist()[0] == "1 High Street, Maidstone"
    assert assets[GIA_M2].tolist() == [1200.0, 800.0, 450.0]
    assert assets[ANNUAL_COST_GBP].tolist() == [85000.0, 40000.0, 30000.0]
    assert assets[STAFF_FTE].tolist() == [45.0, 12.0, 9.0]
    assert assets[LEASE_END].dt.year.tolist()[1:] == [2030, 2028]
    assert assets[STATUS].tolist()[:2] == ["occupied", "part_vacant"]
    for column in ISSUE_HEADER.split(","):
        assert all(column not in json.loads(extra) for extra in assets[EXTRA])
    estimated = estimate_assets(assets)
    for fld in (GIA_M2, STAFF_FTE, ANNUAL_COST_GBP):
        assert set(estimated[f"{fld}_source"]) == {"given"}  # read, not estimated
    table = result.column_mapping.set_index(MAPPING_COLUMN)
    assert table.loc["Site ID", MAPPING_FIELD] == ASSET_ID
    assert table.loc["GIFA (sq m)", MAPPING_READ_BY] == "meaning"
    assert (table[MAPPING_FIELD] != "").all()


def test_unknown_status_words_are_reported_once_per_register(tmp_path: Path) -> None:
    result = _load(tmp_path, "\n".join([ISSUE_HEADER, *ISSUE_ROWS]) + "\n")
    assets = result.assets.set_index(ASSET_ID)
    assert assets.loc["S003", "status_raw"] == "Let to a tenant"  # kept as written
    warned = result.ledger["warnings"].str.contains(WARN_CATEGORY)
    assert warned.tolist() == [True, False, False]  # once, on the first row
    assert "'Let to a tenant' (1 row)" in result.ledger["warnings"].iloc[0]
    table = result.column_mapping.set_index(MAPPING_COLUMN)
    assert table.loc["Occupancy Status", MAPPING_WARNING] == WARN_CATEGORY


def test_nhs_and_police_spellings(tmp_path: Path) -> None:
    text = (
        "Premises Code,Premises Name,Post Code,Running Cost £pa,Vacancy Status,Headcount,"
        "Easting (m),Northing (m)\n"
        "KP01,Maidstone Police Station,ME14 1XX,£120k,Vacant,55,575900,155800\n"
    )
    assets = _load(tmp_path, text).assets
    row = assets.iloc[0]
    assert (row[ASSET_ID], row[NAME], row[STATUS]) == ("KP01", "Maidstone Police Station",
                                                       "vacant")
    assert (row[ANNUAL_COST_GBP], row[STAFF_FTE]) == (120000.0, 55.0)


def test_square_feet_and_thousands_of_pounds_are_converted(tmp_path: Path) -> None:
    text = (
        "Asset Reference,Floor Area (sq ft),Running cost (£k),Easting,Northing\n"
        "A1,\"10,000\",85.5,575900,155800\n"
    )
    result = _load(tmp_path, text)
    row = result.assets.iloc[0]
    assert row[GIA_M2] == pytest.approx(929.0304)
    assert row[ANNUAL_COST_GBP] == pytest.approx(85500.0)
    table = result.column_mapping.set_index(MAPPING_COLUMN)
    assert table.loc["Floor Area (sq ft)", MAPPING_CONVERSION] == "sq ft → m² (× 0.092903)"
    assert table.loc["Running cost (£k)", MAPPING_CONVERSION] == "£k → £ (× 1,000)"


def test_net_internal_area_is_reported_not_guessed(tmp_path: Path) -> None:
    text = "Asset Reference,Net Internal Area,Area,Region,Easting,Northing\n" \
           "A1,900,950,North,575900,155800\nA2,500,510,South,575950,155850\n"
    result = _load(tmp_path, text)
    assert result.assets[GIA_M2].isna().all()
    warnings = result.ledger["warnings"]
    assert warnings.iloc[1] == ""  # once per register
    first = warnings.iloc[0]
    assert first.count(WARN_COLUMN_NOT_USED) == 2
    assert "'Net Internal Area' looks like gia_m2" in first
    assert 'gia_m2 = "Net Internal Area"' in first  # the fix, as a manifest line
    assert "'Area' looks like gia_m2" in first
    extra = json.loads(result.assets[EXTRA].iloc[0])
    assert extra["Net Internal Area"] == "900"


def test_area_of_words_is_not_a_floor_area(tmp_path: Path) -> None:
    text = "Asset Reference,Area,Easting,Northing\nA1,North Kent,575900,155800\n"
    result = _load(tmp_path, text)
    assert result.ledger["warnings"].iloc[0] == ""


def test_two_equal_candidates_are_reported_and_neither_used(tmp_path: Path) -> None:
    text = ("Asset Reference,Site Type,Premises Type,Easting,Northing\n"
            "A1,Office,Depot,575900,155800\n")
    result = _load(tmp_path, text)
    assert result.assets["use_raw"].isna().all()
    first = result.ledger["warnings"].iloc[0]
    assert "'Premises Type' could give use as well" in first
    assert "'Site Type' could give use as well" in first


def test_a_second_candidate_is_reported(tmp_path: Path) -> None:
    text = ("Asset Reference,Staff (FTE),Headcount,Easting,Northing\n"
            "A1,12.5,14,575900,155800\n")
    result = _load(tmp_path, text)
    assert result.assets[STAFF_FTE].tolist() == [12.5]
    assert "'Headcount' looks like staff_fte" in result.ledger["warnings"].iloc[0]
    assert "second candidate" in result.ledger["warnings"].iloc[0]


def test_values_that_are_not_numbers_leave_a_recognised_column_unused(tmp_path: Path) -> None:
    text = "Asset Reference,GIA,Easting,Northing\nA1,see plan,575900,155800\n"
    # "GIA" is a known name (not only a meaning): its values are read and warned per row
    assert "number_unreadable" in _load(tmp_path, text).ledger["warnings"].iloc[0]
    text = "Asset Reference,GIFA (sq m),Easting,Northing\nA1,see plan,575900,155800\n"
    result = _load(tmp_path, text)
    first = result.ledger["warnings"].iloc[0]
    assert "none of its values is a number" in first
    assert json.loads(result.assets[EXTRA].iloc[0])["GIFA (sq m)"] == "see plan"


def test_a_site_reference_that_repeats_stays_the_site(tmp_path: Path) -> None:
    text = ("Site ID,Building Name,Easting,Northing\nS1,Block A,575900,155800\n"
            "S1,Block B,575910,155810\n")
    result = _load(tmp_path, text)
    assert result.column_map["register.csv"].get(SITE_ID) == "Site ID"
    assert result.assets[ASSET_ID].str.startswith("register#").all()
    assert result.assets[SITE_ID].nunique() == 1


def test_a_lone_coordinate_is_reported(tmp_path: Path) -> None:
    text = "Asset Reference,Post Code,Easting (m)\nA1,ME14 1XX,575900\n"
    reading = read_columns(text.splitlines()[0].split(","))
    assert [(d.column, d.field) for d in reading.doubts] == [("Easting (m)", "easting")]


def test_fm_fields(tmp_path: Path) -> None:
    text = ("Asset Reference,FM Provider,FM Contract End Date,Easting,Northing\n"
            "A1,Acme FM Ltd,31/03/2027,575900,155800\n")
    row = _load(tmp_path, text).assets.iloc[0]
    assert row[FM_PROVIDER] == "Acme FM Ltd"
    assert row[FM_CONTRACT_END] == pd.Timestamp("2027-03-31")


def test_manifest_mapping_wins_and_its_units_apply(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("Ref,Size sq ft,Other size,E,N\nA1,1000,5,575900,155800\n")
    result = read_register(path, agency="KCC", districts=KENT,
                           columns={"gia_m2": "Size sq ft", "easting": "E", "northing": "N"})
    assert result.assets[GIA_M2].iloc[0] == pytest.approx(92.90304)
    table = result.column_mapping.set_index(MAPPING_COLUMN)
    assert table.loc["Size sq ft", MAPPING_READ_BY] == "manifest"
    assert list(result.column_mapping.columns) == list(MAPPING_FIELDS)


def test_describe_mapping_lists_fields_extra_and_warnings(tmp_path: Path) -> None:
    text = ("Premises Code,Net Internal Area,Notes,Easting,Northing\n"
            "A1,100,hello,575900,155800\n")
    lines = describe_mapping(_load(tmp_path, text).column_mapping)
    assert lines[0] == "register.csv (Kent County Council)"
    assert any(line.split() == ["Premises", "Code", "->", "asset_id", "(by", "meaning)"]
               for line in lines)
    assert "  kept in extra: Net Internal Area, Notes" in lines
    assert any(line.startswith("  WARNING column_not_used: column 'Net Internal Area'")
               for line in lines)


def test_validate_prints_the_mapping(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "estate.csv").write_text(
        "\n".join([ISSUE_HEADER, *ISSUE_ROWS]) + "\n", encoding="utf-8"
    )
    boundaries = tmp_path / "kent.gpkg"
    KENT.to_file(boundaries, layer="districts")
    manifest = tmp_path / "manifest.toml"
    manifest.write_text(
        'study_area = ["E07000110"]\n\n[[register]]\npath = "estate.csv"\n'
        'agency = "Kent County Council"\n'
    )
    code = main(["validate", str(manifest), "--ledger", str(tmp_path / "ledger.csv"),
                 "--mapping", str(tmp_path / "mapping.csv"), "--boundaries", str(boundaries),
                 "-q"])
    assert code == EXIT_OK
    out = capsys.readouterr().out
    written = pd.read_csv(tmp_path / "mapping.csv", dtype=str, encoding="utf-8-sig")
    assert list(written.columns) == list(MAPPING_FIELDS)
    assert written.set_index(MAPPING_COLUMN).loc["No. of FTE Staff", MAPPING_FIELD] == STAFF_FTE
    assert "Columns read (source header -> field):" in out
    assert "estate.csv (Kent County Council)" in out
    lines = out.splitlines()
    gifa = next(line for line in lines if line.strip().startswith("GIFA (sq m)"))
    assert gifa.split("->")[1].split() == ["gia_m2", "(by", "meaning;", "m²)"]
    assert any("WARNING category_unrecognised: status word(s) in column 'Occupancy Status'"
               in line for line in lines)


@pytest.mark.slow
def test_sample_estate_reads_alike_without_its_column_mapping(
    sample_manifest: Path, tmp_path: Path
) -> None:
    """Recognition alone gives the fields the sample's manifest maps, except the
    headers that are not guessed (a bare "Property" or "Description" as the name,
    "Area" with no unit, "What it is used for")."""
    text = sample_manifest.read_text(encoding="utf-8")
    kept, skipping = [], False
    for line in text.splitlines():
        if line.startswith("[register.columns]"):
            skipping = True
            continue
        if skipping and (line.startswith("[") or line.startswith("#") or not line.strip()):
            skipping = False
        if not skipping:
            kept.append(line)
    bare = sample_manifest.parent / "manifest_without_columns.toml"
    bare.write_text("\n".join(kept) + "\n", encoding="utf-8")
    mapped = read_manifest(sample_manifest, progress=False).column_map
    recognised = read_manifest(bare, progress=False).column_map
    missing = {
        (f, fld) for f, m in mapped.items() for fld, col in m.items()
        if recognised[f].get(fld) != col
    }
    assert {fld for _, fld in missing} <= {NAME, GIA_M2, USE}
    assert len(missing) == 5, sorted(missing)


@pytest.mark.shared
def test_real_transparency_code_register_reports_its_unknown_status_words(
    shared_data: Path,
) -> None:
    """Cheltenham's 2023 land and assets register: its 'Tenure Detail' (read as the
    status) holds 'Groundlease' and 'Leashold'; they are kept as written and said
    once, not silently turned into 'unknown'."""
    path = (shared_data / "assets" / "council_land_assets_examples"
            / "cheltenham_local_authority_land_and_assets_2023.csv")
    result = read_register(path, agency="Cheltenham Borough Council", districts=KENT)
    warned = result.ledger["warnings"].fillna("").str.contains(WARN_CATEGORY)
    assert int(warned.sum()) == 1
    message = result.ledger.loc[warned, "warnings"].iloc[0]
    assert "'Groundlease' (1 row)" in message and "'Leashold' (1 row)" in message
    table = result.column_mapping.set_index(MAPPING_COLUMN)
    assert table.loc["Tenure Detail", MAPPING_READ_BY] == "schema"
    assert table.loc["Tenure Detail", MAPPING_WARNING] == WARN_CATEGORY
    assert table.loc["AssetCode", MAPPING_FIELD] == ASSET_ID


#: A value each field's column can hold, for registers made up in tests.
_VALUES = {ASSET_ID: "A{i}", NAME: "Hall {i}", ADDRESS: "{i} High Street", POSTCODE: "ME14 1XX",
           UPRN: "10000{i}", USE: "Office", TENURE: "Freehold", STATUS: "Occupied",
           GIA_M2: "1{i}0", STAFF_FTE: "{i}", ANNUAL_COST_GBP: "1{i}000", LEASE_END: "2030-03-31",
           FM_PROVIDER: "Acme FM", FM_CONTRACT_END: "2027-03-31", "easting": "57590{i}",
           "northing": "15580{i}", "latitude": "51.27", "longitude": "0.52",
           "grid_ref": "TQ 75900 55800"}


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(TAKEN), min_size=1, max_size=8, unique=True))
def test_a_mapped_column_never_lands_in_extra(headers: list[str]) -> None:
    """End to end: every column the loader maps is absent from ``extra``; every
    column it leaves is there or reported."""
    import tempfile

    rows = []
    for i in range(1, 3):
        cells = []
        for header in headers:
            fld = read_header(header).field or NAME
            fld = ADDRESS if fld == "address_part" else fld
            cells.append(_quoted(_VALUES.get(fld, "x").format(i=i)))
        rows.append(",".join([*cells, '"ME14 1XX"']))
    header_line = ",".join([*(_quoted(h) for h in headers), "Post Code Given"])
    text = "\n".join([header_line, *rows]) + "\n"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.csv"
        path.write_text(text, encoding="utf-8")
        result = read_register(path, agency="KCC", districts=KENT)
    table = result.column_mapping
    mapped = set(table.loc[table[MAPPING_FIELD] != "", MAPPING_COLUMN])
    reported = set(table.loc[table[MAPPING_WARNING] != "", MAPPING_COLUMN])
    for extra in result.assets[EXTRA]:
        keys = set(json.loads(extra))
        assert not keys & mapped
        for header in headers:
            assert header in mapped or header in keys
            if read_header(header).taken and header not in mapped:
                assert header in reported
