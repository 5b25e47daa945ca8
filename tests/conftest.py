"""Shared pytest fixtures. Module-specific fixtures live in each test module."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real public data beside the checkout (../shared/data), or skip."""
    if not (SHARED_DATA / "PROVENANCE.md").is_file():
        pytest.skip(
            f"real public data not found at {SHARED_DATA}; these tests need the "
            "project's shared/ folder beside the checkout"
        )
    return SHARED_DATA


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium, for Playwright tests, or skip with the install command."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium not installed: apt-get install chromium")
    try:
        import playwright  # noqa: F401
    except ImportError:
        pytest.skip("playwright not installed: pip install -e '.[test]'")
    return str(CHROMIUM)


@pytest.fixture(scope="session")
def pdftoppm() -> str:
    """Path to poppler's pdftoppm, or skip."""
    path = shutil.which("pdftoppm")
    if path is None:
        pytest.skip("pdftoppm not installed: apt-get install poppler-utils")
    return path


@pytest.fixture(scope="session")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo run once per test session through the CLI (offline HTML)."""
    from kentassets.cli import main

    out = tmp_path_factory.mktemp("demo") / "out"
    code = main(["demo", "--out", str(out), "--offline", "--quiet"])
    assert code == 0
    return out


@pytest.fixture(scope="session")
def sample_manifest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample estate's raw registers and manifest, written once per session."""
    from kentassets.sample import write_sample_estate

    return write_sample_estate(tmp_path_factory.mktemp("sample") / "estate")
