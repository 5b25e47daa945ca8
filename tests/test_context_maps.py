"""The map context on the rendered maps: town names on the PDFs and in the HTML,
OS base map roads on the page, --basemap and the manifest's basemap."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import matplotlib.collections
import matplotlib.colors
import matplotlib.pyplot as plt
import numpy as np
import pypdf
import pytest
import shapely
from kentassets.context import PLACE_NAME

import kentassets as ka
from kentassets import schema
from kentassets.cli import EXIT_ERROR, main
from kentassets.io.context import study_context
from kentassets.render import printmap, webmap
from kentassets.render.print.context import NAME_GID, ROADS

SWALE, DOVER, TONBRIDGE = "E07000113", "E07000108", "E07000115"


@pytest.fixture(scope="module")
def estate(shared_data: Path) -> dict[str, Any]:
    from kentassets.io.boundaries import read_boundaries

    sample = ka.sample_estate()
    colocs = ka.find_colocations(sample.assets, eps_m=250)
    assets = colocs.label_assets(sample.assets)
    return {
        "assets": assets,
        "opportunities": ka.score_opportunities(colocs, assets),
        "districts": read_boundaries(
            shared_data / "boundaries" / "lad_may2024_bsc_kent_medway.geojson"
        ),
    }


def _pdf_text(fig: Any, path: Path) -> str:
    printmap.write_figure_pdf(fig, path)
    return " ".join((pypdf.PdfReader(str(path)).pages[0].extract_text() or "").split())


def _names_drawn(fig: Any) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts if t.get_gid() == NAME_GID]


@pytest.mark.shared
@pytest.mark.parametrize(
    ("code", "towns"),
    [
        (SWALE, ["Sittingbourne", "Faversham", "Teynham", "Iwade"]),
        (DOVER, ["Deal", "Sandwich"]),
        (TONBRIDGE, ["Tonbridge"]),
    ],
)
def test_district_pdfs_name_the_towns_a_kent_reader_expects(
    estate: dict[str, Any], tmp_path: Path, code: str, towns: list[str]
) -> None:
    fig = ka.district_pdf(estate["assets"], estate["districts"], estate["opportunities"],
                                district_code=code, synthetic=True)
    drawn = _names_drawn(fig)
    text = _pdf_text(fig, tmp_path / f"{code}.pdf")
    for town in towns:
        assert town in drawn, (town, drawn)
        assert town in text, town
    assert "GeoNames" in text and "GSHHG" in text and "ONS Postcode Directory" in text
    plt.close(fig)


@pytest.mark.shared
def test_no_place_outside_the_study_area_is_named(estate: dict[str, Any]) -> None:
    districts = estate["districts"]
    allowed = set(study_context(districts).places[PLACE_NAME])
    fig = ka.district_pdf(estate["assets"], districts, estate["opportunities"],
                                district_code="E07000107", synthetic=True)  # Dartford
    drawn = _names_drawn(fig)
    assert drawn and set(drawn) <= allowed
    assert not {"West Thurrock", "Grays", "Purfleet"} & set(drawn)  # Essex, across the Thames
    plt.close(fig)


@pytest.mark.shared
def test_offline_html_carries_the_town_names(estate: dict[str, Any], tmp_path: Path) -> None:
    m = ka.district_map(estate["assets"], estate["districts"], estate["opportunities"],
                            district_code=SWALE, offline=True, synthetic=True)
    html = webmap.map_html(m)
    assert not re.search(r"<script[^>]+src=", html) and "tile.openstreetmap" not in html
    payload = json.loads(re.search(r'id="kentassets-data-[^"]+">(.*?)</script>', html,
                                   re.S).group(1))
    names = [row[2] for row in payload["context"]["places"]]
    assert {"Sittingbourne", "Faversham", "Teynham"} <= set(names)
    assert "Grays" not in names
    again = webmap.map_html(ka.district_map(
        estate["assets"], estate["districts"], estate["opportunities"], district_code=SWALE,
        offline=True, synthetic=True))
    assert again == html


# --- an OS base map ---------------------------------------------------------------


def _line(x: float, y: float) -> shapely.LineString:
    return shapely.LineString([(x, y), (x + 3_000, y + 800), (x + 6_000, y + 600)])


@pytest.fixture
def zoomstack(tmp_path: Path) -> Path:
    path = tmp_path / "zoomstack_kent.gpkg"

    def frame(rows: dict[str, list[Any]], geometry: list[Any]) -> gpd.GeoDataFrame:
        return gpd.GeoDataFrame(rows, geometry=geometry, crs=schema.CRS)

    layers = {
        "roads_national": frame({"type": ["Motorway"], "name": ["M2"]}, [_line(585_000, 160_000)]),
        "roads_regional": frame({"type": ["A Road", "B Road"], "name": ["A2", "B2040"]},
                                [_line(588_000, 163_000), _line(595_000, 158_000)]),
        "rail": frame({"type": ["Multi Track"]}, [_line(587_000, 163_500)]),
        "names": frame({"name": ["Testbury Magna", "Faversham"], "type": ["Town", "Town"]},
                       [shapely.Point(594_000, 166_000), shapely.Point(601_400, 161_300)]),
    }
    for name, layer in layers.items():
        layer.to_file(path, layer=name, driver="GPKG")
    return path


@pytest.mark.shared
def test_basemap_roads_and_names_appear_on_the_page(
    estate: dict[str, Any], zoomstack: Path, tmp_path: Path
) -> None:
    fig = ka.district_pdf(estate["assets"], estate["districts"], estate["opportunities"],
                                district_code=SWALE, synthetic=True, basemap=zoomstack)
    main_ax = max(fig.axes, key=lambda ax: ax.bbox.width)
    colours = {name: matplotlib.colors.to_rgba(colour) for name, (colour, _) in ROADS.items()}
    drawn: dict[str, np.ndarray] = {}
    for coll in main_ax.collections:
        if isinstance(coll, matplotlib.collections.LineCollection) and len(coll.get_segments()):
            rgba = tuple(coll.get_colors()[0])
            for name, colour in colours.items():
                if np.allclose(rgba, colour):
                    drawn[name] = np.vstack(coll.get_segments())
    assert set(drawn) == {"motorway", "a_road", "b_road"}
    assert np.allclose(drawn["motorway"][0], (585_000, 160_000))
    names = _names_drawn(fig)
    assert "Testbury Magna" in names and "Teynham" not in names  # OS names replace GeoNames
    text = _pdf_text(fig, tmp_path / "swale.pdf")
    assert "Testbury Magna" in text and "OS Open Zoomstack" in text
    assert "GeoNames" not in text and "GSHHG" in text
    plt.close(fig)


def test_manifest_basemap_is_read_and_checked(sample_manifest: Path, zoomstack: Path) -> None:
    from kentassets.errors import ManifestError
    from kentassets.io.manifest import parse_manifest

    text = sample_manifest.read_text(encoding="utf-8")
    with_basemap = sample_manifest.with_name("with_basemap.toml")
    with_basemap.write_text(f"basemap = {json.dumps(str(zoomstack))}\n" + text, encoding="utf-8")
    assert parse_manifest(with_basemap).basemap == zoomstack.resolve()
    missing = sample_manifest.with_name("missing_basemap.toml")
    missing.write_text('basemap = "nowhere.gpkg"\n' + text, encoding="utf-8")
    with pytest.raises(ManifestError, match="basemap names a file that does not exist"):
        parse_manifest(missing)


def test_cli_refuses_a_bad_basemap_in_one_line(
    sample_manifest: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "parcels.gpkg"
    gpd.GeoDataFrame({"id": [1]}, geometry=[shapely.Point(580_000, 160_000)],
                     crs=schema.CRS).to_file(bad, layer="parcels", driver="GPKG")
    code = main(["build", str(sample_manifest), "--out", str(tmp_path / "out"),
                 "--basemap", str(bad), "--quiet"])
    err = capsys.readouterr().err.strip()
    assert code == EXIT_ERROR
    assert "layers found: parcels" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.shared
def test_basemap_roads_reach_the_html_map(estate: dict[str, Any], zoomstack: Path) -> None:
    m = ka.district_map(estate["assets"], estate["districts"], estate["opportunities"],
                            district_code=SWALE, offline=True, basemap=zoomstack)
    html = webmap.map_html(m)
    payload = json.loads(re.search(r'id="kentassets-data-[^"]+">(.*?)</script>', html,
                                   re.S).group(1))
    context = payload["context"]
    assert set(context["roads"]) == {"motorway", "a_road", "b_road"}
    assert context["rail"]["type"] == "MultiLineString"
    assert {row[2] for row in context["places"]} == {"Faversham", "Testbury Magna"}
    assert "OS Open Zoomstack" in context["attribution"]
