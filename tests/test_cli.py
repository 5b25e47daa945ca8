"""The command line: exit codes, one-line errors, help on every command."""

from __future__ import annotations

from pathlib import Path

import pytest

from kentassets.cli import EXIT_ERROR, EXIT_OK, EXIT_REJECTED, main


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["demo", "--help"],
        ["build", "--help"],
        ["validate", "--help"],
        ["sample", "--help"],
        ["boundaries", "download", "--help"],
        ["benchmarks", "show", "--help"],
        ["benchmarks", "template", "--help"],
    ],
)
def test_help_on_every_command(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 0
    assert "usage: kentassets" in capsys.readouterr().out


def test_missing_manifest_is_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["build", str(tmp_path / "nope.toml"), "--out", str(tmp_path / "out"), "-q"])
    assert code == EXIT_ERROR
    err = capsys.readouterr().err
    assert err.startswith("kentassets: error: ")
    assert "nope.toml" in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_bad_eps_is_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["demo", "--out", str(tmp_path / "o"), "--eps-m", "50000", "-q"])
    assert code == EXIT_ERROR
    assert "10,000 metres" in capsys.readouterr().err


def test_validate_writes_ledger_and_strict_fails_on_rejects(
    sample_manifest: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = tmp_path / "ledger.csv"
    assert main(["validate", str(sample_manifest), "--ledger", str(ledger), "-q"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "Kent County Council" in out
    assert ledger.is_file()
    code = main(["validate", str(sample_manifest), "--ledger", str(ledger), "--strict", "-q"])
    assert code == EXIT_REJECTED


def test_build_refuses_output_into_inputs_folder(
    sample_manifest: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sorted(p.name for p in sample_manifest.parent.iterdir())
    code = main(["build", str(sample_manifest), "--out", str(sample_manifest.parent), "-q"])
    assert code == EXIT_ERROR
    assert "input register" in capsys.readouterr().err
    assert sorted(p.name for p in sample_manifest.parent.iterdir()) == before


def test_boundaries_download_offline_says_how_to_supply_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # port 9 (discard) on loopback: nothing listens, the request fails at once
    code = main(
        [
            "boundaries",
            "download",
            "--url",
            "http://127.0.0.1:9/query",
            "--cache-dir",
            str(tmp_path),
            "-q",
        ]
    )
    assert code == EXIT_ERROR
    err = capsys.readouterr().err
    assert "--boundaries" in err
    assert len(err.strip().splitlines()) == 1
    assert not any(tmp_path.iterdir())


def test_validate_with_official_boundaries(
    sample_manifest: Path, shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    boundaries = shared_data / "boundaries" / "lad_may2024_bsc_kent_medway.geojson"
    ledger = tmp_path / "ledger.csv"
    code = main(
        [
            "validate",
            str(sample_manifest),
            "--boundaries",
            str(boundaries),
            "--ledger",
            str(ledger),
            "-q",
        ]
    )
    assert code == EXIT_OK
    assert "Kent Police" in capsys.readouterr().out
    assert ledger.read_text(encoding="utf-8-sig").count("outside_study_area") >= 2


def test_benchmarks_show_and_template(
    tmp_path: Path, sample_manifest: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["benchmarks", "show"]) == EXIT_OK
    shown = capsys.readouterr().out
    assert "library.cost_per_m2_gbp" in shown and "[assumption]" in shown
    out = tmp_path / "mine.toml"
    assert main(["benchmarks", "template", "--out", str(out)]) == EXIT_OK
    assert "[office.cost_per_m2_gbp]" in out.read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["benchmarks", "template", "--out", str(out)]) == EXIT_ERROR
    assert "already exists" in capsys.readouterr().err
    out.write_text('[library.cost_per_m2_gbp]\nvalue = 99\nsource = "ours"\n')
    assert main(["benchmarks", "show", "--benchmarks", str(out)]) == EXIT_OK
    assert "[override]" in capsys.readouterr().out
    out.write_text('[library.cost_per_m2_gbp]\nlow = 5\ncentral = 1\nhigh = 9\n')
    capsys.readouterr()
    assert main(["build", str(sample_manifest), "--out", str(tmp_path / "o"), "-q",
                 "--benchmarks", str(out)]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert "mine.toml, [library.cost_per_m2_gbp]: low 5, central 1, high 9" in err
    assert not (tmp_path / "o").exists()
