"""Tests for kentassets.render.printmap: the district PDF pages and the county atlas.

Inputs are small and hand-made: three square districts, four agencies (one of
them sensitive), a crowded town centre that needs an inset map, and hostile
strings (mathtext, TeX, HTML, bidirectional overrides) in names and addresses.
"""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import MultiPoint, Point, box

from kentassets import schema
from kentassets.errors import ValidationError
from kentassets.render import printmap

pypdf = pytest.importorskip("pypdf")

A3_PT = (420 / 25.4 * 72, 297 / 25.4 * 72)
A4_PT = (297 / 25.4 * 72, 210 / 25.4 * 72)

COUNCIL = "Kent County Council"
POLICE = "Kent Police"  # sensitive
NHS = "NHS $Trust$ & Co_op"
FIRE = "Fire ^Service^ \\textbf{x}"
HOSTILE_DISTRICT = "Little $Snoring$_^ <script>"
SECRET_NAME = "SECRET Custody Suite"
SECRET_ADDRESS = "1 Hidden Lane, Nowhere"

DISTRICTS = [
    ("E07000110", "Maidstone", 570_000.0, 150_000.0),
    ("E07000106", "Canterbury", 590_000.0, 150_000.0),
    ("E07000999", HOSTILE_DISTRICT, 570_000.0, 130_000.0),
]


def _districts() -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(
        {
            schema.DISTRICT_CODE: [d[0] for d in DISTRICTS],
            schema.DISTRICT_NAME: [d[1] for d in DISTRICTS],
        },
        geometry=[box(x, y, x + 20_000, y + 20_000) for _, _, x, y in DISTRICTS],
        crs=schema.CRS,
    )
    frame.attrs["boundary_source"] = "official"
    return frame


def _estate() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Assets and opportunities: co-locations per district, one crowded town centre."""
    rng = np.random.default_rng(7)
    rows: list[dict[str, object]] = []
    opps: list[dict[str, object]] = []
    agencies = [COUNCIL, POLICE, NHS, FIRE]
    prefixes = {"E07000110": "MAI", "E07000106": "CAN", "E07000999": "LIT"}
    for code, name, x0, y0 in DISTRICTS:
        centres = [(x0 + 10_000 + dx, y0 + 10_000 + dy)
                   for dx, dy in [(0, 0), (350, 120), (-260, 300), (150, -330), (-420, -80)]]
        centres += [(x0 + 4_000, y0 + 15_000), (x0 + 15_500, y0 + 4_500)]
        if code != "E07000110":
            centres = centres[4:]
        for k, (cx, cy) in enumerate(centres, start=1):
            cid = f"{prefixes[code]}-{k:02d}"
            members = []
            for j, agency in enumerate(agencies[: 2 + k % 3]):
                px, py = cx + rng.normal(0, 40), cy + rng.normal(0, 40)
                sensitive = agency == POLICE
                members.append((px, py))
                rows.append({
                    schema.ASSET_ID: f"{cid}-{j}",
                    schema.AGENCY: agency,
                    schema.NAME: SECRET_NAME if sensitive else f"{agency} office {cid}",
                    schema.ADDRESS: SECRET_ADDRESS if sensitive
                    else f"{10 + j} High St $5_^, Town{code[-1]}",
                    schema.GIA_M2: 500.0 + 100 * j,
                    schema.STAFF_FTE: 20.0 + j,
                    schema.ANNUAL_COST_GBP: 90_000.0 + 1000 * j,
                    schema.DISTRICT_CODE: code,
                    schema.DISTRICT_NAME: name,
                    schema.SENSITIVE: sensitive,
                    schema.COLOCATION_ID: cid,
                    schema.CLUSTER_LABEL: k,
                    "geometry": Point(px, py),
                })
            hull = MultiPoint(members).convex_hull
            opps.append({
                schema.COLOCATION_ID: cid,
                schema.IS_COLOCATION: True,
                schema.DISTRICT_CODE: code,
                schema.DISTRICT_NAME: name,
                "agencies": ";".join(agencies[: 2 + k % 3]),
                schema.GIA_M2: 1500.0,
                schema.STAFF_FTE: 60.0,
                schema.ANNUAL_COST_GBP: 270_000.0,
                "saving_gbp": 50_000.0 - 1000 * k,
                "rank": k,
                "district_rank": k,
                "shortlisted": k <= 5,
                "largest_name": f"{COUNCIL} office {cid}",
                "largest_address": f"10 High St $5_^, Town{code[-1]}",
                "geometry": hull,
            })
        for j in range(25):  # scattered single assets
            rows.append({
                schema.ASSET_ID: f"{code}-s{j}",
                schema.AGENCY: agencies[j % 4],
                schema.NAME: SECRET_NAME if agencies[j % 4] == POLICE else f"Site {j}",
                schema.ADDRESS: SECRET_ADDRESS if agencies[j % 4] == POLICE else f"{j} Road",
                schema.DISTRICT_CODE: code,
                schema.DISTRICT_NAME: name,
                schema.SENSITIVE: agencies[j % 4] == POLICE,
                schema.CLUSTER_LABEL: -1,
                "geometry": Point(x0 + rng.uniform(500, 19_500), y0 + rng.uniform(500, 19_500)),
            })
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=schema.CRS)
    assets = schema.coerce_assets(frame)
    assets[schema.COLOCATION_ID] = assets[schema.COLOCATION_ID].astype("string")
    opportunities = gpd.GeoDataFrame(opps, geometry="geometry", crs=schema.CRS)
    return assets, opportunities


@pytest.fixture(scope="module")
def inputs() -> dict[str, object]:
    assets, opportunities = _estate()
    sweep = pd.DataFrame({
        "eps_m": [50, 100, 250, 500, 1000],
        "n_colocations": [3, 8, 11, 9, 6],
        "n_assets": [7, 20, 33, 40, 52],
        "n_agencies": [2, 3, 4, 4, 4],
    })
    totals = {"annual_saving_gbp": 420_000.0, "target_gbp": 10_000_000.0, "target_years": 4,
              "saving_over_target_period_gbp": 1_680_000.0, "share_of_target": 0.168}
    load_summary = pd.DataFrame({
        "agency": [COUNCIL, POLICE, NHS, FIRE],
        "rows": [40, 30, 25, 20], "loaded": [38, 30, 20, 20], "excluded": [1, 0, 3, 0],
        "rejected": [1, 0, 2, 0],
        "top_reasons": ["bad_postcode (1)", "", "no_location (3); =cmd|' /C calc'!A0", ""],
    })
    return {"assets": assets, "districts": _districts(), "opportunities": opportunities,
            "sweep": sweep, "totals": totals, "load_summary": load_summary}


def _write(inputs: dict[str, object], path: Path, **kw: object) -> Path:
    printmap.write_atlas(
        path, assets=inputs["assets"], districts=inputs["districts"],
        opportunities=inputs["opportunities"], sweep=inputs["sweep"], totals=inputs["totals"],
        load_summary=inputs["load_summary"], title="Kent $estate$ test_atlas",
        data_date=date(2026, 10, 31), synthetic=True, params_note="eps 250 m", eps_m=250,
        **kw,
    )
    return path


@pytest.fixture(scope="module")
def atlas(inputs: dict[str, object], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(inputs, tmp_path_factory.mktemp("atlas") / "atlas.pdf")


def _page_texts(path: Path) -> list[str]:
    reader = pypdf.PdfReader(str(path))
    # join words split over lines and normalise white space for substring checks
    return [" ".join((p.extract_text() or "").split()) for p in reader.pages]


def test_atlas_pages_size_and_outline(atlas: Path) -> None:
    reader = pypdf.PdfReader(str(atlas))
    assert len(reader.pages) == 2 + len(DISTRICTS)
    for page in reader.pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert w == pytest.approx(A3_PT[0], abs=1) and h == pytest.approx(A3_PT[1], abs=1)
    titles = [item.title for item in reader.outline]
    assert titles[0].startswith("Cover")
    assert titles[1:4] == ["Maidstone", "Canterbury", printmap.clean_text(HOSTILE_DISTRICT)]
    assert titles[-1] == "Load summary by agency"
    assert reader.metadata.title == "Kent $estate$ test_atlas"


def test_fonts_are_embedded_truetype(atlas: Path) -> None:
    reader = pypdf.PdfReader(str(atlas))
    fonts = reader.pages[1]["/Resources"]["/Font"]
    for ref in fonts.values():
        font = ref.get_object()
        assert font["/Subtype"] in ("/TrueType", "/Type0"), font["/Subtype"]


def test_district_pages_hold_names_agencies_ids_attribution(
    atlas: Path, inputs: dict[str, object]
) -> None:
    texts = _page_texts(atlas)
    opps = inputs["opportunities"]
    for i, (code, name, _, _) in enumerate(DISTRICTS, start=1):
        text = texts[i]
        assert printmap.clean_text(name) in text
        for agency in (COUNCIL, POLICE, NHS, FIRE):  # raw characters: no mathtext
            assert agency in text, agency
        short = opps.loc[(opps[schema.DISTRICT_CODE] == code) & opps["shortlisted"]]
        for cid in short[schema.COLOCATION_ID]:
            assert cid in text, (name, cid)
        assert "Crown copyright" in text and "Royal Mail" in text
        assert "synthetic sample data" in text
        assert "$5_^" in text  # addresses drawn as typed


def test_cover_and_load_summary(atlas: Path) -> None:
    texts = _page_texts(atlas)
    assert "Kent $estate$ test_atlas" in texts[0]
    assert "2026-10-31" in texts[0]
    assert "£420k" in texts[0] and "17%" in texts[0]
    for _, name, _, _ in DISTRICTS:
        assert printmap.clean_text(name)[:10] in texts[0]
    assert "Load summary" in texts[-1] and NHS in texts[-1]
    assert "bad_postcode" in texts[-1]


def test_sensitive_names_absent(atlas: Path) -> None:
    text = " ".join(_page_texts(atlas))
    assert SECRET_NAME not in text
    assert "Hidden Lane" not in text


def test_byte_identical(atlas: Path, inputs: dict[str, object], tmp_path: Path) -> None:
    again = _write(inputs, tmp_path / "again.pdf")
    assert again.read_bytes() == atlas.read_bytes()
    assert b"/ID" not in atlas.read_bytes()[-2000:]


def test_sensitive_points_generalised(inputs: dict[str, object]) -> None:
    fig = printmap.district_pdf(inputs["assets"], inputs["districts"], inputs["opportunities"],
                                district_code="E07000110", max_insets=0)
    exact = inputs["assets"].loc[inputs["assets"][schema.AGENCY] == POLICE].geometry
    exact_xy = {(round(p.x, 3), round(p.y, 3)) for p in exact}
    drawn = set()
    for ax in fig.axes:
        for coll in ax.collections:
            for x, y in np.asarray(coll.get_offsets()).reshape(-1, 2):
                drawn.add((round(float(x), 3), round(float(y), 3)))
    assert not exact_xy & drawn
    # every drawn police point is a 1 km square centre
    centres = {((x // 1000) * 1000 + 500, (y // 1000) * 1000 + 500) for x, y in exact_xy}
    assert centres & {(float(x), float(y)) for x, y in drawn}


def test_dense_district_gets_inset_and_labels_do_not_overlap(
    inputs: dict[str, object],
) -> None:
    fig = printmap.district_pdf(inputs["assets"], inputs["districts"], inputs["opportunities"],
                                district_code="E07000110")
    texts = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    assert any(t.startswith("Inset A") for t in texts)
    assert printmap.label_overlaps(fig) == []
    for t in fig.findobj(lambda a: hasattr(a, "get_fontsize") and hasattr(a, "get_text")):
        if t.get_text().strip():
            assert t.get_fontsize() >= 6.0, (t.get_text(), t.get_fontsize())


def test_a4_district_pdf(inputs: dict[str, object], tmp_path: Path) -> None:
    before = dict(matplotlib.rcParams)
    fig = printmap.district_pdf(inputs["assets"], inputs["districts"], inputs["opportunities"],
                                district_code="E07000106", paper="A4", synthetic=True,
                                data_date="2026-10-31", boundary_source="derived")
    assert dict(matplotlib.rcParams) == before  # settings are scoped, never global
    out = printmap.write_figure_pdf(fig, tmp_path / "can.pdf", title="Canterbury")
    reader = pypdf.PdfReader(str(out))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert float(page.mediabox.width) == pytest.approx(A4_PT[0], abs=1)
    assert float(page.mediabox.height) == pytest.approx(A4_PT[1], abs=1)
    text = page.extract_text()
    assert "Canterbury" in text and "CAN-01" in text
    assert "derived from postcode centroids" in " ".join(text.split())
    assert not list(tmp_path.glob(".*.tmp"))  # atomic write leaves no temporary file


def test_errors(inputs: dict[str, object]) -> None:
    with pytest.raises(ValidationError, match="paper must be one of"):
        printmap.district_pdf(inputs["assets"], inputs["districts"], inputs["opportunities"],
                              district_code="E07000110", paper="Letter")
    with pytest.raises(ValidationError, match="not in the districts frame"):
        printmap.district_pdf(inputs["assets"], inputs["districts"], inputs["opportunities"],
                              district_code="E09999999")


def test_clean_text() -> None:
    assert printmap.clean_text("a\u202eb\nc\x00d") == "a b c d"
    assert printmap.clean_text(pd.NA) == ""
    assert printmap.clean_text("x" * 20, max_chars=5) == "xxxx…"


def test_rendered_pages(atlas: Path, pdftoppm: str, tmp_path: Path) -> None:
    """Every page renders with poppler (the PNGs were also inspected by eye)."""
    subprocess.run([pdftoppm, "-png", "-r", "40", str(atlas), str(tmp_path / "p")], check=True)
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert len(pngs) == 2 + len(DISTRICTS)
    assert all(p.stat().st_size > 10_000 for p in pngs)
