"""Tests for kentassets.io.boundaries: reading, downloading and caching boundaries.

The download tests run against a local HTTP server on 127.0.0.1 serving responses
generated at test time; no test touches the internet.
"""

from __future__ import annotations

import json
import socket
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box, mapping

from kentassets.districts import load_districts
from kentassets.errors import BoundaryDataError
from kentassets.io import boundaries as bio
from kentassets.schema import CRS, DEFAULT_STUDY_AREA, DISTRICT_CODE, DISTRICT_NAME

CODES = ("E07000901", "E07000902")
SERVICE_PATH = (
    "/arcgis/rest/services/Local_Authority_Districts_May_2024_Boundaries_UK_BGC/"
    "FeatureServer/0/query"
)


def _feature_collection(codes: tuple[str, ...] = CODES, *, size_m: float = 10_000) -> bytes:
    """An ArcGIS-style GeoJSON answer: squares in EPSG:27700 with LAD24CD/LAD24NM."""
    features = [
        {
            "type": "Feature",
            "id": i + 1,
            "geometry": mapping(box(550_000 + i * size_m, 150_000,
                                    550_000 + (i + 1) * size_m, 150_000 + size_m)),
            "properties": {"FID": i + 1, "LAD24CD": code, "LAD24NM": f"District {i}",
                           "LAD24NMW": " "},
        }
        for i, code in enumerate(codes)
    ]
    document = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "EPSG:27700"}},
        "features": features,
    }
    return json.dumps(document).encode()


class _Server:
    def __init__(self, respond: Callable[[str], tuple[int, bytes]]) -> None:
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                status, body = respond(self.path)
                self.send_response(status)
                self.send_header("Content-Type", "application/geo+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}{SERVICE_PATH}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


Serve = Callable[[Callable[[str], tuple[int, bytes]]], _Server]


@pytest.fixture
def serve() -> Iterator[Serve]:
    servers: list[_Server] = []

    def start(respond: Callable[[str], tuple[int, bytes]]) -> _Server:
        servers.append(_Server(respond))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- download ----------------------------------------------------------------------


def test_download_caches_checked_boundaries(serve: Serve, tmp_path: Path) -> None:
    server = serve(lambda path: (200, _feature_collection()))
    path = bio.download_boundaries(codes=CODES, url=server.url, cache_dir=tmp_path)
    assert path == bio.official_cache_path(tmp_path, CODES)
    assert path.is_file()
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary files left
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(server.requests[0]).query)
    assert query["where"] == ["LAD24CD IN ('E07000901','E07000902')"]
    assert query["outSR"] == ["27700"]
    assert query["f"] == ["geojson"]
    assert query["outFields"] == ["*"]
    frame = bio.read_boundaries(path, codes=CODES)
    assert frame[DISTRICT_CODE].tolist() == list(CODES)
    assert frame.area.round().tolist() == [1e8, 1e8]
    # load_districts now uses the cached official download
    districts = load_districts(codes=CODES, cache_dir=tmp_path)
    assert districts.attrs["boundary_source"] == "official"
    assert districts[DISTRICT_NAME].tolist() == ["District 0", "District 1"]


def test_download_replays_official_file(
    serve: Serve, tmp_path: Path, shared_data: Path
) -> None:
    # A server that ignores outSR and answers in longitude/latitude (RFC 7946).
    official = gpd.read_file(shared_data / "boundaries/lad_may2024_bsc_kent_medway.geojson")
    body = official.to_json().encode()
    server = serve(lambda path: (200, body))
    path = bio.download_boundaries(url=server.url, cache_dir=tmp_path)
    districts = load_districts(cache_dir=tmp_path)
    assert path.is_file()
    assert districts.attrs["boundary_source"] == "official"
    assert districts[DISTRICT_CODE].tolist() == list(DEFAULT_STUDY_AREA)
    assert districts.crs == CRS
    assert districts.area.sum() / 1e6 == pytest.approx(3742.5, abs=1)


def test_download_offline_says_how_to_supply_a_file(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}{SERVICE_PATH}"
    with pytest.raises(BoundaryDataError) as info:
        bio.download_boundaries(codes=CODES, url=url, cache_dir=tmp_path, timeout_s=5)
    message = str(info.value)
    assert "could not download district boundaries" in message
    assert "offline" in message
    assert "--boundaries PATH" in message
    assert "boundaries =" in message
    assert "geoportal.statistics.gov.uk" in message
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("status", "body", "match"),
    [
        (500, b"oops", r"could not download"),
        (200, b"<html>maintenance</html>", r"not valid GeoJSON"),
        (200, b'{"error": {"code": 400, "message": "Invalid query"}}',
         r"not a GeoJSON FeatureCollection \(server said: .*Invalid query"),
        (200, b'{"type": "FeatureCollection", "features": []}', r"no features"),
        (200, _feature_collection(CODES[:1]), r"lacks district code\(s\) E07000902"),
        (200, _feature_collection(CODES, size_m=100), r"implausible district areas"),
    ],
)
def test_download_rejects_bad_answers(
    serve: Serve, tmp_path: Path, status: int, body: bytes, match: str
) -> None:
    server = serve(lambda path: (status, body))
    with pytest.raises(BoundaryDataError, match=match) as info:
        bio.download_boundaries(codes=CODES, url=server.url, cache_dir=tmp_path)
    assert "--boundaries PATH" in str(info.value) or "study-area codes" in str(info.value)
    assert not any(tmp_path.iterdir())


# --- reading ------------------------------------------------------------------------


def test_detect_lad_columns() -> None:
    assert bio.detect_lad_columns(["LAD19CD", "LAD19NM", "LAD24CD", "LAD24NM"]) == (
        "LAD24CD",
        "LAD24NM",
    )
    assert bio.detect_lad_columns(["lad23cd"]) == ("lad23cd", None)
    assert bio.detect_lad_columns(["district_code", "district_name"]) == (
        "district_code",
        "district_name",
    )
    with pytest.raises(BoundaryDataError, match="LADyyCD"):
        bio.detect_lad_columns(["CTY23CD", "geometry"])


def test_read_shapefile_without_prj(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    frame = gpd.read_file(_feature_collection().decode())
    path = tmp_path / "lad.shp"
    frame.set_crs(CRS, allow_override=True).to_file(path)
    path.with_suffix(".prj").unlink()
    out = bio.read_boundaries(path, codes=CODES)
    assert out.crs == CRS
    assert out.area.round().tolist() == [1e8, 1e8]
    assert "assuming EPSG:27700" in caplog.text


def test_read_name_column_missing_uses_code(tmp_path: Path) -> None:
    frame = gpd.read_file(_feature_collection().decode()).drop(columns=["LAD24NM"])
    path = tmp_path / "lad.gpkg"
    frame.set_crs(CRS, allow_override=True).to_file(path)
    out = bio.read_boundaries(path, codes=CODES)
    assert out[DISTRICT_NAME].tolist() == list(CODES)


def test_read_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "lad.geojson"
    path.write_text("not json at all")
    with pytest.raises(BoundaryDataError, match=r"lad.geojson: cannot"):
        bio.read_boundaries(path, codes=CODES)


def test_cache_round_trip_and_corrupt_cache(tmp_path: Path) -> None:
    frame = bio.read_boundaries(_write(tmp_path / "in.geojson"), codes=CODES)
    target = bio.derived_cache_path(tmp_path / "cache", CODES, "test-source")
    bio.write_boundaries_cache(frame, target)
    back = bio.read_boundaries_cache(target, codes=CODES)
    assert back is not None
    assert back[DISTRICT_CODE].tolist() == list(CODES)
    assert bio.read_boundaries_cache(target, codes=("E07000110",)) is None
    target.write_text("garbage")
    assert bio.read_boundaries_cache(target, codes=CODES) is None
    assert bio.derived_cache_path(tmp_path, CODES, "a") != bio.derived_cache_path(
        tmp_path, CODES, "b"
    )
    assert bio.derived_cache_path(tmp_path, CODES, "a") == bio.derived_cache_path(
        tmp_path, CODES[::-1], "a"
    )


def _write(path: Path) -> Path:
    path.write_bytes(_feature_collection())
    return path
