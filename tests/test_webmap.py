"""Tests for kentassets.render.webmap: structure, security, sensitive sites, browser."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import kentassets as ka
from kentassets import schema
from kentassets.errors import ValidationError
from kentassets.render import webmap

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"

MAI = "E07000110"
ASH = "E07000105"
HOSTILE_IMG = "<img src=x onerror=alert(1)>"
HOSTILE_SCRIPT = "</script><script>alert(2)</script>"
HOSTILE_QUOTES = 'O\'Brien "House" `tick` & co'
HOSTILE_AGENCY = "Agency <svg onload=alert(3)>"
HOSTILE_JINJA = "{{ 7*7 }} {% raw %} Library"
POLICE = "Kent Police"
SECRET_NAME = "Secret Custody Suite Alpha"
SECRET_ADDRESS = "1 Hidden Lane, Nowhere"
SECRET_XY = (575_123.0, 155_321.0)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


# --------------------------------------------------------------------------- #
# fixtures (also used by test_index.py)
# --------------------------------------------------------------------------- #


def wait_until_ready(page: Any) -> None:
    """Wait for the map's own ready signal (``window.kentassetsReady``, set by webmap.js
    once the layers are added and the view is laid out), never for a clock: a busy
    machine is slower, not wrong. The cap only stops a broken page hanging the run."""
    page.wait_for_function("window.kentassetsReady === true", timeout=120_000)


def make_districts() -> gpd.GeoDataFrame:
    """Two adjacent 10 km squares in Kent."""
    frame = gpd.GeoDataFrame(
        {
            schema.DISTRICT_CODE: [MAI, ASH],
            schema.DISTRICT_NAME: ["Maidstone", "Ashford"],
        },
        geometry=[
            shapely.box(570_000, 150_000, 580_000, 160_000),
            shapely.box(580_000, 150_000, 590_000, 160_000),
        ],
        crs=schema.CRS,
    )
    frame.attrs["boundary_source"] = "derived"
    return frame


def _asset(
    i: int, agency: str, name: str, x: float, y: float, district: str, coloc: Any, **kw: Any
) -> dict[str, Any]:
    row = {
        schema.ASSET_ID: f"A{i:03d}",
        schema.AGENCY: agency,
        schema.NAME: name,
        schema.ADDRESS: f"{i} High Street",
        schema.POSTCODE: "ME14 1XX",
        schema.USE: "office",
        schema.TENURE: "freehold",
        schema.GIA_M2: 500.0 + i,
        schema.STAFF_FTE: 10.0,
        schema.ANNUAL_COST_GBP: 50_000.0 + i,
        schema.STATUS: "occupied",
        schema.LOCATION_METHOD: "easting_northing",
        schema.LOCATION_PRECISION_M: 1.0,
        schema.DISTRICT_CODE: district,
        schema.DISTRICT_NAME: "Maidstone" if district == MAI else "Ashford",
        schema.SENSITIVE: False,
        schema.SOURCE_FILE: "register.csv",
        schema.SOURCE_ROW: i + 2,
        schema.COLOCATION_ID: coloc,
        schema.CLUSTER_LABEL: -1 if coloc is pd.NA else 0,
        "geometry": shapely.Point(x, y),
    }
    row.update(kw)
    return row


def make_assets(n_extra: int = 0, seed: int = 1) -> gpd.GeoDataFrame:
    """Assets in two districts, hostile names, one sensitive police site."""
    rows = [
        _asset(0, "Kent County Council", HOSTILE_IMG, 575_000, 155_000, MAI, "MAI-01"),
        _asset(1, "NHS Kent", HOSTILE_SCRIPT, 575_060, 155_040, MAI, "MAI-01"),
        _asset(
            2,
            POLICE,
            SECRET_NAME,
            *SECRET_XY,
            MAI,
            "MAI-01",
            **{schema.ADDRESS: SECRET_ADDRESS, schema.SENSITIVE: True, schema.USE: "police"},
        ),
        _asset(3, HOSTILE_AGENCY, HOSTILE_QUOTES, 572_000, 158_000, MAI, "MAI-02"),
        _asset(4, "Kent County Council", HOSTILE_JINJA, 572_100, 158_050, MAI, "MAI-02"),
        _asset(5, "NHS Kent", "Clinic", 577_500, 152_500, MAI, pd.NA),
        _asset(6, "Kent County Council", "Ashford Office", 585_000, 155_000, ASH, "ASH-01"),
        _asset(7, "NHS Kent", "Ashford Clinic", 585_050, 155_020, ASH, "ASH-01"),
    ]
    rng = np.random.default_rng(seed)
    agencies = ["Kent County Council", "NHS Kent", "Kent Fire", "Maidstone Borough Council"]
    for k in range(n_extra):
        i = 100 + k
        rows.append(
            _asset(
                i,
                agencies[k % len(agencies)],
                f"Extra asset {i}",
                float(rng.uniform(570_500, 579_500)),
                float(rng.uniform(150_500, 159_500)),
                MAI,
                pd.NA,
            )
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=schema.CRS)
    out = schema.coerce_assets(frame)
    out[schema.COLOCATION_ID] = out[schema.COLOCATION_ID].astype("string")
    out[schema.CLUSTER_LABEL] = out[schema.CLUSTER_LABEL].astype(int)
    return out


def make_opportunities(assets: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A hand-made cluster table with the contract's columns."""
    rows = []
    for rank, (cid, members) in enumerate(assets.groupby(schema.COLOCATION_ID), start=1):
        hull = shapely.convex_hull(shapely.multipoints(members.geometry.to_numpy())).buffer(30)
        code = str(members[schema.DISTRICT_CODE].iloc[0])
        agencies = sorted(members[schema.AGENCY].astype(str).unique())
        rows.append(
            {
                schema.COLOCATION_ID: cid,
                schema.CLUSTER_LABEL: rank - 1,
                schema.IS_COLOCATION: True,
                schema.DISTRICT_CODE: code,
                schema.DISTRICT_NAME: str(members[schema.DISTRICT_NAME].iloc[0]),
                "district_codes": code,
                "n_assets": len(members),
                "n_sites": len(members),
                "agencies": ";".join(agencies),
                "n_agencies": len(agencies),
                "uses": "office",
                schema.GIA_M2: float(members[schema.GIA_M2].sum()),
                schema.STAFF_FTE: float(members[schema.STAFF_FTE].sum()),
                schema.ANNUAL_COST_GBP: float(members[schema.ANNUAL_COST_GBP].sum()),
                "vacant_gia_m2": 0.0,
                "centroid_x": hull.centroid.x,
                "centroid_y": hull.centroid.y,
                "largest_name": "n/a",
                "largest_address": "n/a",
                "precision_note": "",
                "office_gia_m2": 1000.0,
                "office_need_m2": 800.0,
                "surplus_office_m2": 200.0,
                "n_vacant_assets": 0,
                "saving_gbp": 25_000.0 * rank,
                "score": 90.0 - 10 * rank,
                "rank": rank,
                "district_rank": rank,
                "horizon": "short",
                "horizon_reason": "lease ends soon",
                "shortlisted": True,
                "geometry": hull,
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=schema.CRS)


@pytest.fixture(scope="module")
def districts() -> gpd.GeoDataFrame:
    return make_districts()


@pytest.fixture(scope="module")
def assets() -> gpd.GeoDataFrame:
    return make_assets()


@pytest.fixture(scope="module")
def opportunities(assets: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return make_opportunities(assets)


def render(assets: Any, districts: Any, opportunities: Any, **kw: Any) -> str:
    kw.setdefault("district_code", MAI)
    m = ka.district_map(assets, districts, opportunities, **kw)
    return webmap.map_html(m)


@pytest.fixture(scope="module")
def offline_html(assets: Any, districts: Any, opportunities: Any) -> str:
    return render(
        assets,
        districts,
        opportunities,
        offline=True,
        title="Kent <estate> & co",
        data_date="2026-10-31",
        synthetic=True,
    )


# --------------------------------------------------------------------------- #
# static checks
# --------------------------------------------------------------------------- #


def test_returns_folium_map(assets: Any, districts: Any, opportunities: Any) -> None:
    import folium

    m = ka.district_map(assets, districts, opportunities, district_code=MAI)
    assert isinstance(m, folium.Map)


def test_unknown_district_names_the_codes(assets: Any, districts: Any, opportunities: Any) -> None:
    with pytest.raises(ValidationError, match=r"E07000999.*E07000105, E07000110"):
        ka.district_map(assets, districts, opportunities, district_code="E07000999")


@pytest.mark.parametrize("offline", [True, False])
def test_hostile_strings_never_raw(
    assets: Any, districts: Any, opportunities: Any, offline: bool
) -> None:
    html = render(assets, districts, opportunities, offline=offline, title=HOSTILE_IMG)
    for hostile in (HOSTILE_IMG, HOSTILE_SCRIPT, HOSTILE_AGENCY, "<estate>"):
        assert hostile not in html
    # Only the one payload script and the libraries: no extra </script> from data.
    assert "alert(2)</script>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # the escaped title
    # Data is never treated as a Jinja template (folium compiles MacroElement output).
    assert HOSTILE_JINJA in html


def test_offline_has_no_external_resources(offline_html: str) -> None:
    assert not re.search(r"<script[^>]+src=", offline_html)
    assert not re.search(r"<link[^>]+href=", offline_html)
    assert "cdn.jsdelivr" not in offline_html
    assert "tile.openstreetmap.org" not in offline_html
    assert "L.markerClusterGroup" in offline_html  # markercluster inlined


def test_online_inlines_the_library_and_adds_tiles(
    assets: Any, districts: Any, opportunities: Any
) -> None:
    html = render(assets, districts, opportunities, offline=False)
    assert not re.search(r"<script[^>]+src=", html)  # Leaflet inlined in every map
    assert "cdn.jsdelivr" not in html and "L.markerClusterGroup" in html
    assert "basemaps.cartocdn.com" in html and "tile.openstreetmap.org" in html


def test_every_map_carries_the_built_in_context(offline_html: str) -> None:
    payload = json.loads(
        re.search(r'<script type="application/json" id="kentassets-data-[^"]+">(.*?)</script>',
                  offline_html, re.S).group(1)
    )
    context = payload["context"]
    assert context["sea"] is not None and context["builtup"] is not None
    names = {row[2] for row in context["places"]}
    assert "Maidstone" in names
    assert "GeoNames" in context["attribution"] and "GSHHG" in context["attribution"]


def test_title_block(offline_html: str) -> None:
    assert "synthetic sample data" in offline_html
    assert "Royal Mail" in offline_html and "Crown copyright" in offline_html
    assert "derived from postcode centroids" in offline_html
    assert "31 October 2026" not in offline_html  # strings are shown as given
    assert "2026-10-31" in offline_html


def test_sensitive_sites_generalised(offline_html: str) -> None:
    assert SECRET_NAME not in offline_html
    assert SECRET_ADDRESS not in offline_html
    assert "A002" not in offline_html  # its asset id
    assert "Sensitive site (Kent Police)" in offline_html
    # Neither the exact WGS84 point (any rounding down to ~1 m) nor the BNG point.
    exact = gpd.GeoSeries([shapely.Point(*SECRET_XY)], crs=schema.CRS).to_crs(schema.CRS_WGS84)
    lon, lat = float(exact.x.iloc[0]), float(exact.y.iloc[0])
    for digits in (5, 6):
        assert f"{lat:.{digits}f}" not in offline_html
        assert f"{lon:.{digits}f}" not in offline_html
    assert "575123" not in offline_html and "155321" not in offline_html


def test_sensitive_site_at_the_edge_does_not_set_the_view(districts: Any) -> None:
    frame = make_assets()
    edge = (569_437.0, 155_321.0)  # west of the district, assigned to it by postcode
    frame.loc[2, "geometry"] = shapely.Point(*edge)
    html = render(frame, districts, make_opportunities(frame), offline=True)
    exact = gpd.GeoSeries([shapely.Point(*edge)], crs=schema.CRS).to_crs(schema.CRS_WGS84)
    lon = float(exact.x.iloc[0])
    assert f"{lon:.5f}" not in html and f"{lon:.6f}" not in html
    match = re.search(r'"bounds": \[\[([-0-9.]+), ([-0-9.]+)\]', html)
    assert match is not None
    # The view is set by the snapped point (569,500 m), not by the exact 569,437 m.
    box = gpd.GeoSeries([shapely.box(569_500, 150_000, 580_000, 160_000)], crs=schema.CRS)
    expected_west = round(float(box.to_crs(schema.CRS_WGS84).total_bounds[0]), 6)
    assert float(match.group(2)) == expected_west


def test_sensitive_agencies_parameter(assets: Any, districts: Any, opportunities: Any) -> None:
    html = render(assets, districts, opportunities, offline=True, sensitive_agencies={"NHS Kent"})
    assert "Clinic" not in html.replace("Sensitive site (NHS Kent)", "")
    assert "Sensitive site (NHS Kent)" in html


def test_empty_district_and_empty_opportunities(districts: Any, assets: Any) -> None:
    empty_opps = gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=schema.CRS))
    html = render(assets, districts, empty_opps, district_code=ASH, offline=True)
    assert '"hulls": []' in html
    none = schema.empty_assets()
    html = render(none, districts, empty_opps, offline=True)
    assert '"n": 0' in html


def test_missing_agency_and_sensitive_source_file(districts: Any) -> None:
    frame = make_assets()
    frame[schema.AGENCY] = frame[schema.AGENCY].astype(object)
    frame.loc[5, schema.AGENCY] = None
    frame.loc[2, schema.SOURCE_FILE] = "custody_suites_register.csv"
    html = render(frame, districts, make_opportunities(frame), offline=True)
    assert "(no agency)" in html
    assert "custody_suites_register" not in html


def test_date_object_and_official_boundaries(
    assets: Any, districts: Any, opportunities: Any
) -> None:
    import datetime

    html = render(
        assets,
        districts,
        opportunities,
        data_date=datetime.date(2026, 10, 31),
        boundary_source="official",
    )
    assert "data as at 31 October 2026" in html
    assert "derived from postcode centroids" not in html
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en">' in html


def test_same_input_same_output(assets: Any, districts: Any, opportunities: Any) -> None:
    first = render(assets, districts, opportunities, offline=True)
    second = render(assets, districts, opportunities, offline=True)
    strip = re.compile(r"map_[0-9a-f]{32}")
    assert strip.sub("", first) == strip.sub("", second)


def test_notebook_display_renders_once(assets: Any, districts: Any, opportunities: Any) -> None:
    m = ka.district_map(assets, districts, opportunities, district_code=MAI)
    first = m._repr_html_()
    assert "srcdoc" in first and first == m._repr_html_()
    assert webmap.map_html(m).count("KentAssetsMaps.districtMap(") == 1


def test_county_map_rejects_bad_shade(districts: Any, opportunities: Any) -> None:
    with pytest.raises(ValidationError, match="shade_by"):
        ka.county_map(districts, opportunities, shade_by="colour")


def test_district_summary(districts: Any, opportunities: Any) -> None:
    summary = webmap.district_summary(districts, opportunities)
    assert summary.set_index(schema.DISTRICT_CODE)["n_colocations"].to_dict() == {MAI: 2, ASH: 1}


# --------------------------------------------------------------------------- #
# browser
# --------------------------------------------------------------------------- #


class Browser:
    """A Chromium page that records console errors, requests and dialogs."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

        def on_dialog(dialog: Any) -> None:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)

        def route(r: Any) -> None:
            url = r.request.url
            if url.startswith(("file://", "data:", "about:")):
                r.continue_()
            else:
                self.requests.append(url)
                r.abort()

        page.route("**/*", route)

    def open(self, path: Path) -> None:
        self.page.goto(path.as_uri())
        wait_until_ready(self.page)

    def assert_clean(self) -> None:
        assert self.errors == []
        assert self.requests == []
        assert self.dialogs == []
        assert (
            self.page.evaluate("document.querySelectorAll('img[src=x], svg[onload]').length") == 0
        )


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Any:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    yield Browser(context.new_page())
    context.close()


@pytest.mark.browser
def test_browser_district_map(page: Browser, offline_html: str, tmp_path: Path) -> None:
    path = tmp_path / "maidstone.html"
    path.write_text(offline_html, encoding="utf-8")
    page.open(path)
    state = page.page.evaluate("window.kentassets")
    assert state["markers"] == 6 == state["assets"]
    assert state["hulls"] == 2
    assert page.page.locator("path.kent-hull").count() == 2
    assert page.page.locator(".kent-hull-label").count() == 2
    # Legend and title show hostile names as text.
    legend = page.page.locator(".kent-legend").inner_text()
    assert HOSTILE_AGENCY in legend
    assert "Sensitive" not in legend or "(generalised)" in legend
    title = page.page.locator(".kent-title").inner_text()
    assert "Kent <estate> & co" in title and "synthetic sample data" in title
    ARTIFACTS.mkdir(exist_ok=True)
    page.page.screenshot(path=str(ARTIFACTS / "district_map.png"))

    # Click a hull: its card lists members; hostile names are text.
    page.page.locator('path.kent-hull[data-colocation="MAI-01"]').click(force=True)
    card = page.page.locator(".leaflet-popup .kent-hull-card")
    card.wait_for()
    page.page.wait_for_timeout(400)  # popup fade-in, for the screenshot
    text = card.inner_text()
    assert "MAI-01" in text
    assert HOSTILE_IMG in text and HOSTILE_SCRIPT in text
    assert "Sensitive site (Kent Police)" in text and SECRET_NAME not in text
    ARTIFACTS.mkdir(exist_ok=True)
    page.page.screenshot(path=str(ARTIFACTS / "district_map_hull_card.png"))

    # Search by a hostile name, open the record.
    search = page.page.locator(".kent-search input")
    search.fill("onerror")
    result = page.page.locator(".kent-result").first
    assert HOSTILE_IMG in result.inner_text()
    result.click()
    record = page.page.locator(".leaflet-popup .kent-asset-card")
    record.wait_for()
    text = record.inner_text()
    assert HOSTILE_IMG in text and "register.csv, row 2" in text and "ME14 1XX" in text
    page.page.wait_for_timeout(400)
    page.page.screenshot(path=str(ARTIFACTS / "district_map_record.png"))

    # Search by asset id and by co-location id.
    search.fill("a003")
    assert HOSTILE_QUOTES in page.page.locator(".kent-result").first.inner_text()
    search.fill("MAI-02")
    assert "MAI-02" in page.page.locator(".kent-result").first.inner_text()
    page.page.locator(".kent-result").first.click()
    card = page.page.locator(".leaflet-popup .kent-hull-card")
    card.wait_for()
    assert "Co-location MAI-02" in card.inner_text() and HOSTILE_QUOTES in card.inner_text()
    search.fill("7*7")
    assert HOSTILE_JINJA in page.page.locator(".kent-result").first.inner_text()
    search.fill("secret custody")
    assert page.page.locator(".kent-noresult").count() == 1

    # Layer control names are text too.
    page.page.locator(".leaflet-control-layers").hover()
    assert HOSTILE_AGENCY in page.page.locator(".leaflet-control-layers-list").inner_text()
    page.assert_clean()


@pytest.mark.browser
def test_browser_clustered_map_counts(page: Browser, districts: Any, tmp_path: Path) -> None:
    many = make_assets(n_extra=600)
    opps = make_opportunities(many)
    html = render(many, districts, opps, offline=True)
    path = tmp_path / "many.html"
    path.write_text(html, encoding="utf-8")
    page.open(path)
    n = int((many[schema.DISTRICT_CODE] == MAI).sum())
    state = page.page.evaluate("window.kentassets")
    assert state["markers"] == n == state["assets"]
    assert state["hulls"] == 2
    assert page.page.locator(".marker-cluster").count() > 0
    # Toggling an agency off removes its markers from the cluster layer.
    label = page.page.locator(".leaflet-control-layers-overlays label", has_text="Kent Fire")
    page.page.locator(".leaflet-control-layers").hover()
    label.locator("input").uncheck()
    n_fire = int(((many[schema.DISTRICT_CODE] == MAI) & (many[schema.AGENCY] == "Kent Fire")).sum())
    assert page.page.evaluate("window.kentassets.markers") == n - n_fire
    page.assert_clean()


@pytest.mark.browser
def test_browser_measure_and_fullscreen(page: Browser, offline_html: str, tmp_path: Path) -> None:
    path = tmp_path / "m.html"
    path.write_text(offline_html, encoding="utf-8")
    page.open(path)
    page.page.locator(".kent-btn[data-tool=measure]").click()
    box = page.page.locator(".folium-map").bounding_box()
    page.page.mouse.click(box["x"] + 600, box["y"] + 500)
    page.page.mouse.click(box["x"] + 800, box["y"] + 500)
    metres = int(page.page.locator(".folium-map").get_attribute("data-measure-m") or 0)
    assert metres > 100
    assert "Distance" in page.page.locator(".kent-measure-label").inner_text()
    page.page.locator(".kent-btn[data-tool=fullscreen]").click()
    assert page.page.locator(".kent-minimap .leaflet-interactive, .kent-minimap path").count() > 0
    page.assert_clean()


@pytest.mark.browser
def test_browser_county_map(
    page: Browser, districts: Any, opportunities: Any, tmp_path: Path
) -> None:
    hostile = districts.copy()
    hostile.loc[1, schema.DISTRICT_NAME] = HOSTILE_IMG
    m = ka.county_map(hostile, opportunities, offline=True, shade_by="saving_gbp")
    path = tmp_path / "county.html"
    path.write_text(webmap.map_html(m), encoding="utf-8")
    page.open(path)
    assert page.page.evaluate("window.kentassets.districts") == 2
    assert HOSTILE_IMG in page.page.locator(".kent-district-label").all_inner_texts()
    page.assert_clean()


@pytest.mark.browser
def test_browser_online_map_requests_only_tiles(
    browser: Any, assets: Any, districts: Any, opportunities: Any, tmp_path: Path
) -> None:
    """Online maps: the library is inlined; the only requests are tiles (answered blank)."""
    hosts: set[str] = set()
    context = browser.new_context(viewport={"width": 1000, "height": 700})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith(("file://", "data:")):
            r.continue_()
            return
        hosts.add(url.split("/")[2])
        r.fulfill(status=204, body=b"")

    pg.route("**/*", route)
    path = tmp_path / "online.html"
    path.write_text(render(assets, districts, opportunities, offline=False), encoding="utf-8")
    pg.goto(path.as_uri())
    wait_until_ready(pg)
    assert pg.evaluate("window.kentassets.markers") == 6
    pg.locator(".leaflet-control-layers").hover()
    bases = pg.locator(".leaflet-control-layers-base").inner_text()
    assert "OpenStreetMap" in bases and "Positron" in bases and "No base map" in bases
    assert "Built-in map" in pg.locator(".leaflet-control-layers-overlays").inner_text()
    assert "OpenStreetMap" in pg.locator(".leaflet-control-attribution").inner_text()
    assert errors == []
    assert hosts and hosts <= {
        "a.basemaps.cartocdn.com",
        "b.basemaps.cartocdn.com",
        "c.basemaps.cartocdn.com",
        "d.basemaps.cartocdn.com",
        "tile.openstreetmap.org",
    }
    context.close()


def test_partial_asset_frames_are_placed_and_completed(districts: Any) -> None:
    """A frame with only agency, name and points still renders (HTML and PDF)."""
    from kentassets.render.printmap import district_pdf

    from kentassets.colocation import find_colocations
    from kentassets.opportunities import score_opportunities

    frame = gpd.GeoDataFrame(
        {"agency": ["A", "B", "C"], "name": ["Hall", "Library", "Depot"]},
        geometry=[
            shapely.Point(575_000, 155_000),
            shapely.Point(575_080, 155_040),
            shapely.Point(585_000, 155_000),
        ],
        crs=schema.CRS,
    )
    colocs = find_colocations(frame)
    labelled = colocs.label_assets(frame)
    opps = score_opportunities(colocs, frame)
    m = ka.district_map(labelled, districts, opps, district_code=MAI, offline=True)
    html = webmap.map_html(m)
    assert "Library" in html and "Depot" not in html
    fig = district_pdf(labelled, districts, opps, district_code=MAI)
    assert type(fig).__name__ == "Figure"


@pytest.mark.browser
def test_browser_online_map_without_internet_still_shows_a_map(
    browser: Any, assets: Any, districts: Any, opportunities: Any, tmp_path: Path
) -> None:
    """A locked-down network: no tile loads, yet the assets and built-in context draw."""
    context = browser.new_context(viewport={"width": 1000, "height": 700})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.route(
        "**/*",
        lambda r: r.continue_() if r.request.url.startswith(("file://", "data:")) else r.abort(),
    )
    path = tmp_path / "online.html"
    path.write_text(render(assets, districts, opportunities, offline=False), encoding="utf-8")
    pg.goto(path.as_uri())
    wait_until_ready(pg)
    assert pg.evaluate("window.kentassets.markers") == 6
    assert pg.locator("#kentassets-no-library").count() == 0
    assert int(pg.locator(".folium-map").get_attribute("data-context-places")) > 0
    assert pg.locator(".leaflet-kentContext-pane path").count() > 0  # sea, built-up areas
    assert "Maidstone" in pg.locator(".kent-place").all_inner_texts()
    assert errors == []
    context.close()


def test_offline_page_has_no_library_notice(
    assets: Any, districts: Any, opportunities: Any
) -> None:
    html = render(assets, districts, opportunities, offline=True)
    assert "kentassets-no-library" not in html


def test_the_pure_renderer_draws_only_the_context_it_is_given(
    assets: Any, districts: Any, opportunities: Any
) -> None:
    """``render.web.district_map`` reads no file: without ``context`` it draws none, and
    ``ka.district_map`` (pipeline/maps.py) reads the built-in one for it, same bytes."""
    from kentassets.io.context import study_context

    bare = webmap.map_html(webmap.district_map(assets, districts, opportunities,
                                               district_code=MAI, offline=True))
    assert '"context": null' in bare
    given = webmap.district_map(assets, districts, opportunities, district_code=MAI,
                                offline=True, context=study_context(districts))
    read = ka.district_map(assets, districts, opportunities, district_code=MAI, offline=True)
    assert webmap.map_html(given) == webmap.map_html(read)
