"""The rounds' command line: diff, decisions template, build --previous/--decisions."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from kentassets import schema
from kentassets.cli import main
from kentassets.io.outputs import MARKER, write_csv, write_vector


def fake_build(folder: Path, rows: list[tuple[str, str, float, str | None]]) -> Path:
    """A minimal output folder: marker, assets.gpkg, colocations.csv, parameters.json."""
    folder.mkdir(parents=True)
    (folder / MARKER).write_text("kentassets")
    assets = schema.coerce_assets(gpd.GeoDataFrame(
        {"asset_id": [r[0] for r in rows], "agency": [r[1] for r in rows],
         "name": [f"Building {r[0]}" for r in rows], "district_code": "E07000110",
         "district_name": "Maidstone", "source_file": "reg.csv"},
        geometry=[Point(575_000 + r[2], 158_000) for r in rows], crs=schema.CRS))
    assets["colocation_id"] = pd.array([r[3] for r in rows], dtype="string")
    write_vector(assets.drop(columns=["lease_end"]), folder / "assets.gpkg", layer="assets")
    ids = sorted({r[3] for r in rows if r[3]})
    write_csv(pd.DataFrame({"colocation_id": ids, "district_code": "E07000110",
                            "district_name": "Maidstone", "agencies": "Council;Police",
                            "largest_name": "Hall", "saving_gbp": 1000.0,
                            "is_colocation": True}), folder / "colocations.csv")
    (folder / "parameters.json").write_text(json.dumps({"parameters": {}, "totals": {}}))
    return folder


OLD = [("P1", "Police", 0, "MAI-01"), ("C1", "Council", 50, "MAI-01"), ("C2", "Council", 900, None)]
NEW = [("P1", "Police", 0, "MAI-01"), ("C1", "Council", 50, "MAI-01"), ("N1", "NHS", 20, "MAI-01")]


def test_diff_writes_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = fake_build(tmp_path / "old", OLD), fake_build(tmp_path / "new", NEW)
    assert main(["diff", str(old), str(new), "--out", str(tmp_path / "diff")]) == 0
    out = capsys.readouterr().out
    assert "1 added, 1 removed" in out and "changes.html" in out
    changes = pd.read_csv(tmp_path / "diff" / "changes.csv", encoding="utf-8-sig")
    assert set(changes["change"]) == {"added", "removed", "unchanged", "changed"}


def test_diff_of_a_folder_that_is_not_an_output(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("x")
    code = main(["diff", str(tmp_path / "mine"), str(tmp_path / "mine"), "--out",
                 str(tmp_path / "d")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "not a kentassets output folder" in err


def test_decisions_template_from_an_output_folder(tmp_path: Path) -> None:
    build = fake_build(tmp_path / "out", NEW)
    target = tmp_path / "decisions.csv"
    assert main(["decisions", "template", str(build), "--out", str(target)]) == 0
    table = pd.read_csv(target, encoding="utf-8-sig")
    assert table[["colocation_id", "status", "district", "place"]].values.tolist() == [
        ["MAI-01", "proposed", "Maidstone", "Hall"]]
    assert main(["decisions", "template", str(build), "--out", str(target)]) == 2


def test_build_stops_early_on_bad_round_inputs(tmp_path: Path, sample_manifest: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "decisions.csv"
    bad.write_text("colocation_id,staus\nMAI-01,done\n")
    out = str(tmp_path / "out")
    assert main(["build", str(sample_manifest), "--out", out, "--decisions", str(bad),
                 "-q"]) == 2
    assert "unknown column(s) 'staus'" in capsys.readouterr().err
    assert main(["build", str(sample_manifest), "--out", out, "--previous",
                 str(tmp_path / "nowhere"), "-q"]) == 2
    assert "not a kentassets output folder" in capsys.readouterr().err
    assert not Path(out).exists()


def test_help_of_every_new_command(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["diff", "--help"], ["decisions", "template", "--help"], ["build", "--help"]):
        with pytest.raises(SystemExit):
            main(argv)
    text = capsys.readouterr().out
    for word in ("OLD_DIR", "MANIFEST_OR_OUT_DIR", "--previous", "--decisions", "--lenient"):
        assert word in text


def test_previous_may_be_the_output_folder(tmp_path: Path) -> None:
    from kentassets.io.manifest import parse_manifest
    from kentassets.pipeline import round_inputs

    out = tmp_path / "outputs"
    register = tmp_path / "reg.csv"
    register.write_text("id,name,postcode\n1,Hall,ME14 1XQ\n")
    manifest = tmp_path / "manifest.toml"
    manifest.write_text('previous = "outputs"\n[[register]]\npath = "reg.csv"\nagency = "KCC"\n')
    spec = parse_manifest(manifest)
    assert spec.previous == out.resolve() and spec.decisions is None
    # First round: the output folder does not exist yet.
    assert round_inputs(spec, out, None, None) == {"previous": None, "decisions": None}
    # Later rounds: it is read (before the build replaces it).
    fake_build(out, OLD)
    got = round_inputs(spec, out, None, None)["previous"]
    assert sorted(got.assets["asset_id"]) == ["C1", "C2", "P1"]


def test_manifest_decisions_file_must_exist(tmp_path: Path) -> None:
    from kentassets.errors import ManifestError
    from kentassets.io.manifest import parse_manifest

    (tmp_path / "reg.csv").write_text("id\n1\n")
    manifest = tmp_path / "manifest.toml"
    manifest.write_text('decisions = "decisions.xlsx"\n[[register]]\npath = "reg.csv"\n'
                        'agency = "KCC"\n')
    with pytest.raises(ManifestError, match="decisions names a file that does not exist"):
        parse_manifest(manifest)
