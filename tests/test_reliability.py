"""Nothing lost, nothing half-written, nothing leaked (issue: reliability and security)."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from kentassets import schema
from kentassets.io.manifest import parse_manifest
from kentassets.pipeline import build


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _copy_estate(manifest: Path, dest: Path) -> Path:
    shutil.copytree(manifest.parent, dest)
    return dest / manifest.name


def _mark_sensitive(manifest: Path, agency_pattern: str) -> str:
    """Add ``sensitive = true`` to the first register whose agency matches."""
    lines = manifest.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        match = re.match(r'\s*agency\s*=\s*"([^"]*)"', line)
        if match and re.search(agency_pattern, match.group(1)):
            # drop any existing sensitive key of this register, then add ours
            lines.insert(i + 1, "sensitive = true")
            manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
            return match.group(1)
    raise AssertionError(f"no register for {agency_pattern}")


@pytest.fixture(scope="module")
def built(sample_manifest: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("reliability")
    manifest = _copy_estate(sample_manifest, root / "estate")
    out = root / "out"
    build(manifest, out, progress=False, offline=True)
    return out


@pytest.mark.slow
def test_forced_error_in_last_district_keeps_previous_output(
    built: Path, sample_manifest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each district page is drawn once, by render.jobs (in worker processes forked
    # after the patch, so they fail too).
    from kentassets.render import jobs

    before = _snapshot(built)
    real = jobs.district_page_pdf
    last = max(schema.KENT_AND_MEDWAY)

    def failing(data: Any, **kwargs: Any) -> bytes:
        if data.code == last:
            raise RuntimeError("forced failure in the last district")
        return real(data, **kwargs)

    monkeypatch.setattr(jobs, "district_page_pdf", failing)
    with pytest.raises(RuntimeError, match="forced failure"):
        build(sample_manifest, built, progress=False, offline=True)
    assert _snapshot(built) == before
    assert not [p for p in built.parent.iterdir() if p.name.startswith(".kentassets-tmp")]


@pytest.mark.slow
def test_killed_build_keeps_previous_output(built: Path, sample_manifest: Path) -> None:
    before = _snapshot(built)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kentassets",
            "build",
            str(sample_manifest),
            "--out",
            str(built),
            "--offline",
            "-q",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            tmp = [p for p in built.parent.iterdir() if p.name.startswith(".kentassets-tmp")]
            if tmp and any(tmp[0].glob("*.html")):
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the build ended before it could be interrupted"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert _snapshot(built) == before
    for leftover in built.parent.glob(".kentassets-tmp*"):
        shutil.rmtree(leftover)


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


@pytest.mark.slow
def test_sensitive_agency_never_published(sample_manifest: Path, tmp_path: Path) -> None:

    manifest = _copy_estate(sample_manifest, tmp_path / "estate")
    agency = _mark_sensitive(manifest, "Police")
    spec = parse_manifest(manifest)
    assert agency in spec.sensitive_agencies
    out = tmp_path / "out"
    report = build(manifest, out, progress=False, offline=True)
    analysis = report.analysis
    secret = analysis.assets[analysis.assets[schema.AGENCY] == agency]
    assert len(secret) > 0
    # still counted in the analysis
    assert secret[schema.COLOCATION_ID].notna().any()

    others = analysis.assets[analysis.assets[schema.AGENCY] != agency]
    # a value another agency also uses (a shared building's address) is not a secret
    public = set(others[schema.NAME].dropna().astype(str)) | set(
        others[schema.ADDRESS].dropna().astype(str)
    )
    names = [n for n in secret[schema.NAME].dropna().astype(str) if len(n) > 6 and n not in public]
    addresses = [
        a for a in secret[schema.ADDRESS].dropna().astype(str) if len(a) > 6 and a not in public
    ]
    assert names and addresses
    texts: dict[str, str] = {}
    for path in out.iterdir():
        if path.suffix in (".html", ".csv", ".json", ".geojson"):
            texts[path.name] = path.read_text(encoding="utf-8-sig")
        elif path.suffix == ".pdf":
            texts[path.name] = _pdf_text(path)
    assets_gpkg = gpd.read_file(out / "assets.gpkg")
    texts["assets.gpkg"] = pd.DataFrame(assets_gpkg.drop(columns="geometry")).to_csv()
    for fname, text in texts.items():
        for value in names + addresses:
            # whole values only: "3 Tower Hill" must not match inside "73 Tower Hill"
            pattern = r"(?<![\w])" + re.escape(value) + r"(?![\w])"
            assert not re.search(pattern, text), f"{value!r} leaked into {fname}"
    # the agency's published points are all grid-square centres ...
    published = assets_gpkg[assets_gpkg[schema.AGENCY] == agency]
    assert len(published) == len(secret)
    xy = np.column_stack([published.geometry.x, published.geometry.y])
    assert np.allclose(np.mod(xy, 1000.0), 500.0)
    # ... and a published point at a secret location belongs to another agency's asset
    exact = np.column_stack([secret.geometry.x, secret.geometry.y])
    others_xy = np.column_stack([others.geometry.x, others.geometry.y])
    pub = np.column_stack([assets_gpkg.geometry.x, assets_gpkg.geometry.y])
    from scipy.spatial import cKDTree

    dist, nearest = cKDTree(pub).query(exact)
    hits = pub[nearest[dist < 1.0]]
    if len(hits):
        shared, _ = cKDTree(others_xy).query(hits)
        grid = np.all(np.isclose(np.mod(hits, 1000.0), 500.0), axis=1)
        assert np.all((shared < 1.0) | grid), "a sensitive asset was published at its location"


def test_same_input_gives_byte_identical_outputs(built: Path, demo_out: Path) -> None:
    """The demo (CLI) and a library build of the same sample estate write the same bytes."""
    first, second = _snapshot(demo_out), _snapshot(built)
    assert sorted(first) == sorted(second)
    differing = sorted(name for name in first if first[name] != second[name])
    assert differing == []
