"""The plan in a build: round 1, decisions with dates, round 2; the csv, xlsx and PDF agree."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from kentassets.cli import main

pytestmark = pytest.mark.slow

YEARS = re.compile(r"saving_year_(\d+)_gbp")


def _years(plan: pd.DataFrame) -> list[str]:
    return sorted((c for c in plan.columns if YEARS.fullmatch(c)),
                  key=lambda c: int(YEARS.fullmatch(c).group(1)))  # type: ignore[union-attr]


def _read(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "implementation_plan.csv", dtype={"start": str,
                       "complete_by": str, "colocation_id": str}, keep_default_na=False,
                       na_values=[""])


@pytest.fixture(scope="module")
def rounds(tmp_path_factory: pytest.TempPathFactory, sample_manifest: Path
           ) -> tuple[Path, Path, pd.DataFrame]:
    """Round 1, a decisions file with dates, round 2."""
    base = tmp_path_factory.mktemp("plan_rounds")
    one, two = base / "round1", base / "round2"
    assert main(["build", str(sample_manifest), "--out", str(one), "-q", "--offline"]) == 0
    plan = _read(one)
    projects = plan[plan["row_type"] == "project"]
    ashford = projects[projects["district_name"] == "Ashford"].head(3)
    ids = list(ashford["colocation_id"])
    decisions = pd.DataFrame({
        "colocation_id": ids,
        "status": ["pursue", "rejected", "done"],
        "lead_agency": ["Ashford Borough Council", None, None],
        "decided_on": [None, None, "2026-06-01"],
        "saving_realised_gbp": [None, None, 12345],
        "note": [None, None, None],
        "start": ["2027-04-01", None, None],
        "complete_by": ["2029-12-31", None, None],
    })
    path = base / "decisions.csv"
    decisions.to_csv(path, index=False)
    assert main(["build", str(sample_manifest), "--out", str(two), "-q", "--offline",
                 "--previous", str(one), "--decisions", str(path)]) == 0
    return one, two, ashford


def test_round_two_plan_follows_the_decisions(rounds: tuple[Path, Path, pd.DataFrame]) -> None:
    one, two, decided = rounds
    before, after = _read(one), _read(two)
    years = _years(after)
    pursue, rejected, done = decided.to_dict("records")
    rows = after[after["row_type"] == "project"].set_index("colocation_id")
    assert rejected["colocation_id"] not in rows.index
    p = rows.loc[pursue["colocation_id"]]
    assert (p["status"], p["start"], p["complete_by"]) == ("pursue", "2027-04-01", "2029-12-31")
    assert p["lead_agency"] == "Ashford Borough Council"
    # completes in year 4 (2029-11-01 to 2030-10-31): counts from year 5 only
    assert [p[c] for c in years[:4]] == [0, 0, 0, 0] and p[years[4]] == p["saving_gbp"]
    d = rows.loc[done["colocation_id"]]
    assert d["status"] == "done" and all(d[c] == 12345 for c in years)
    county = after[after["row_type"] == "county total"].iloc[0]
    old = before[before["row_type"] == "county total"].iloc[0]
    # year 2 loses what the three decided projects counted in round 1, gains the realised 12345
    expected_y2 = (old["saving_year_2_gbp"]
                   - sum(r["saving_year_2_gbp"] for r in (pursue, rejected, done)) + 12345)
    # the rejected slot is taken by the next best co-location of the district
    newcomers = rows.index.difference(before[before["row_type"] == "project"]["colocation_id"])
    expected_y2 += float(rows.loc[newcomers, "saving_year_2_gbp"].sum())
    assert county["saving_year_2_gbp"] == pytest.approx(expected_y2)
    assert county["saving_year_1_gbp"] == pytest.approx(12345)


def test_csv_xlsx_and_pdf_agree(rounds: tuple[Path, Path, pd.DataFrame]) -> None:
    import openpyxl

    _, two, _ = rounds
    plan = _read(two)
    years = _years(plan)
    projects = plan[plan["row_type"] == "project"]
    county = plan[plan["row_type"] == "county total"].iloc[0]
    cumulative = plan[plan["row_type"] == "county cumulative"].iloc[0]
    sums = [round(float(projects[c].sum())) for c in years]
    assert sums == [round(float(county[c])) for c in years]
    running = pd.Series(sums).cumsum().tolist()
    assert running == [round(float(cumulative[c])) for c in years]
    book = openpyxl.load_workbook(two / "implementation_plan.xlsx")
    sheet = book["County"]
    values = [r for r in sheet.iter_rows(values_only=True) if r[0] and str(r[0]).startswith(
        "Year ")]
    assert [round(r[2]) for r in values[:len(years)]] == sums
    assert [round(r[3]) for r in values[:len(years)]] == running
    ashford = plan[(plan["row_type"] == "district total") & (plan["district_name"] == "Ashford")]
    xl = [r for r in book["Ashford"].iter_rows(values_only=True)
          if r[0] and str(r[0]).startswith("Year ")]
    assert [round(r[2]) for r in xl] == [round(float(ashford.iloc[0][c])) for c in years]
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not installed: apt-get install poppler-utils")
    text = subprocess.run(["pdftotext", "-layout", str(two / "atlas.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    page = next(p for p in text.split("\f") if "Ashford: implementation plan" in p)
    for k, column in enumerate(years, start=1):
        amount = f"£{float(ashford.iloc[0][column]):,.0f}"
        assert re.search(rf"Year {k}\s+\d+ \w+ \d{{4}}\s+{re.escape(amount)}", page), (k, amount)
    cover = text.split("\f")[0]
    assert "The plan reaches" in cover or "The plan falls" in cover


def test_plan_files_are_reproducible(rounds: tuple[Path, Path, pd.DataFrame],
                                     tmp_path: Path, sample_manifest: Path) -> None:
    one, _, _ = rounds
    again = tmp_path / "again"
    assert main(["build", str(sample_manifest), "--out", str(again), "-q", "--offline"]) == 0
    for name in ("implementation_plan.csv", "implementation_plan.xlsx", "atlas.pdf"):
        assert (one / name).read_bytes() == (again / name).read_bytes(), name
