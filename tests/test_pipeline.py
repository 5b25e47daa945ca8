"""The demo end to end: every output exists and is well formed."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from kentassets import schema
from kentassets.errors import ValidationError
from kentassets.io.manifest import parse_manifest
from kentassets.pipeline import BuildOptions

N_DISTRICTS = 13


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "a":
            self.links.extend(v for k, v in attrs if k == "href" and v)


def _parse(path: Path) -> _Checker:
    checker = _Checker()
    checker.feed(path.read_text(encoding="utf-8"))
    checker.close()
    return checker


def _pdf_pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def _count_input_rows(manifest: Path) -> int:
    """Count data rows of every register independently of the loader."""
    spec = parse_manifest(manifest)
    total = 0
    for reg in spec.registers:
        suffix = reg.path.suffix.lower()
        skip = (reg.header_row or 1) - 1
        if suffix in (".csv", ".txt", ".tsv"):
            frame = pd.read_csv(
                reg.path,
                encoding=reg.encoding or "utf-8-sig",
                sep=reg.delimiter or None,
                engine="python",
                skiprows=skip,
                dtype=str,
                header=None if reg.names else "infer",
            )
        elif suffix in (".xlsx", ".xls", ".ods"):
            frame = pd.read_excel(reg.path, sheet_name=reg.sheet or 0, skiprows=skip, dtype=str)
        else:
            frame = gpd.read_file(reg.path)
        total += len(frame.dropna(how="all"))
    return total


def test_demo_writes_every_output(demo_out: Path) -> None:
    names = {p.name for p in demo_out.iterdir()}
    for name in (
        "index.html",
        "atlas.pdf",
        "assets.gpkg",
        "colocations.geojson",
        "colocations.csv",
        "opportunities.csv",
        "load_ledger.csv",
        "column_mapping.csv",
    ):
        assert name in names, name
    html = sorted(p for p in demo_out.glob("*.html") if p.name != "index.html")
    pdfs = sorted(p for p in demo_out.glob("*.pdf") if p.name != "atlas.pdf")
    assert len(html) == N_DISTRICTS
    assert len(pdfs) == N_DISTRICTS
    assert not [p for p in demo_out.parent.iterdir() if p.name.startswith(".kentassets-tmp")]


def test_demo_html_parses_and_index_links_every_district(demo_out: Path) -> None:
    index = _parse(demo_out / "index.html")
    for page in demo_out.glob("*.html"):
        checker = _parse(page)
        assert "script" in checker.tags, page.name
        assert "synthetic sample data" in page.read_text(encoding="utf-8").lower(), page.name
    for page in demo_out.glob("*.html"):
        if page.name != "index.html":
            assert page.name in index.links
    for pdf in demo_out.glob("*.pdf"):
        if pdf.name != "atlas.pdf":
            assert pdf.name in index.links


def test_demo_pdfs_have_expected_pages(demo_out: Path) -> None:
    for pdf in demo_out.glob("*.pdf"):
        if pdf.name != "atlas.pdf":
            # the map and shortlist, then service reach, then the implementation plan
            assert _pdf_pages(pdf) == 3, pdf.name
    assert _pdf_pages(demo_out / "atlas.pdf") >= 3 * N_DISTRICTS + 2


def test_demo_ledger_accounts_for_every_row(demo_out: Path, sample_manifest: Path) -> None:
    ledger = pd.read_csv(demo_out / "load_ledger.csv", encoding="utf-8-sig", dtype=str)
    assert set(ledger[schema.LEDGER_STATUS]) <= set(schema.LEDGER_STATUSES)
    assert len(ledger) == _count_input_rows(sample_manifest)
    assets = gpd.read_file(demo_out / "assets.gpkg")
    assert len(assets) == int((ledger[schema.LEDGER_STATUS] == schema.LOADED).sum())
    assert assets.crs.to_epsg() == 27700
    # the planted defects of the sample estate are reported
    assert (ledger[schema.LEDGER_STATUS] == schema.REJECTED).any()
    assert (ledger[schema.LEDGER_STATUS] == schema.EXCLUDED).any()
    not_loaded = ledger[ledger[schema.LEDGER_STATUS] != schema.LOADED]
    assert not_loaded[schema.LEDGER_MESSAGE].notna().all()
    assert not_loaded[schema.LEDGER_REASON].notna().all()


def test_demo_colocations_cover_every_district(demo_out: Path) -> None:
    colocs = gpd.read_file(demo_out / "colocations.geojson")
    assert colocs.crs.to_epsg() == 4326
    assert colocs[schema.COLOCATION_ID].is_unique
    opps = pd.read_csv(demo_out / "opportunities.csv", encoding="utf-8-sig")
    assert "param_eps_m" in opps.columns
    shortlisted = opps[opps["shortlisted"].astype(str).str.lower() == "true"]
    per_district = shortlisted.groupby("district_code").size()
    assert len(per_district) == N_DISTRICTS
    assert per_district.between(5, 10).all(), per_district.to_dict()
    params = json.loads((demo_out / "parameters.json").read_text())
    assert params["parameters"]["eps_m"] == 250.0


def test_build_options_validate_ranges() -> None:
    with pytest.raises(ValidationError, match="between 1 and 10,000 metres"):
        BuildOptions(eps_m=0.5)
    with pytest.raises(ValidationError, match="A3, A4"):
        BuildOptions(paper="Letter")


def test_build_parses_the_manifest_and_loads_boundaries_once(
    sample_manifest: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The flow hands the parsed manifest and the districts down: each is read once."""
    import tomllib

    from kentassets import districts as districts_stage
    from kentassets import pipeline

    parses: list[str] = []
    real_loads = tomllib.loads
    monkeypatch.setattr(tomllib, "loads", lambda text: parses.append(text) or real_loads(text))
    boundary_loads: list[object] = []
    real_load_districts = districts_stage.load_districts

    def counting_load_districts(*args: object, **kwargs: object) -> gpd.GeoDataFrame:
        boundary_loads.append(args)
        return real_load_districts(*args, **kwargs)

    monkeypatch.setattr(districts_stage, "load_districts", counting_load_districts)
    monkeypatch.setattr("kentassets.pipeline.run.write_outputs", lambda *args, **kwargs: [])
    report = pipeline.build(sample_manifest, tmp_path / "out", progress=False)
    # the manifest once (the benchmark table, another TOML file, is read once too)
    assert len([text for text in parses if "[[register]]" in text]) == 1
    assert len(parses) == 2
    assert len(boundary_loads) == 1
    assert len(report.analysis.assets) > 0


def test_demo_marks_estimates_and_shows_ranges(demo_out: Path) -> None:
    """Issue 14: every estimate marked in the outputs; savings as ranges with points."""
    assets = gpd.read_file(demo_out / "assets.gpkg")
    for field in ("gia_m2", "staff_fte", "annual_cost_gbp"):
        present = assets[field].notna()
        assert assets.loc[present, f"{field}_source"].isin(
            ["given", "footprint", "benchmark"]).all()
    assert (assets["gia_m2_source"] == "given").any()
    assert assets.loc[assets["gia_m2"].isna(), "gia_m2_source"].isna().all()
    assert not assets["source_file"].str.startswith("/").any()
    opps = pd.read_csv(demo_out / "opportunities.csv")
    points = [c for c in opps.columns if c.startswith("points_")]
    assert len(points) == 9  # eight parts and service reach
    scored = opps[opps["is_colocation"]]
    assert ((scored[points].sum(axis=1) - scored["score"]).abs() < 0.5).all()
    assert (scored["saving_low_gbp"] <= scored["saving_high_gbp"]).all()
    assert {"benchmarks.csv", "housing_capacity.csv"} <= {p.name for p in demo_out.iterdir()}
    housing = pd.read_csv(demo_out / "housing_capacity.csv")
    assert housing["district_code"].iloc[-1] == "(all)"
    index = (demo_out / "index.html").read_text(encoding="utf-8")
    assert "rests on given figures" in index and "\u2248" in index


@pytest.mark.slow
@pytest.mark.shared
def test_a_study_area_outside_kent_reads_by_its_name(shared_data: Path, tmp_path: Path) -> None:
    """Issue 14: Cheltenham (E07000078) is named, not coded, with no boundary file given."""
    register = (shared_data / "assets" / "council_land_assets_examples"
                / "cheltenham_local_authority_land_and_assets_2023.csv")
    manifest = tmp_path / "manifest.toml"
    manifest.write_text(
        'title = "Cheltenham"\nstudy_area = ["E07000078"]\n[[register]]\n'
        f'path = "{register.as_posix()}"\nagency = "Cheltenham Borough Council"\n',
        encoding="utf-8")
    from kentassets import pipeline

    report = pipeline.build(manifest, tmp_path / "out", progress=False)
    page = tmp_path / "out" / "cheltenham.html"
    assert page.exists() and not (tmp_path / "out" / "e07000078.html").exists()
    assert "<title>Cheltenham" in page.read_text(encoding="utf-8")
    assets = report.analysis.assets
    assert set(assets["district_name"].dropna()) == {"Cheltenham"}
    assert set(assets["source_file"]) == {register.name}  # not the absolute path
    assert str(shared_data) not in (tmp_path / "out" / "load_ledger.csv").read_text("utf-8-sig")
