"""Untrusted strings: HTML escaping, CSV formula guards, safe file names, generalisation."""

from __future__ import annotations

import csv
import io

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from kentassets import schema
from kentassets.safety import (
    escape_html,
    generalise_sensitive,
    guard_csv_cell,
    guard_csv_frame,
    json_for_script,
    safe_filename,
)

HOSTILE = ["<img src=x onerror=alert(1)>", "</script><script>alert(1)</script>", "O'Brien \"`x`\""]


@pytest.mark.parametrize("text", HOSTILE)
def test_escape_html_leaves_no_markup(text: str) -> None:
    out = escape_html(text)
    assert "<" not in out and ">" not in out and '"' not in out and "`" not in out
    assert "'" not in out


def test_json_for_script_cannot_close_the_script_element() -> None:
    out = json_for_script({"name": "</script><b>&"})
    assert "</script>" not in out and "<" not in out and "&" not in out


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44 1622", "'+44 1622"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-12.5", "-12.5"),
        ("+3", "+3"),
        ("Maidstone", "Maidstone"),
        (-4, -4),
        (3.5, 3.5),
    ],
)
def test_guard_csv_cell(cell: object, expected: object) -> None:
    assert guard_csv_cell(cell) == expected


def test_guard_csv_frame_keeps_numbers_numeric() -> None:
    frame = pd.DataFrame({"name": ["=HYPERLINK(\"http://evil\")", "ok"], "cost": [-5.0, 10.0]})
    out = guard_csv_frame(frame)
    assert out["cost"].tolist() == [-5.0, 10.0]
    text = out.to_csv(index=False)
    row = list(csv.reader(io.StringIO(text)))[1]
    assert row[0].startswith("'=")
    assert row[1] == "-5.0"


@pytest.mark.parametrize(
    "name", ["../../etc", "..", ".", "/etc/passwd", "a\\b", "CON", "nul", "", "\x00", "Ω" * 200]
)
def test_safe_filename_is_safe(name: str) -> None:
    out = safe_filename(name)
    assert out and "/" not in out and "\\" not in out and ".." not in out
    assert out.upper() not in {"CON", "NUL", "PRN", "AUX"}
    assert len(out) <= 80
    assert out not in {".", ".."}


def test_safe_filename_readable() -> None:
    assert safe_filename("Tonbridge and Malling") == "tonbridge-and-malling"


def test_generalise_sensitive_snaps_and_strips() -> None:
    frame = schema.coerce_assets(
        gpd.GeoDataFrame(
            {
                schema.AGENCY: ["Kent Police", "KCC"],
                schema.NAME: ["Custody suite", "Library"],
                schema.ADDRESS: ["1 Secret Rd", "2 Open St"],
                schema.SENSITIVE: [True, False],
            },
            geometry=[Point(575_432.0, 155_678.0), Point(575_000.0, 155_000.0)],
            crs=schema.CRS,
        )
    )
    out = generalise_sensitive(frame)
    assert out.index.equals(frame.index)
    assert out.geometry.iloc[0].x == 575_500.0 and out.geometry.iloc[0].y == 155_500.0
    assert out[schema.NAME].iloc[0] == "Sensitive site (Kent Police)"
    assert pd.isna(out[schema.ADDRESS].iloc[0])
    assert out[schema.NAME].iloc[1] == "Library"
    assert frame[schema.NAME].iloc[0] == "Custody suite"  # input untouched
