"""Workshop decisions: checking, carrying into the shortlist, progress, files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from kentassets.decisions import (
    Decisions,
    apply_decisions,
    check_decisions,
    decisions_template,
    parse_date,
    progress,
)

from kentassets.errors import DecisionsError
from kentassets.io.decisions import read_decisions, write_decisions_template
from kentassets.rounds import first_register

IDS = ["MAI-01", "MAI-02", "MAI-03", "MAI-04", "MAI-05", "SWA-01"]


@pytest.fixture
def opportunities() -> pd.DataFrame:
    """Six scored co-locations: five in Maidstone, one in Swale; 2 to 3 a district."""
    frame = pd.DataFrame({
        "colocation_id": IDS,
        "is_colocation": True,
        "district_code": ["E07000110"] * 5 + ["E07000113"],
        "district_name": ["Maidstone"] * 5 + ["Swale"],
        "largest_name": ["Hall", "Library", "Depot", "Clinic", "Station", "Gateway"],
        "agencies": "Council;Police",
        "score": [90.0, 80.0, 30.0, 20.0, 10.0, 50.0],
        "saving_gbp": [100_000.0, 50_000.0, 20_000.0, 10_000.0, 5_000.0, 40_000.0],
        "rank": pd.array([1, 2, 4, 5, 6, 3], dtype="Int64"),
        "district_rank": pd.array([1, 2, 3, 4, 5, 1], dtype="Int64"),
        "shortlisted": [True, True, False, False, False, True],
    })
    frame.attrs["params"] = {"shortlist_min_per_district": 2, "shortlist_max_per_district": 3,
                             "shortlist_min_score": 40.0}
    return frame


def rows(**columns: list) -> pd.DataFrame:
    return pd.DataFrame(columns)


def test_every_problem_reported_once_with_rows_columns_and_fixes() -> None:
    bad = rows(
        colocation_id=["MAI-01", "MAI-99", "MAI-02", "MAI-03", "MAI-01", "MAI-04"],
        status=["pursue", "done", "maybe", "done", "rejected", "done"],
        decided_on=["2026-11-03", "", "03/11/2026", "31/02/2026", "", ""],
        saving_realised_gbp=["", "", "", "", "", "lots"],
    )
    with pytest.raises(DecisionsError) as info:
        check_decisions(bad, current_ids=IDS, source="decisions.csv")
    text = str(info.value)
    assert text.startswith("decisions.csv: 5 problems")
    assert 'row 3, column "colocation_id": \'MAI-99\' is not a co-location id' in text
    assert 'row 4, column "status": \'maybe\' is not a status; use one of proposed' in text
    assert 'row 5, column "decided_on": \'31/02/2026\' is not a date' in text
    assert 'row 6, column "colocation_id": \'MAI-01\' already has a decision in row 2' in text
    assert 'row 7, column "saving_realised_gbp": \'lots\'' in text
    assert "--lenient" in text


def test_lenient_warns_and_ignores_bad_rows() -> None:
    bad = rows(colocation_id=["MAI-01", "MAI-99"], status=["Business case", "done"])
    got = check_decisions(bad, current_ids=IDS, source="d.csv", lenient=True)
    assert got.status_of() == {"MAI-01": "business_case"}
    assert len(got.warnings) == 1 and "row 3" in got.warnings[0]


def test_unknown_columns_are_an_error_even_when_lenient() -> None:
    with pytest.raises(DecisionsError, match=r"d.csv: unknown column\(s\) 'staus'"):
        check_decisions(rows(colocation_id=["MAI-01"], staus=["done"]), current_ids=IDS,
                        source="d.csv", lenient=True)
    with pytest.raises(DecisionsError, match="no colocation_id column"):
        check_decisions(rows(status=["done"]), current_ids=IDS, source="d.csv")


def test_blank_status_is_proposed_and_blank_lines_skipped() -> None:
    got = check_decisions(rows(colocation_id=["MAI-01", None], status=[None, None]),
                          current_ids=IDS)
    assert got.status_of() == {"MAI-01": "proposed"}


def test_decision_on_retired_id_goes_to_review() -> None:
    register = pd.concat([
        first_register(pd.Series(IDS), pd.Series(["E07000110"] * 6)),
        pd.DataFrame({"colocation_id": ["MAI-07", "MAI-08"], "district_code": "E07000110",
                      "first_round": 1, "last_round": 1, "status": "retired",
                      "merged_into": ["MAI-02", None], "split_from": None}),
    ])
    got = check_decisions(rows(colocation_id=["MAI-07", "MAI-08", "MAI-01"],
                               status=["pursue", "done", "pursue"]),
                          current_ids=IDS, register=register)
    assert got.status_of() == {"MAI-01": "pursue"}
    review = got.to_review.set_index("colocation_id")
    assert review.loc["MAI-07", "merged_into"] == "MAI-02"
    assert "merged into MAI-02" in review.loc["MAI-07", "why"]
    assert "no longer a co-location" in review.loc["MAI-08", "why"]


def test_dates_in_the_forms_excel_writes() -> None:
    assert parse_date(dt.datetime(2026, 11, 3, 0, 0)) == dt.date(2026, 11, 3)
    assert parse_date("2026-11-03 00:00:00") == dt.date(2026, 11, 3)
    assert parse_date("3 Nov 2026") == dt.date(2026, 11, 3)
    with pytest.raises(ValueError):
        parse_date("next week")


def test_rejected_frees_its_slot_and_pursued_stays(opportunities: pd.DataFrame) -> None:
    decisions = check_decisions(
        rows(colocation_id=["MAI-01", "MAI-05"], status=["rejected", "pursue"]),
        current_ids=IDS)
    out = apply_decisions(opportunities, decisions)
    chosen = set(out.loc[out["shortlisted"], "colocation_id"])
    # MAI-01 leaves; MAI-03 (next best) takes the freed slot; MAI-05 stays though its
    # score is low; Swale is untouched.
    assert chosen == {"MAI-02", "MAI-03", "MAI-05", "SWA-01"}
    assert out.set_index("colocation_id").loc["MAI-02", "district_rank"] == 1
    assert out["decision_status"].tolist() == [
        "rejected", "proposed", "proposed", "proposed", "pursue", "proposed"]
    assert opportunities["shortlisted"].sum() == 3  # the input is not changed


def test_no_decisions_changes_nothing_but_the_status(opportunities: pd.DataFrame) -> None:
    out = apply_decisions(opportunities, None)
    assert out["shortlisted"].tolist() == opportunities["shortlisted"].tolist()
    assert set(out["decision_status"]) == {"proposed"}


def test_progress_by_stage(opportunities: pd.DataFrame) -> None:
    decisions = check_decisions(
        rows(colocation_id=["MAI-01", "MAI-02", "MAI-03", "MAI-04"],
             status=["done", "in_delivery", "business_case", "done"],
             saving_realised_gbp=["£120,000", None, None, None]),
        current_ids=IDS)
    out = apply_decisions(opportunities, decisions)
    got = progress(out, decisions, savings_target_gbp=10_000_000, target_years=4)
    realised = got["realised"]
    assert realised["n"] == 2
    assert realised["annual_gbp"] == 130_000.0  # 120,000 realised + 10,000 estimated
    assert realised["estimated_gbp"] == 10_000.0
    assert got["committed"]["annual_gbp"] == 70_000.0
    assert got["committed"]["over_period_gbp"] == 280_000.0
    assert got["pipeline"]["n"] == 1 and got["pipeline"]["annual_gbp"] == 40_000.0  # SWA-01
    assert got["committed"]["share_of_target"] == pytest.approx(0.028)


def test_template_lists_current_colocations(opportunities: pd.DataFrame) -> None:
    previous = Decisions(check_decisions(rows(colocation_id=["MAI-02"], status=["pursue"]),
                                         current_ids=IDS).table)
    table = decisions_template(opportunities, previous)
    assert table["colocation_id"].tolist() == IDS
    assert table.set_index("colocation_id").loc["MAI-02", "status"] == "pursue"
    assert table["district"].iloc[0] == "Maidstone" and table["place"].iloc[0] == "Hall"
    assert "business_case" in table["statuses_allowed"].iloc[0]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_template_round_trip(opportunities: pd.DataFrame, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"decisions{suffix}"
    write_decisions_template(decisions_template(opportunities), path)
    got = read_decisions(path, current_ids=IDS)
    assert got.status_of() == dict.fromkeys(IDS, "proposed")
    with pytest.raises(DecisionsError, match="exists and may hold decisions"):
        write_decisions_template(decisions_template(opportunities), path)


def test_read_excel_csv_in_windows_encoding(tmp_path: Path) -> None:
    path = tmp_path / "decisions.csv"
    path.write_bytes("colocation_id,status,note\r\nMAI-01,Pursue,caf\xe9 \xa3\r\n".encode("cp1252"))
    got = read_decisions(path, current_ids=IDS)
    assert got.table["note"].tolist() == ["caf\xe9 \xa3"]


def test_read_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(DecisionsError, match="decisions file not found"):
        read_decisions(tmp_path / "nope.csv", current_ids=IDS)
    odd = tmp_path / "decisions.json"
    odd.write_text("{}")
    with pytest.raises(DecisionsError, match=r"must be \.csv or \.xlsx"):
        read_decisions(odd, current_ids=IDS)


def test_untouched_template_row_on_a_retired_id_is_no_decision() -> None:
    register = pd.DataFrame({"colocation_id": ["MAI-07"], "district_code": "E07000110",
                             "first_round": 1, "last_round": 1, "status": "retired",
                             "merged_into": None, "split_from": None})
    got = check_decisions(rows(colocation_id=["MAI-07"], status=["proposed"]),
                          current_ids=IDS, register=register)
    assert got.to_review.empty
