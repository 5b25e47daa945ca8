"""Tests for kentassets.render.index: the county overview page."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from kentassets.render.index import index_html

from kentassets import schema
from test_webmap import (
    ARTIFACTS,
    ASH,
    HOSTILE_IMG,
    HOSTILE_QUOTES,
    HOSTILE_SCRIPT,
    MAI,
    Browser,
    browser,  # noqa: F401  (module fixture reused)
    make_assets,
    make_districts,
    make_opportunities,
    page,  # noqa: F401
)


@dataclasses.dataclass(frozen=True)
class _Params:
    eps_m: float = 250.0
    min_agencies: int = 2


@pytest.fixture(scope="module")
def inputs() -> dict[str, Any]:
    assets = make_assets()
    districts = make_districts()
    districts.loc[1, schema.DISTRICT_NAME] = HOSTILE_IMG
    return {
        "assets": assets,
        "districts": districts,
        "opportunities": make_opportunities(assets),
        "load_summary": pd.DataFrame(
            {
                "agency": ["Kent County Council", HOSTILE_SCRIPT],
                "rows": [120, 40],
                "loaded": [110, 35],
                "excluded": [6, 1],
                "rejected": [4, 4],
                "top_reasons": ["no_location (4)", HOSTILE_QUOTES],
            }
        ),
        "totals": {
            "annual_saving_gbp": 1_250_000.0,
            "target_gbp": 10_000_000.0,
            "target_years": 4,
            "saving_over_target_period_gbp": 5_000_000.0,
            "share_of_target": 0.5,
        },
        "params": {"clustering": _Params(), "space_standard_m2_per_fte": 8.0, "note": HOSTILE_IMG},
        "district_files": {
            MAI: {"html": "districts/maidstone.html", "pdf": "districts/maidstone.pdf"},
            ASH: {"html": "javascript:alert(1)", "pdf": "../../etc/passwd"},
        },
        "title": "Kent & Medway <estate>",
        "data_date": "2026-10-31",
        "synthetic": True,
    }


def make_index(inputs: dict[str, Any], **kw: Any) -> str:
    args = {**inputs, **kw}
    return index_html(**args)


def test_index_escapes_everything(inputs: dict[str, Any]) -> None:
    html = make_index(inputs, offline=True)
    for hostile in (HOSTILE_IMG, HOSTILE_SCRIPT, "<estate>"):
        assert hostile not in html
    assert "javascript:" not in html
    assert "../../etc" not in html
    assert 'href="districts/maidstone.html"' in html
    assert 'href="districts/maidstone.pdf"' in html
    assert 'href="load_ledger.csv"' in html


def test_index_drops_unsafe_links_with_warning(
    inputs: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("WARNING", logger="kentassets.render.index"):
        make_index(inputs)
    assert "javascript:alert(1)" in caplog.text and "not linked" in caplog.text


def test_index_content(inputs: dict[str, Any]) -> None:
    html = make_index(inputs, offline=True)
    assert "£1,250,000" in html and "£10,000,000" in html and "50%" in html
    assert "clustering.eps_m" in html and "250.0" in html
    assert "synthetic sample data" in html
    assert "Royal Mail" in html


def test_index_tolerates_missing_totals(inputs: dict[str, Any]) -> None:
    html = make_index(inputs, totals={"annual_saving_gbp": 10.0}, load_summary=None, params={})
    assert "£10" in html and "No load summary" in html


@pytest.mark.browser
def test_browser_index(page: Browser, inputs: dict[str, Any], tmp_path: Path) -> None:  # noqa: F811
    path = tmp_path / "index.html"
    path.write_text(make_index(inputs, offline=True, shade_by="saving_gbp"), encoding="utf-8")
    page.page.goto(path.as_uri())
    frame = page.page.frame_locator("iframe.kent-map")
    frame.locator(".folium-map[data-ready=true]").wait_for(timeout=20_000)
    text = page.page.locator("main").inner_text()
    assert HOSTILE_IMG in text and HOSTILE_SCRIPT in text and HOSTILE_QUOTES in text
    assert "Kent & Medway <estate>" in text
    labels = frame.locator(".kent-district-label").all_inner_texts()
    assert sorted(labels) == sorted(["Maidstone", HOSTILE_IMG])
    # The districts table sorts by a column when its heading is clicked.
    first_row = page.page.locator("table.kent-sortable tbody tr").first
    page.page.locator("table.kent-sortable th", has_text="Shortlist saving").click()
    assert "E07000105" in first_row.inner_text()  # £25,000 before £125,000
    page.page.locator("table.kent-sortable th", has_text="Shortlist saving").click()
    assert "Maidstone" in first_row.inner_text()
    page.page.wait_for_timeout(300)
    ARTIFACTS.mkdir(exist_ok=True)
    page.page.screenshot(path=str(ARTIFACTS / "index.png"), full_page=True)
    page.assert_clean()
