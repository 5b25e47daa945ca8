"""Tests for kentassets.io.registers: every format into text cells and row numbers."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from kentassets.errors import CoordinateSystemError, RegisterFormatError
from kentassets.io.registers import read_register_file


def write(path: Path, text: str, encoding: str = "utf-8", newline: str = "\n") -> Path:
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


# --- delimited text ------------------------------------------------------------------


def test_csv_rows_are_numbered_as_in_a_spreadsheet(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", "Name,Postcode\nHall,ME14 1XQ\nDepot,CT20 1HD\n")
    raw = read_register_file(path)
    assert raw.header_row == 1
    assert raw.rows.tolist() == [2, 3]
    assert raw.frame["Postcode"].tolist() == ["ME14 1XQ", "CT20 1HD"]
    assert raw.delimiter == "," and raw.encoding == "utf-8"


def test_title_rows_above_the_header_are_detected(tmp_path: Path) -> None:
    text = "Kent County Council property list\nAs at 31 March\n\nRef,Name,Easting,Northing\n"
    text += "A1,Hall,575900,155800\nA2,Depot,576000,155900\n"
    raw = read_register_file(write(tmp_path / "t.csv", text))
    assert raw.header_row == 4
    assert list(raw.frame.columns) == ["Ref", "Name", "Easting", "Northing"]
    assert raw.rows.tolist() == [5, 6]


def test_header_row_can_be_given(tmp_path: Path) -> None:
    text = "Title\nRef,Name\nA1,Hall\n"
    raw = read_register_file(write(tmp_path / "t.csv", text), header_row=2)
    assert raw.rows.tolist() == [3]
    assert raw.frame.loc[0, "Name"] == "Hall"


def test_duplicated_and_blank_header_names_are_made_unique(tmp_path: Path) -> None:
    text = "Organisation,Label,Organisation,Label,\nKCC,1,KCC,2,x\n"
    raw = read_register_file(write(tmp_path / "d.csv", text))
    assert list(raw.frame.columns) == [
        "Organisation", "Label", "Organisation (2)", "Label (2)", "Column 5"
    ]
    assert raw.original_names[2] == "Organisation"


def test_headerless_with_names(tmp_path: Path) -> None:
    path = write(tmp_path / "h.csv", '"A1","Hall","ME14 1XQ"\n"A2","Depot","CT20 1HD"\n')
    raw = read_register_file(path, names=["Code", "Name", "Postcode"])
    assert raw.headerless and raw.rows.tolist() == [1, 2]
    assert raw.frame["Code"].tolist() == ["A1", "A2"]


def test_headerless_names_shorter_than_the_rows_keep_every_field(tmp_path: Path) -> None:
    raw = read_register_file(write(tmp_path / "h.csv", "A1,Hall,x\n"), names=["Code", "Name"])
    assert list(raw.frame.columns) == ["Code", "Name", "Column 3"]


def test_wrong_encoding_given(tmp_path: Path) -> None:
    path = write(tmp_path / "w.csv", "Name,Cost\nCafé,£5\n", encoding="cp1252")
    with pytest.raises(RegisterFormatError, match=r"w.csv: cannot be read as utf-8"):
        read_register_file(path, encoding="utf-8")


def test_headerless_file_is_detected_from_its_data(tmp_path: Path) -> None:
    path = write(tmp_path / "h.csv", '"A91067","SURGERY","CT20 3HF","20101001"\n')
    raw = read_register_file(path)
    assert raw.headerless
    assert list(raw.frame.columns) == ["Column 1", "Column 2", "Column 3", "Column 4"]
    assert raw.rows.tolist() == [1]


def test_crlf_and_embedded_newlines_keep_row_numbers(tmp_path: Path) -> None:
    text = 'Name,PostCode,GeoX\nHall,"GL50 1DY\n",395265\nShed,GL50 2AB,395000\n'
    raw = read_register_file(write(tmp_path / "n.csv", text, newline="\r\n"))
    assert raw.rows.tolist() == [2, 3]
    assert raw.frame.loc[0, "PostCode"].strip() == "GL50 1DY"
    assert raw.frame.loc[1, "GeoX"] == "395000"


def test_line_breaks_in_quoted_cells_beyond_the_sample(tmp_path: Path) -> None:
    """A quote far into a large file still makes the reader track quoted line breaks,
    and a file without quotes (read the fast way) keeps every row and number."""
    from kentassets.io.registers import scan_text

    body = "".join(f"R{i},{i}\n" for i in range(1, 200_001))
    quoted = write(tmp_path / "q.csv", "Ref,Value\n" + body + 'LAST,"two\nlines"\n')
    plain = write(tmp_path / "p.csv", "Ref,Value\n" + body + "\nLAST,end\n")
    assert scan_text(quoted, "q.csv", detect=True) == ("utf-8", True)
    assert scan_text(plain, "p.csv", detect=True) == ("utf-8", False)
    assert scan_text(plain, "p.csv", detect=False) == ("", False)
    raw = read_register_file(quoted)
    assert len(raw.frame) == 200_001 and raw.frame.iloc[-1]["Value"] == "two\nlines"
    assert raw.rows[-1] == 200_002
    raw = read_register_file(plain)
    assert len(raw.frame) == 200_001 and raw.frame.iloc[-1]["Value"] == "end"
    assert raw.rows[-1] == 200_003  # after the blank line, as a text editor counts


def test_blank_rows_are_not_data_rows(tmp_path: Path) -> None:
    raw = read_register_file(write(tmp_path / "b.csv", "A,B\n1,2\n,\n\n3,4\n,\n"))
    assert raw.rows.tolist() == [2, 5]


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252"), ("utf-16", "utf-16")],
)
def test_encodings_are_detected(tmp_path: Path, encoding: str, expected: str) -> None:
    path = write(tmp_path / "e.csv", "Name,Cost\nCafé,£1,234\n".replace("£1,234", '"£1,234"'),
                 encoding=encoding)
    raw = read_register_file(path)
    assert raw.encoding == expected
    assert raw.frame.loc[0, "Name"] == "Café"
    assert raw.frame.loc[0, "Cost"] == "£1,234"


def test_latin1_bytes_undefined_in_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_bytes(b"Name,Code\nA\x81B,1\n")
    raw = read_register_file(path)
    assert raw.encoding == "latin-1"


@pytest.mark.parametrize("sep", [";", "\t", "|", "\xac"])
def test_delimiters_are_sniffed(tmp_path: Path, sep: str) -> None:
    text = sep.join(["Name", "Address", "Postcode"]) + "\n"
    text += sep.join(["Hall", "1, High Street", "ME14 1XQ"]) + "\n"
    text += sep.join(["Depot", "2, Low Street", "CT20 1HD"]) + "\n"
    raw = read_register_file(write(tmp_path / "s.csv", text, encoding="latin-1"))
    assert raw.delimiter == sep
    assert raw.frame.loc[0, "Address"] == "1, High Street"


def test_given_delimiter_and_encoding(tmp_path: Path) -> None:
    path = write(tmp_path / "g.txt", "A;B\n1;2\n", encoding="cp1252")
    raw = read_register_file(path, delimiter=";", encoding="cp1252")
    assert raw.frame.loc[0, "B"] == "2"


# --- bad input -----------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(RegisterFormatError, match=r"nope\.csv: file not found"):
        read_register_file(tmp_path / "nope.csv")


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(RegisterFormatError, match=r"empty.csv: the file is empty \(0 bytes\)"):
        read_register_file(write(tmp_path / "empty.csv", ""))


def test_blank_lines_only(tmp_path: Path) -> None:
    with pytest.raises(RegisterFormatError, match="only blank lines"):
        read_register_file(write(tmp_path / "blank.csv", "\n\n  \n"))


def test_header_only(tmp_path: Path) -> None:
    with pytest.raises(RegisterFormatError, match=r"h.csv: the header was found but no data"):
        read_register_file(write(tmp_path / "h.csv", "Name,Easting,Northing\n"))


def test_binary_junk(tmp_path: Path) -> None:
    path = tmp_path / "junk.csv"
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(RegisterFormatError, match=r"junk.csv: the file is not text"):
        read_register_file(path)


def test_control_characters_are_not_text(tmp_path: Path) -> None:
    path = tmp_path / "ctl.csv"
    path.write_bytes(b"\x01\x02\x03\x04\x05\x06\x07\x08" * 100)
    with pytest.raises(RegisterFormatError, match="does not look like text"):
        read_register_file(path)


def test_one_megabyte_cell_names_row_and_column(tmp_path: Path) -> None:
    text = "Name,Notes\nHall,ok\nShed," + "x" * 1_000_000 + "\n"
    with pytest.raises(
        RegisterFormatError, match=r'big.csv, row 3, column "Notes": the cell holds 1,000,000'
    ):
        read_register_file(write(tmp_path / "big.csv", text))


def test_oversize_file_fails_before_reading(tmp_path: Path) -> None:
    path = write(tmp_path / "large.csv", "A,B\n" + "1,2\n" * 100_000)
    with pytest.raises(RegisterFormatError, match=r"large.csv: the file is 0 MB, more than the"):
        read_register_file(path, max_file_mb=0.1)


def test_display_name_is_used_in_messages(tmp_path: Path) -> None:
    with pytest.raises(RegisterFormatError, match=r"^kcc/property.csv: the file is empty"):
        read_register_file(write(tmp_path / "e.csv", ""), display_name="kcc/property.csv")


def test_ragged_rows_are_a_clear_error(tmp_path: Path) -> None:
    text = "A,B\n1,2\n" + "3,4\n" * 40 + "5,6,7,8\n"
    with pytest.raises(RegisterFormatError, match=r"r.csv: cannot split into 2 columns"):
        read_register_file(write(tmp_path / "r.csv", text))


def test_header_row_beyond_the_file(tmp_path: Path) -> None:
    with pytest.raises(RegisterFormatError, match="header_row 9 is beyond"):
        read_register_file(write(tmp_path / "x.csv", "A,B\n1,2\n"), header_row=9)


# --- spreadsheets ---------------------------------------------------------------------------


@pytest.fixture
def xlsx(tmp_path: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Notes"
    notes["A1"] = "Read me"
    sheet = book.create_sheet("Sites")
    sheet.append(["NHS estate, synthetic"])
    sheet.append([])
    sheet.append(["Site code", "Site name", "Latitude", "Longitude", "GIA"])
    sheet.append(["RVV01", "Hospital", 51.27, 0.52, 1200.0])
    sheet.append(["RVV02", "Clinic", 51.28, 0.53, 10.5])
    path = tmp_path / "nhs_sites.xlsx"
    book.save(path)
    return path


def test_xlsx_sheet_and_title_rows(xlsx: Path) -> None:
    raw = read_register_file(xlsx, sheet="Sites")
    assert raw.sheet == "Sites" and raw.header_row == 3
    assert raw.rows.tolist() == [4, 5]
    assert raw.frame["GIA"].tolist() == ["1200", "10.5"]
    assert raw.frame.loc[0, "Latitude"] == "51.27"


def test_wrong_sheet_lists_the_sheets(xlsx: Path) -> None:
    with pytest.raises(
        RegisterFormatError,
        match=r'nhs_sites.xlsx: there is no sheet "Stes". The sheets are "Notes", "Sites"',
    ):
        read_register_file(xlsx, sheet="Stes")


def test_sheet_name_is_matched_without_case(xlsx: Path) -> None:
    assert read_register_file(xlsx, sheet="sites").sheet == "Sites"


def test_xlsx_misnamed_as_csv_is_read_by_content(xlsx: Path, tmp_path: Path) -> None:
    other = tmp_path / "sites.csv"
    other.write_bytes(xlsx.read_bytes())
    assert read_register_file(other, sheet="Sites").format == "xlsx"


def test_ods(tmp_path: Path) -> None:
    path = tmp_path / "fire.ods"
    frame = pd.DataFrame({"STATION_NAME": ["A", "B"], "STATION_EASTING": [544394, 544397]})
    frame.to_excel(path, engine="odf", index=False, sheet_name="STATIONS")
    raw = read_register_file(path)
    assert raw.sheet == "STATIONS" and raw.rows.tolist() == [2, 3]
    assert raw.frame["STATION_EASTING"].tolist() == ["544394", "544397"]


def test_corrupt_workbook(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    with pytest.raises(RegisterFormatError, match=r"broken.xlsx: cannot be read as a XLSX"):
        read_register_file(path)


# --- vector ---------------------------------------------------------------------------------


def test_geojson_is_reprojected(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"name": ["Hall"], "code": [7]}, geometry=[Point(0.52, 51.27)], crs="EPSG:4326"
    )
    path = tmp_path / "sites.geojson"
    frame.to_file(path, driver="GeoJSON")
    raw = read_register_file(path)
    assert raw.geometry is not None
    assert raw.geometry.crs.to_epsg() == 27700
    assert 570_000 < raw.geometry.iloc[0].x < 580_000
    assert raw.frame.loc[0, "code"] == "7" and raw.rows.tolist() == [1]


def test_gpkg_layer_and_wrong_layer(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"name": ["Hall"]}, geometry=[Point(575900, 155800)],
                             crs="EPSG:27700")
    path = tmp_path / "sites.gpkg"
    frame.to_file(path, layer="assets", driver="GPKG")
    assert read_register_file(path, sheet="assets").frame.loc[0, "name"] == "Hall"
    with pytest.raises(RegisterFormatError, match=r'no layer "other". The layers are "assets"'):
        read_register_file(path, sheet="other")


def test_geoparquet(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"name": ["Hall"]}, geometry=[Point(575900, 155800)],
                             crs="EPSG:27700")
    path = tmp_path / "sites.parquet"
    frame.to_parquet(path)
    raw = read_register_file(path)
    assert raw.format == "parquet" and raw.geometry.iloc[0].x == 575900


def test_vector_without_crs_needs_one(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"name": ["Hall"]}, geometry=[Point(575900, 155800)])
    path = tmp_path / "nocrs.parquet"
    frame.to_parquet(path)
    with pytest.raises(CoordinateSystemError, match=r"nocrs.parquet: the file does not say"):
        read_register_file(path)
    raw = read_register_file(path, crs="EPSG:27700")
    assert raw.geometry.crs.to_epsg() == 27700


# --- real files -------------------------------------------------------------------------------


@pytest.mark.shared
def test_real_kfrs_xls_with_stray_bytes(shared_data: Path) -> None:
    raw = read_register_file(shared_data / "assets/fire/kfrs_stations_2017.xls")
    assert raw.format == "xls" and len(raw.frame) == 58
    assert list(raw.frame.columns) == ["Station name", "Station number", "Address", "Town",
                                       "Postcode"]


@pytest.mark.shared
def test_real_not_sign_delimited_latin1(shared_data: Path) -> None:
    raw = read_register_file(shared_data / "assets/nhs/nhs_choices_hospital_2018_kent_medway.csv")
    assert raw.delimiter == "\xac" and len(raw.frame) == 38 and raw.frame.shape[1] == 22


@pytest.mark.shared
def test_real_lgtc_2021_duplicated_headers_cp1252(shared_data: Path) -> None:
    path = shared_data / (
        "assets/council_land_assets_examples/cheltenham_local_authority_land_and_assets_2021.csv"
    )
    raw = read_register_file(path)
    assert raw.encoding == "cp1252" and len(raw.frame) == 498
    assert "Organisation (2)" in raw.frame.columns
    assert raw.rows[-1] == 499


@pytest.mark.shared
def test_real_epraccur_is_headerless(shared_data: Path) -> None:
    raw = read_register_file(shared_data / "assets/nhs/epraccur_kent_medway.csv")
    assert raw.headerless and raw.frame.shape == (519, 27) and raw.rows[0] == 1
