"""Byte-identical outputs: a first build (nothing cached) and a second (cache warm)."""

from __future__ import annotations

from pathlib import Path

import pytest
import shapely

from kentassets.districts import load_districts
from kentassets.schema import DISTRICT_CODE


def _wkb(frame: object) -> list[bytes]:
    return [shapely.to_wkb(g) for g in frame.geometry]  # type: ignore[attr-defined]


def test_derived_boundaries_come_back_from_the_cache_unchanged(tmp_path: Path) -> None:
    """Kent's derived outlines: the same coordinates, in the same order, cold and warm."""
    cold = load_districts(cache_dir=tmp_path)
    assert len(list(tmp_path.glob("derived_*.gpkg"))) == 1
    warm = load_districts(cache_dir=tmp_path)
    assert warm[DISTRICT_CODE].tolist() == cold[DISTRICT_CODE].tolist()
    assert _wkb(warm) == _wkb(cold)
    assert warm.attrs == cold.attrs
    # and the cache holds them in canonical form: normalising again changes nothing
    assert _wkb(warm) == [shapely.to_wkb(shapely.normalize(g)) for g in warm.geometry]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.slow
def test_demo_outputs_identical_cold_and_warm_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every output file is the same whether the boundaries and postcodes were derived
    and decoded (first run) or read from the cache (second run)."""
    import kentassets as ka

    # platformdirs puts the cache under XDG_CACHE_HOME: a fresh, empty one for this test.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    ka.demo(tmp_path / "cold", progress=False, n_assets=600)
    assert list((tmp_path / "cache").rglob("derived_*.gpkg"))
    assert list((tmp_path / "cache").rglob("postcodes_*.feather"))
    ka.demo(tmp_path / "warm", progress=False, n_assets=600)
    cold, warm = _files(tmp_path / "cold"), _files(tmp_path / "warm")
    assert sorted(cold) == sorted(warm)
    differ = [name for name in cold if cold[name] != warm[name]]
    assert differ == []
