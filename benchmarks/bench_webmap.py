"""Benchmark the district web map: build + save time, HTML size, time to drawn.

Not a test. Run::

    /work/venv/bin/python benchmarks/bench_webmap.py            # 1k, 10k, 50k
    /work/venv/bin/python benchmarks/bench_webmap.py 1000 5000  # chosen sizes

Targets (issue 6): 50,000 assets saved in under 10 s, file under 25 MB, drawn in
headless Chromium in under 5 s. Offline maps are measured (everything inlined,
no network), so the figures do not depend on a CDN.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from kentassets import schema
from kentassets.render import webmap

log = logging.getLogger("bench_webmap")

CODE = "E07000110"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
AGENCIES = [
    "Kent County Council",
    "Maidstone Borough Council",
    "NHS Kent and Medway",
    "Kent Police",
    "Kent Fire and Rescue",
    "Department for Work and Pensions",
    "HM Courts and Tribunals",
    "Environment Agency",
]


def make_inputs(
    n: int, seed: int = 7
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Return assets, districts and opportunities with ``n`` assets in one district."""
    rng = np.random.default_rng(seed)
    x0, y0, size = 565_000.0, 140_000.0, 30_000.0
    districts = gpd.GeoDataFrame(
        {schema.DISTRICT_CODE: [CODE, "E07000105"], schema.DISTRICT_NAME: ["Maidstone", "Ashford"]},
        geometry=[
            shapely.box(x0, y0, x0 + size, y0 + size),
            shapely.box(x0 + size, y0, x0 + 2 * size, y0 + size),
        ],
        crs=schema.CRS,
    )
    # Assets cluster round towns, as real estates do.
    towns = rng.uniform([x0 + 2000, y0 + 2000], [x0 + size - 2000, y0 + size - 2000], (40, 2))
    which = rng.integers(0, len(towns), n)
    xy = towns[which] + rng.normal(0, 900, (n, 2))
    # One co-location per 50 assets: groups of 4 consecutive assets within ~100 m.
    n_col = max(1, n // 50)
    for k in range(n_col):
        first = k * 4
        last = min(first + 4, n)
        xy[first + 1 : last] = xy[first] + rng.normal(0, 40, (last - first - 1, 2))
    xy = np.clip(xy, [x0 + 10, y0 + 10], [x0 + size - 10, y0 + size - 10])
    idx = np.arange(n)
    agency = np.array(AGENCIES)[idx % len(AGENCIES)]
    frame = pd.DataFrame(
        {
            schema.ASSET_ID: [f"AS{i:06d}" for i in idx],
            schema.AGENCY: agency,
            schema.NAME: [f"Public building number {i} on Station Road" for i in idx],
            schema.ADDRESS: [f"{i % 300 + 1} Station Road, Maidstone" for i in idx],
            schema.POSTCODE: [f"ME{i % 20 + 1} {i % 9}AB" for i in idx],
            schema.USE: np.array(schema.USES)[idx % len(schema.USES)],
            schema.TENURE: np.array(schema.TENURES)[idx % len(schema.TENURES)],
            schema.GIA_M2: rng.uniform(50, 5000, n).round(0),
            schema.STAFF_FTE: rng.uniform(0, 200, n).round(1),
            schema.ANNUAL_COST_GBP: rng.uniform(1e3, 1e6, n).round(0),
            schema.STATUS: np.array(schema.STATUSES)[idx % len(schema.STATUSES)],
            schema.LOCATION_METHOD: "easting_northing",
            schema.LOCATION_PRECISION_M: 1.0,
            schema.DISTRICT_CODE: CODE,
            schema.DISTRICT_NAME: "Maidstone",
            schema.SENSITIVE: agency == "Kent Police",
            schema.SOURCE_FILE: [f"{a.lower().replace(' ', '_')}.csv" for a in agency],
            schema.SOURCE_ROW: idx + 2,
            "geometry": gpd.points_from_xy(xy[:, 0], xy[:, 1]),
        }
    )
    assets = schema.coerce_assets(gpd.GeoDataFrame(frame, geometry="geometry", crs=schema.CRS))
    coloc = pd.Series(pd.NA, index=assets.index, dtype="string")
    rows = []
    for k in range(n_col):
        members = np.arange(k * 4, min(k * 4 + 4, n))
        cid = f"MAI-{k + 1:02d}"
        coloc.iloc[members] = cid
        pts = assets.geometry.iloc[members]
        hull = shapely.convex_hull(shapely.multipoints(pts.to_numpy())).buffer(30)
        sub = assets.iloc[members]
        rows.append(
            {
                schema.COLOCATION_ID: cid,
                schema.IS_COLOCATION: True,
                schema.DISTRICT_CODE: CODE,
                schema.DISTRICT_NAME: "Maidstone",
                "district_codes": CODE,
                "n_assets": len(members),
                "agencies": ";".join(sorted(sub[schema.AGENCY].astype(str).unique())),
                schema.GIA_M2: float(sub[schema.GIA_M2].sum()),
                schema.STAFF_FTE: float(sub[schema.STAFF_FTE].sum()),
                schema.ANNUAL_COST_GBP: float(sub[schema.ANNUAL_COST_GBP].sum()),
                "saving_gbp": float(rng.uniform(1e4, 5e5)),
                "score": float(rng.uniform(0, 100)),
                "rank": k + 1,
                "district_rank": k + 1,
                "horizon": "medium",
                "shortlisted": k < 10,
                "geometry": hull,
            }
        )
    assets[schema.COLOCATION_ID] = coloc
    assets[schema.CLUSTER_LABEL] = -1
    opportunities = gpd.GeoDataFrame(rows, geometry="geometry", crs=schema.CRS)
    return assets, districts, opportunities


def measure_browser(path: Path) -> dict[str, float]:
    """Open ``path`` in headless Chromium; return time to drawn and pan frame times."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        blocked: list[str] = []

        def route(r: object) -> None:
            url = r.request.url  # type: ignore[attr-defined]
            if url.startswith(("file:", "data:", "about:")):
                r.continue_()  # type: ignore[attr-defined]
            else:
                blocked.append(url)
                r.abort()  # type: ignore[attr-defined]

        page.route("**/*", route)
        start = time.perf_counter()
        page.goto(path.as_uri(), wait_until="commit")
        page.wait_for_selector(".folium-map[data-ready=true]", timeout=60_000)
        # Two animation frames: the first paint after the markers were added.
        page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        drawn = time.perf_counter() - start
        markers = page.evaluate("window.kentassets.markers")
        pan_ms = page.evaluate(
            """async () => {
                const map = Object.values(window).find(v => v && v._leaflet_id && v.panBy);
                const times = [];
                for (let i = 0; i < 20; i++) {
                    const t0 = performance.now();
                    map.panBy([i % 2 ? -150 : 150, 60], {animate: false});
                    await new Promise(r => requestAnimationFrame(() => r()));
                    times.push(performance.now() - t0);
                }
                times.sort((a, b) => a - b);
                return {median: times[10], max: times[19]};
            }"""
        )
        browser.close()
    if blocked:
        raise RuntimeError(f"offline map made network requests: {blocked[:3]}")
    return {
        "drawn_s": drawn,
        "markers": markers,
        "pan_median_ms": pan_ms["median"],
        "pan_max_ms": pan_ms["max"],
    }


def run(sizes: list[int]) -> pd.DataFrame:
    """Build, save and open a district map for each size; return the figures."""
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            assets, districts, opportunities = make_inputs(n)
            start = time.perf_counter()
            m = webmap.district_map(
                assets, districts, opportunities, district_code=CODE, offline=True, synthetic=True
            )
            path = Path(tmp) / f"map_{n}.html"
            path.write_text(webmap.map_html(m), encoding="utf-8")
            saved = time.perf_counter() - start
            size_mb = path.stat().st_size / 1e6
            figures = measure_browser(path)
            results.append(
                {
                    "assets": n,
                    "co_locations": len(opportunities),
                    "build_save_s": round(saved, 2),
                    "html_mb": round(size_mb, 2),
                    "drawn_s": round(figures["drawn_s"], 2),
                    "markers": figures["markers"],
                    "pan_median_ms": round(figures["pan_median_ms"], 1),
                    "pan_max_ms": round(figures["pan_max_ms"], 1),
                }
            )
            log.info("%s", results[-1])
    return pd.DataFrame(results)


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sizes", nargs="*", type=int, default=[1_000, 10_000, 50_000])
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    table = run(args.sizes)
    log.info("\n%s", table.to_string(index=False))
    ok = table[table["assets"] >= 50_000]
    for _, row in ok.iterrows():
        log.info(
            "50k targets: saved %.2f s (< 10), %.1f MB (< 25), drawn %.2f s (< 5)",
            row["build_save_s"],
            row["html_mb"],
            row["drawn_s"],
        )


if __name__ == "__main__":
    main()
