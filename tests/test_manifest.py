"""Tests for kentassets.io.manifest: the TOML manifest is data, checked key by key."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kentassets.errors import ManifestError
from kentassets.io.manifest import Manifest, parse_manifest
from kentassets.schema import DEFAULT_STUDY_AREA

FULL = """
title = "Kent and Medway public estate"
data_date = 2026-10-31
synthetic = true
study_area = ["E07000105", "E06000035"]
postcodes = "pc/codepoint.csv"

[[register]]
path = "kcc/property.csv"
agency = "Kent County Council"
sensitive = false
crs = "EPSG:27700"
sheet = "Assets"
header_row = 3
encoding = "cp1252"
delimiter = ","

[register.columns]
asset_id = "Property Ref"
address = ["Address 1", "Town"]
easting = "X"
northing = "Y"

[[register]]
path = "police.csv"
agency = "Kent Police"
sensitive = true
names = ["Code", "Name"]
delimiter = "tab"
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "kcc").mkdir()
    (tmp_path / "pc").mkdir()
    (tmp_path / "kcc" / "property.csv").write_text("Property Ref\nA1\n")
    (tmp_path / "police.csv").write_text("A\tB\n")
    (tmp_path / "pc" / "codepoint.csv").write_text("x\n")
    return tmp_path


def write(folder: Path, text: str) -> Path:
    path = folder / "manifest.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_full_manifest(folder: Path) -> None:
    manifest = parse_manifest(write(folder, FULL))
    assert isinstance(manifest, Manifest)
    assert manifest.title == "Kent and Medway public estate"
    assert manifest.data_date == date(2026, 10, 31)
    assert manifest.synthetic is True
    assert manifest.study_area == ("E07000105", "E06000035")
    assert manifest.postcodes == (folder / "pc" / "codepoint.csv").resolve()
    first, second = manifest.registers
    assert first.path == (folder / "kcc" / "property.csv").resolve()
    assert first.source_name == "kcc/property.csv"
    assert first.header_row == 3 and first.sheet == "Assets" and first.encoding == "cp1252"
    assert first.columns["address"] == ["Address 1", "Town"]
    assert first.columns["easting"] == "X"
    assert second.names == ("Code", "Name") and second.delimiter == "\t"
    assert manifest.sensitive_agencies == frozenset({"Kent Police"})


def test_defaults(folder: Path) -> None:
    manifest = parse_manifest(
        write(folder, '[[register]]\npath = "police.csv"\nagency = "Kent Police"\n')
    )
    assert manifest.study_area == DEFAULT_STUDY_AREA
    assert manifest.data_date is None and manifest.boundaries is None
    spec = manifest.registers[0]
    assert spec.columns == {} and spec.sensitive is False and spec.names is None


def test_missing_manifest(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match=r"absent.toml: manifest not found"):
        parse_manifest(tmp_path / "absent.toml")


def test_not_toml(folder: Path) -> None:
    with pytest.raises(ManifestError, match=r"manifest.toml: not valid TOML"):
        parse_manifest(write(folder, "[[register]\npath = \n"))


def test_unknown_keys_are_named(folder: Path) -> None:
    text = 'colour = "red"\n[[register]]\npath = "police.csv"\nagency = "P"\nshet = "A"\n'
    text += '[register.columns]\nasset_idd = "Ref"\n'
    with pytest.raises(ManifestError) as info:
        parse_manifest(write(folder, text))
    message = str(info.value)
    assert "unknown key(s) 'colour'" in message
    assert "register 1: unknown key(s) 'shet'" in message
    assert "columns has unknown field(s) 'asset_idd'" in message
    assert "3 problem(s)" in message


def test_missing_register_file_is_named(folder: Path) -> None:
    text = '[[register]]\npath = "gone/assets.csv"\nagency = "KCC"\n'
    with pytest.raises(ManifestError, match=r"register 1: path names a file that does not exist: "
                       r"'gone/assets.csv'"):
        parse_manifest(write(folder, text))


def test_required_keys_and_types(folder: Path) -> None:
    text = '[[register]]\nheader_row = "3"\nsensitive = "yes"\n'
    with pytest.raises(ManifestError) as info:
        parse_manifest(write(folder, text))
    message = str(info.value)
    assert "path is required" in message and "agency is required" in message
    assert "header_row must be int" in message and "sensitive must be bool" in message


def test_no_registers(folder: Path) -> None:
    with pytest.raises(ManifestError, match=r"no \[\[register\]\] tables"):
        parse_manifest(write(folder, 'title = "x"\n'))


def test_bad_study_area_and_encoding(folder: Path) -> None:
    text = 'study_area = ["Kent"]\n[[register]]\npath = "police.csv"\nagency = "P"\n'
    text += 'encoding = "klingon"\ndelimiter = ",;"\nheader_row = 0\n'
    with pytest.raises(ManifestError) as info:
        parse_manifest(write(folder, text))
    message = str(info.value)
    assert "not ONS district codes: Kent" in message
    assert "encoding 'klingon' is not known" in message
    assert "delimiter must be one character" in message
    assert "header_row must be 1 or more" in message


def test_address_only_may_be_a_list(folder: Path) -> None:
    text = '[[register]]\npath = "police.csv"\nagency = "P"\n[register.columns]\n'
    text += 'name = ["A", "B"]\n'
    with pytest.raises(ManifestError, match=r"columns.name must be a column name"):
        parse_manifest(write(folder, text))


def test_nothing_in_a_manifest_is_executed(folder: Path) -> None:
    marker = folder / "pwned"
    text = f'title = "__import__(\'pathlib\').Path(\'{marker}\').touch()"\n'
    text += '[[register]]\npath = "police.csv"\nagency = "$(touch pwned)"\n'
    manifest = parse_manifest(write(folder, text))
    assert manifest.title.startswith("__import__")
    assert manifest.registers[0].agency == "$(touch pwned)"
    assert not marker.exists()


def test_manifest_is_not_modified(folder: Path) -> None:
    path = write(folder, FULL)
    before = path.read_bytes()
    parse_manifest(path)
    assert path.read_bytes() == before


def test_parsed_manifest_is_handed_back(folder: Path) -> None:
    path = write(folder, FULL)
    manifest = parse_manifest(path)
    path.unlink()  # not read again
    assert parse_manifest(manifest) is manifest


def test_benchmarks_sector_and_private_source_names(folder: Path) -> None:
    # issue 14: an override table, a sector per register, and no local absolute paths
    (folder / "my_benchmarks.toml").write_text('[library.gia_m2]\nvalue = 400\nsource = "x"\n')
    elsewhere = folder.parent / f"{folder.name}-elsewhere"
    elsewhere.mkdir()
    (elsewhere / "nhs sites.csv").write_text("Name\nA\n")
    text = (
        'benchmarks = "my_benchmarks.toml"\n'
        f'[[register]]\npath = "{(folder / "kcc" / "property.csv").as_posix()}"\n'
        'agency = "Kent County Council"\n'
        f'[[register]]\npath = "{(elsewhere / "nhs sites.csv").as_posix()}"\n'
        'agency = "Arts Council England libraries"\nsector = "council"\n'
    )
    manifest = parse_manifest(write(folder, text))
    assert manifest.benchmarks == (folder / "my_benchmarks.toml").resolve()
    assert [r.source_name for r in manifest.registers] == ["kcc/property.csv", "nhs sites.csv"]
    assert manifest.sectors == {"Arts Council England libraries": "council"}
    with pytest.raises(ManifestError, match="sector 'county' is not one of council, police"):
        parse_manifest(write(folder, text.replace('sector = "council"', 'sector = "county"')))
    with pytest.raises(ManifestError, match="benchmarks names a file that does not exist"):
        parse_manifest(write(folder, text.replace("my_benchmarks", "nope")))
