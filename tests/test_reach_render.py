"""Service reach in the renderers: the reach layers and cards of the HTML maps, the
county table of the index, the reach page of the PDFs, and nothing when reach is off.

The frames here are synthetic, in the shapes of the reach stage's tables
(``service_reach``, ``reach_options``, ``reach_demand``; issue 23).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from scipy.spatial import cKDTree

from kentassets import schema
from kentassets.render import _reach, webmap
from kentassets.render.web import cards
from kentassets.render.web import reach as web_reach
from test_webmap import (
    ARTIFACTS,
    CHROMIUM_ARGS,
    HOSTILE_IMG,
    MAI,
    SECRET_XY,
    Browser,
    make_assets,
    make_districts,
    make_opportunities,
)

HOSTILE_SERVICE = "lib<script>alert(9)</script>rary"
THRESHOLDS = (1000, 2000, 5000)


# --------------------------------------------------------------------------- #
# synthetic reach tables
# --------------------------------------------------------------------------- #


def _shares(dist: np.ndarray, weights: np.ndarray) -> dict[str, float]:
    total = float(weights.sum())
    out = {_reach.within_column(t): float(weights[dist <= t].sum() / total) if total else np.nan
           for t in THRESHOLDS}
    order = np.argsort(dist, kind="mergesort")
    cum = np.cumsum(weights[order])
    p90 = float(dist[order][np.searchsorted(cum, 0.9 * total)]) if total else np.nan
    out["mean_distance_m"] = float((dist * weights).sum() / total) if total else np.nan
    out["p90_distance_m"] = p90
    return out


def _options(code: str, service: str, xy: np.ndarray, weights: np.ndarray,
             sites: np.ndarray, ids: Sequence[str], threshold_m: int) -> list[dict[str, Any]]:
    """Every k from 1 to the district's own sites, by brute force (small cases only)."""
    d = np.hypot(xy[:, None, 0] - sites[None, :, 0], xy[:, None, 1] - sites[None, :, 1])
    covered = d <= threshold_m
    total = float(weights.sum())
    current = float(weights[covered.any(axis=1)].sum() / total)
    rows = []
    for k in range(1, len(sites) + 1):
        best = max(itertools.combinations(range(len(sites)), k),
                   key=lambda keep: (weights[covered[:, list(keep)].any(axis=1)].sum(),
                                     [-i for i in keep]))
        share = float(weights[covered[:, list(best)].any(axis=1)].sum() / total)
        rows.append({schema.DISTRICT_CODE: code, "service": service, "threshold_m": threshold_m,
                     "k": k, "covered_share": share,
                     "kept_sites": ";".join(ids[i] for i in best), "current_sites": len(sites),
                     "current_share": current, "keeps_current_coverage": share >= current,
                     "solve_status": "optimal"})
    return rows


def make_reach(
    districts: gpd.GeoDataFrame,
    sites: Mapping[str, Sequence[tuple[str, float, float]]],
    *,
    spacing_m: float = 400.0,
    seed: int = 3,
) -> tuple[pd.DataFrame, pd.DataFrame, gpd.GeoDataFrame]:
    """service_reach, reach_options and reach_demand for demand points on a grid.

    ``sites`` maps a service to its sites as ``(agency:asset_id, x, y)``.
    """
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = districts.total_bounds
    gx, gy = np.meshgrid(np.arange(minx + spacing_m / 2, maxx, spacing_m),
                         np.arange(miny + spacing_m / 2, maxy, spacing_m))
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(gx.ravel(), gy.ravel()), crs=schema.CRS)
    joined = gpd.sjoin(pts, districts[[schema.DISTRICT_CODE, "geometry"]], predicate="within")
    demand = gpd.GeoDataFrame({schema.DISTRICT_CODE: joined[schema.DISTRICT_CODE].to_numpy(),
                               "demand": rng.integers(5, 60, len(joined)).astype(float)},
                              geometry=joined.geometry.to_numpy(), crs=schema.CRS)
    xy = np.column_stack([demand.geometry.x, demand.geometry.y])
    for service, rows in sites.items():
        site_xy = np.array([(x, y) for _, x, y in rows])
        demand[_reach.distance_column(service)] = cKDTree(site_xy).query(xy)[0]
    names = dict(zip(districts[schema.DISTRICT_CODE], districts[schema.DISTRICT_NAME],
                     strict=True))
    table, options = [], []
    groups = [(code, demand[schema.DISTRICT_CODE].eq(code).to_numpy()) for code in names]
    groups.append(("county", np.ones(len(demand), dtype=bool)))
    for (code, mask), (service, rows) in itertools.product(groups, sites.items()):
        weights = demand["demand"].to_numpy()[mask]
        dist = demand[_reach.distance_column(service)].to_numpy()[mask]
        own = [r for r in rows if code == "county" or districts.loc[
            districts[schema.DISTRICT_CODE].eq(code)].geometry.iloc[0].contains(
                gpd.points_from_xy([r[1]], [r[2]])[0])]
        table.append({schema.DISTRICT_CODE: code,
                      schema.DISTRICT_NAME: names.get(code, "County"), "service": service,
                      "sites": len(own), "demand": float(weights.sum()),
                      **_shares(dist, weights), "distance_method": "straight",
                      "demand_estimate": True})
        if code != "county" and len(own) >= 2:
            options += _options(code, service, xy[mask], weights,
                                np.array([(x, y) for _, x, y in own]), [r[0] for r in own],
                                2000)
    return pd.DataFrame(table), pd.DataFrame(options), demand


@pytest.fixture(scope="module")
def districts() -> gpd.GeoDataFrame:
    return make_districts()


@pytest.fixture(scope="module")
def assets() -> gpd.GeoDataFrame:
    return make_assets()


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Any:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


SITES: dict[str, list[tuple[str, float, float]]] = {
    "library": [("KCC:L1", 575_000, 155_000), ("KCC:L2", 572_000, 158_000),
                ("KCC:L3", 585_000, 155_000)],
    "health": [("NHS:H1", 575_060, 155_040), ("NHS:H2", 578_500, 151_500)],
    HOSTILE_SERVICE: [("X:1", 571_000, 151_000)],
}


@pytest.fixture(scope="module")
def tables(districts: gpd.GeoDataFrame) -> tuple[pd.DataFrame, pd.DataFrame, gpd.GeoDataFrame]:
    return make_reach(districts, SITES)


def with_reach_effects(opportunities: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The opportunities with the reach stage's per-co-location columns."""
    out = opportunities.copy()
    effects = {  # id: farther, losing 1/2/5 km, mean extra, note, points
        "MAI-01": (1240.0, 40.0, 310.0, 0.0, 420.0, pd.NA, 0.0),
        "MAI-02": (15.0, 0.0, 0.0, 0.0, 90.0, f"Keeps everyone {HOSTILE_IMG} within reach", 9.0),
        "ASH-01": (0.0, 0.0, 0.0, 0.0, np.nan, pd.NA, 10.0),
    }
    columns = ["reach_people_farther", "reach_people_losing_1000m",
               "reach_people_losing_2000m", "reach_people_losing_5000m", "reach_mean_extra_m",
               "reach_note", "points_reach"]
    for k, col in enumerate(columns):
        out[col] = [effects[str(cid)][k] for cid in out[schema.COLOCATION_ID]]
    return out


@pytest.fixture(scope="module")
def opportunities(assets: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return with_reach_effects(make_opportunities(assets))


def district_reach(tables: Any, code: str = MAI) -> _reach.DistrictReach:
    reach = _reach.district_reach(*tables, code=code)
    assert reach is not None
    return reach


# --------------------------------------------------------------------------- #
# shared pieces
# --------------------------------------------------------------------------- #


def test_district_reach_cuts_the_tables(tables: Any) -> None:
    reach = district_reach(tables)
    assert reach.services == ["library", "health", HOSTILE_SERVICE]
    assert reach.thresholds_m == THRESHOLDS and reach.headline_m == 2000
    assert reach.method == "straight-line" and reach.estimate
    assert set(reach.options["service"]) == {"library", "health"}
    assert len(reach.county) == 3
    assert 0 < len(reach.demand) < len(tables[2])
    assert _reach.district_reach(None, None, None, code=MAI) is None


def test_hex_cells_keep_every_person_and_weight_distances(tables: Any) -> None:
    reach = district_reach(tables)
    cells = _reach.hex_cells(reach, cell_m=1000.0)
    people = reach.demand["demand"].sum()
    assert cells.demand["library"].sum() == pytest.approx(people)
    # The demand-weighted mean over the cells is the district's mean distance.
    mean = np.nansum(cells.mean_m["library"] * cells.demand["library"]) / people
    row = reach.table.set_index("service").loc["library"]
    assert mean == pytest.approx(row["mean_distance_m"])
    share = np.nansum(cells.within["library"] * cells.demand["library"]) / people
    assert share == pytest.approx(row["within_2000m_share"])
    # Hexagon centres are ~cell_m apart (pointy-top grid anchored at the origin).
    xy = np.column_stack([cells.x, cells.y])
    nearest = cKDTree(xy).query(xy, k=2)[0][:, 1]
    assert np.allclose(nearest, 1000.0)


def test_hex_cells_put_each_point_in_its_nearest_centre() -> None:
    rng = np.random.default_rng(0)
    x, y = rng.uniform(0, 5000, 500), rng.uniform(0, 5000, 500)
    q, r = _reach._axial(x, y, 300.0)
    radius = 300.0
    cx = radius * (np.sqrt(3) * q + np.sqrt(3) / 2 * r)
    cy = radius * 1.5 * r
    centres = np.unique(np.column_stack([cx, cy]).round(6), axis=0)
    best = cKDTree(centres).query(np.column_stack([x, y]))[0]
    assert np.allclose(np.hypot(x - cx, y - cy), best)


def test_bands_and_texts() -> None:
    assert _reach.band_index(np.array([0, 1000, 1001, 2000, 4999, 5001, np.nan]),
                             THRESHOLDS).tolist() == [0, 0, 1, 1, 2, 3, -1]
    assert _reach.band_labels(THRESHOLDS)[-1] == "farther than 5 km"
    effect = _reach.reach_effect({"reach_people_farther": 0.0, "reach_people_losing_2000m": 0})
    assert effect is not None and not effect.strands
    assert _reach.reach_effect_lines(effect) == ["No one's nearest site gets farther."]
    assert _reach.reach_effect({"saving_gbp": 3.0}) is None


# --------------------------------------------------------------------------- #
# HTML
# --------------------------------------------------------------------------- #


def render(assets: Any, districts: Any, opportunities: Any, reach: Any) -> str:
    m = webmap.district_map(assets, districts, opportunities, district_code=MAI, offline=True,
                            reach=reach, title="Kent", synthetic=True)
    return webmap.map_html(m)


def _payload(html: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" id="kentassets-data-[^"]+">(.*?)'
                      r"</script>", html, re.S)
    assert match
    return json.loads(match.group(1))


def test_district_map_carries_reach_layers(assets: Any, districts: Any, opportunities: Any,
                                           tables: Any) -> None:
    html = render(assets, districts, opportunities, district_reach(tables))
    data = _payload(html)["reach"]
    assert [s["name"] for s in data["services"]] == ["library", "health", HOSTILE_SERVICE]
    assert len(data["lat"]) == len(data["services"][0]["mean_m"]) == len(data["people"]) > 50
    assert data["thresholds_m"] == list(THRESHOLDS)
    assert all(s["people"] is None for s in data["services"])
    assert len(data["corners"]) == 6
    assert next(b["label"] for b in data["bands"]) == "within 1 km"
    assert "estimated" in data["legend_html"]
    assert "<script>alert(9)" not in html and HOSTILE_IMG not in html
    # A co-location that strands people says so plainly, in bold.
    hulls = {h["id"]: h["card_html"] for h in _payload(html)["hulls"]}
    assert ('<strong class="kent-strands">Strands people: 40 people no longer have a site '
            "within 1 km; 310 within 2 km.</strong>") in hulls["MAI-01"]
    assert "1,240 people farther from their nearest site (on average 420 m farther)" in (
        hulls["MAI-01"])
    # The stage's own sentence is shown as given, escaped.
    assert "Keeps everyone &lt;img src=x onerror=alert(1)&gt; within reach" in hulls["MAI-02"]
    from kentassets.render._ranges import POINT_LABELS

    if "points_reach" in POINT_LABELS:  # the score part, once the reach stage names it
        assert "Service reach 9.0" in hulls["MAI-02"]


def test_nothing_about_reach_when_it_did_not_run(assets: Any, districts: Any) -> None:
    plain = make_opportunities(assets)
    html = render(assets, districts, plain, None)
    assert _payload(html)["reach"] is None
    assert "Service reach" not in "".join(h["card_html"] for h in _payload(html)["hulls"])
    assert web_reach.county_reach_table_html(None) == ""
    assert web_reach.district_reach_rows(None, MAI) == []
    card = cards.district_card({schema.DISTRICT_NAME: "M", schema.DISTRICT_CODE: MAI,
                                "n_colocations": 1, "n_shortlisted": 1, "saving_gbp": 1.0}, {})
    assert "Within" not in card


def test_reach_layer_adds_little_to_the_page(assets: Any, districts: Any, opportunities: Any,
                                             tables: Any) -> None:
    with_layer = render(assets, districts, opportunities, district_reach(tables))
    without = render(assets, districts, opportunities, None)
    cells = len(_payload(with_layer)["reach"]["lat"])
    # Per cell: its centre, people and, per service, distance and share.
    assert len(with_layer) - len(without) < cells * 80 + 4000


def test_same_input_same_bytes(assets: Any, districts: Any, opportunities: Any,
                               tables: Any) -> None:
    reach = district_reach(tables)
    assert render(assets, districts, opportunities, reach) == render(
        assets, districts, opportunities, reach)


def test_county_table_and_district_card(tables: Any) -> None:
    service_reach = tables[0]
    html = web_reach.county_reach_table_html(service_reach)
    assert "Within 2 km" in html and "90% within" in html and "(estimate)" in html
    assert "straight-line" in html and "<script>alert(9)" not in html
    assert "lib&lt;script&gt;alert(9)&lt;/script&gt;rary" in html
    rows = web_reach.district_reach_rows(service_reach, MAI)
    assert len(rows) == 4 and "People within 2 km of a site" in rows[0] and "library" in rows[1]
    card = cards.district_card({schema.DISTRICT_NAME: "M", schema.DISTRICT_CODE: MAI,
                                "n_colocations": 1, "n_shortlisted": 1, "saving_gbp": 1.0}, {},
                               rows)
    assert "health</td><td>" in card


@pytest.mark.browser
def test_browser_reach_layer(browser: Any, assets: Any, districts: Any, opportunities: Any,
                             tables: Any, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = Browser(context.new_page())
    path = tmp_path / "maidstone.html"
    path.write_text(render(assets, districts, opportunities, district_reach(tables)),
                    encoding="utf-8")
    page.open(path)
    pg = page.page
    assert pg.locator("path.kent-reach-cell").count() == 0  # off by default
    assert pg.locator(".kent-reach-legend").count() == 0
    pg.locator(".leaflet-control-layers").hover()
    names = pg.locator(".leaflet-control-layers-overlays label")
    assert HOSTILE_SERVICE.replace("_", " ") in names.all_inner_texts()[-1]
    names.filter(has_text="Service reach: library").locator("input").check()
    n = pg.evaluate("window.kentassets.reachCells")
    assert pg.locator('path.kent-reach-cell[data-service="library"]').count() == n > 50
    legend = pg.locator(".kent-reach-legend").inner_text()
    assert "within 1 km" in legend and "farther than 5 km" in legend
    pg.mouse.move(10, 400)
    pg.mouse.click(*_free_cell(pg, "library"))
    card = pg.locator(".leaflet-popup .kent-reach-card")
    card.wait_for()
    text = card.inner_text()
    assert "Service reach: library" in text
    assert re.search(r"[\d.,]+ k?m to the nearest site on average", text)
    assert "% within 2 km" in text and "people (estimate)" in text
    ARTIFACTS.mkdir(exist_ok=True)
    pg.wait_for_timeout(300)  # popup fade-in, for the screenshot
    pg.screenshot(path=str(ARTIFACTS / "district_map_reach.png"))
    # The hostile service's layer: its name and figures are text.
    pg.locator(".leaflet-control-layers").hover()
    names.filter(has_text="alert(9)").locator("input").check()
    pg.mouse.move(*_free_cell(pg, HOSTILE_SERVICE))
    tip = pg.locator(".leaflet-tooltip").last
    tip.wait_for()
    assert HOSTILE_SERVICE in tip.inner_text()
    # Every reach layer off: the legend goes.
    for label in ("Service reach: library", "alert(9)"):
        pg.locator(".leaflet-control-layers").hover()
        names.filter(has_text=label).locator("input").uncheck()
    assert pg.locator(".kent-reach-legend").count() == 0
    page.assert_clean()
    context.close()


def _free_cell(pg: Any, service: str) -> tuple[float, float]:
    """The centre (page pixels) of a cell of ``service`` with nothing drawn over it."""
    point = pg.evaluate("""(service) => {
      const cells = document.querySelectorAll('path.kent-reach-cell');
      for (const cell of cells) {
        if (cell.getAttribute('data-service') !== service) { continue; }
        const b = cell.getBoundingClientRect();
        const x = b.left + b.width / 2, y = b.top + b.height / 2;
        if (document.elementFromPoint(x, y) === cell) { return [x, y]; }
      }
      return null;
    }""", service)
    assert point is not None
    return point[0], point[1]


# --------------------------------------------------------------------------- #
# PDF
# --------------------------------------------------------------------------- #


def _pages_text(pdf: bytes) -> list[str]:
    import io

    from pypdf import PdfReader

    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def _district_pdf(assets: Any, districts: Any, opportunities: Any, reach: Any,
                  paper: str = "A4") -> bytes:
    from kentassets.render import style
    from kentassets.render.print.atlas import district_page_pdf
    from kentassets.render.print.context import MapContext
    from kentassets.render.print.pages import PageOptions
    from kentassets.render.print.prepare import prepare_district, shared_print_data

    assets = style.with_districts(assets, districts)
    data = prepare_district(assets, districts, MAI, shared_print_data(assets, opportunities, ()))
    options = PageOptions(title="Kent", data_date="2026-10-31", synthetic=True,
                           params_note=None, attribution_year=2026, boundary_source="derived",
                           max_insets=0, context=MapContext.empty())
    return district_page_pdf(data, paper=paper, options=options, reach=reach)


@pytest.fixture(scope="module")
def reach_pdf(assets: Any, districts: Any, opportunities: Any, tables: Any) -> bytes:
    return _district_pdf(assets, districts, opportunities, district_reach(tables))


def test_district_pdf_has_a_reach_page(reach_pdf: bytes) -> None:
    pages = _pages_text(reach_pdf)
    assert len(pages) == 2
    text = pages[1]
    assert "Maidstone: service reach" in text and "Reach today" in text
    assert "Within 2 km" in text and "90% within" in text
    # Every service counts the same people: one figure in the title, not a column.
    assert re.search(r"Reach today: [\d,]+ estimated people", text)
    assert "People (est.)" not in text
    assert "Options: how many sites reach how many people" in text
    assert "Share of the district's people within 2 km" in text
    assert "library: 2 of its 2 sites keep today's" in text
    assert "What the shortlist does to reach" in text
    # A co-location that strands people says so plainly, with the people stranded
    # within each distance; the figures in short columns rather than sentences.
    assert "Stranded (1 km)" in text and "Stranded (2 km)" in text
    assert "Stranded (5 km)" not in text  # no one stranded at 5 km: no column
    assert re.search(r"MAI-01 .*? 1,240 420 m 40 310 Strands people", text)
    # No one stranded: the stranded counts are left blank (the verdict says it).
    assert re.search(r"MAI-02 .*? 15 90 m No one stranded", text)
    # ... in bold dark red (#9B1C1C), as on the HTML card.
    import io

    from pypdf import PdfReader

    content = PdfReader(io.BytesIO(reach_pdf)).pages[1].get_contents()
    assert content is not None
    assert b"0.6078431373 0.1098039216 0.1098039216 rg" in content.get_data()
    # The stage's own sentence stays on the HTML card and in opportunities.csv.
    assert HOSTILE_IMG not in text
    assert "lib<script>alert(9)</script>rary" in text  # drawn as text, never interpreted
    assert "straight-line" in text


def test_reach_page_people_column_and_hollow_points(assets: Any, districts: Any,
                                                    opportunities: Any, tables: Any) -> None:
    """Services counting different people get a people column; a curve the solver
    did not prove optimal gets hollow points and a note saying so."""
    service_reach, options, demand = tables
    service_reach = service_reach.copy()
    service_reach.loc[service_reach["service"].eq("health"), "demand"] += 1.0
    options = options.copy()
    options.loc[options["service"].eq("library"), "solve_status"] = "time_limit"
    reach = _reach.district_reach(service_reach, options, demand, code=MAI)
    text = _pages_text(_district_pdf(assets, districts, opportunities, reach))[1]
    assert "People (est.)" in text and "Reach today Service" in text
    assert "Hollow points: the solver stopped at its time limit" in text


def test_district_pdf_without_reach_has_one_page(assets: Any, districts: Any) -> None:
    plain = make_opportunities(assets)
    pages = _pages_text(_district_pdf(assets, districts, plain, None))
    assert len(pages) == 1 and "reach" not in pages[0].lower()


def test_district_pdf_is_reproducible(assets: Any, districts: Any, opportunities: Any,
                                      tables: Any, reach_pdf: bytes) -> None:
    assert _district_pdf(assets, districts, opportunities, district_reach(tables)) == reach_pdf


@pytest.mark.slow
def test_reach_page_looks_right(assets: Any, districts: Any, opportunities: Any, tables: Any,
                                tmp_path: Path) -> None:
    """A3 and A4 reach pages rendered to PNG for a person to look at (test-artifacts)."""
    import shutil
    import subprocess

    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils not installed: apt-get install poppler-utils")
    ARTIFACTS.mkdir(exist_ok=True)
    for paper in ("A3", "A4"):
        pdf = tmp_path / f"reach_{paper}.pdf"
        pdf.write_bytes(_district_pdf(assets, districts, opportunities, district_reach(tables),
                                      paper=paper))
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "2", "-l", "2", str(pdf),
                        str(ARTIFACTS / f"reach_page_{paper}")], check=True)


def test_atlas_has_the_county_reach_page_and_reach_bookmarks(
    assets: Any, districts: Any, opportunities: Any, tables: Any, reach_pdf: bytes,
    tmp_path: Path,
) -> None:
    from pypdf import PdfReader

    from kentassets.render.print.atlas import assemble_atlas, atlas_frame

    frame = atlas_frame(n_districts=1, assets=assets, districts=districts.iloc[:1],
                        opportunities=opportunities, sweep=None, totals={}, load_summary=None,
                        title="Kent", data_date="2026-10-31", synthetic=True, paper="A4",
                        params_note=None, eps_m=None, attribution_year=2026,
                        boundary_source="derived", service_reach=tables[0])
    path = tmp_path / "atlas.pdf"
    path.write_bytes(assemble_atlas(frame=frame, district_pages=[("Maidstone", reach_pdf)],
                                    county_reach=True))
    reader = PdfReader(path)
    pages = [" ".join((p.extract_text() or "").split()) for p in reader.pages]
    assert len(pages) == 5  # cover, county reach, map, reach, load summary
    assert "Service reach, county" in pages[1] and "Page 2 of 5" in pages[1]
    assert "The county today" in pages[1] and "by district" in pages[1]
    assert "Maidstone: service reach" in pages[3] and "Page 4 of 5" in pages[3]
    assert [o.title for o in reader.outline] == [
        "Cover: county summary", "Service reach, county", "Maidstone",
        "Maidstone: service reach", "Load summary by agency"]


# --------------------------------------------------------------------------- #
# end to end: the demo with the reach stage
# --------------------------------------------------------------------------- #


@pytest.mark.slow
def test_demo_index_carries_the_county_table(demo_out: Path) -> None:
    html = (demo_out / "index.html").read_text(encoding="utf-8")
    assert "Service reach, county" in html and "People (estimate)" in html
    assert "Within 2 km" in html and "90% within" in html and "straight-line" in html
    # The county map's district cards give the share within 2 km per service.
    assert "People within 2 km of a site" in html


@pytest.mark.slow
def test_demo_pdfs_have_reach_pages(demo_out: Path) -> None:
    from pypdf import PdfReader

    pages = _pages_text((demo_out / "ashford.pdf").read_bytes())
    # the district's PDF: its map, its reach page and its implementation plan page
    assert len(pages) == 3 and "Ashford: service reach" in pages[1]
    assert "What the shortlist does to reach" in pages[1] and "Options" in pages[1]
    assert "Ashford: implementation plan" in pages[2]
    atlas = PdfReader(demo_out / "atlas.pdf")
    titles = [o.title for o in atlas.outline]
    assert titles[:5] == ["Cover: county summary", "Service reach, county", "Ashford",
                          "Ashford: service reach", "Ashford: implementation plan"]
    assert sum(t.endswith(": service reach") for t in titles) == 13
    assert sum(t.endswith(": implementation plan") for t in titles) == 13
    # Per district: its map, its reach page and its implementation plan page.
    assert len(atlas.pages) == 2 + 3 * 13 + 1
    county = " ".join((atlas.pages[1].extract_text() or "").split())
    assert "The county today" in county and "Tunbridge Wells" in county


@pytest.mark.slow
@pytest.mark.browser
def test_demo_map_reach_layer(browser: Any, demo_out: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = Browser(context.new_page())
    page.open(demo_out / "maidstone.html")
    pg = page.page
    pg.locator(".leaflet-control-layers").hover()
    names = pg.locator(".leaflet-control-layers-overlays label")
    reach_layers = [n for n in names.all_inner_texts() if "Service reach" in n]
    assert [n.strip() for n in reach_layers] == [
        "Service reach: library", "Service reach: health", "Service reach: customer service",
        "Service reach: police"]
    assert pg.locator("path.kent-reach-cell").count() == 0
    names.filter(has_text="Service reach: library").locator("input").check()
    assert pg.locator('path.kent-reach-cell[data-service="library"]').count() > 100
    pg.mouse.move(10, 400)
    pg.mouse.click(*_free_cell(pg, "library"))
    card = pg.locator(".leaflet-popup .kent-reach-card")
    card.wait_for()
    assert "people (estimate)" in card.inner_text()
    pg.wait_for_timeout(300)  # popup fade-in, for the screenshot
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / "demo_map_reach.png"))
    page.assert_clean()
    context.close()


def test_reach_page_without_options_says_why(assets: Any, districts: Any, opportunities: Any,
                                             tables: Any) -> None:
    reach = _reach.district_reach(tables[0], None, tables[2], code=MAI)
    assert reach is not None and not reach.options_run and not len(reach.options)
    text = _pages_text(_district_pdf(assets, districts, opportunities, reach))[1]
    assert "The options were not computed" in text and "Reach today" in text


def test_services_with_sensitive_sites_are_not_mapped(assets: Any, districts: Any,
                                                      opportunities: Any, tables: Any) -> None:
    """A map of distances would show a sensitive site more precisely than its 1 km square."""
    withheld = _reach.sensitive_services(assets)
    assert withheld == {"police"}
    police = {**SITES, "police": [("Kent Police:P1", *SECRET_XY)]}
    reach = _reach.district_reach(*make_reach(districts, police), code=MAI,
                                  withheld=withheld)
    assert reach is not None and "police" in reach.services
    assert "police" not in reach.mapped_services
    data = _payload(render(assets, districts, opportunities, reach))["reach"]
    assert "police" not in [s["name"] for s in data["services"]]
    assert "Not mapped: police (some of its sites are sensitive" in data["legend_html"]
    text = _pages_text(_district_pdf(assets, districts, opportunities, reach))[1]
    assert "Not mapped: police" in text and "police" in text.split("Reach today")[1][:400]
