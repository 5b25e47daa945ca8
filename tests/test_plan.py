"""The implementation plan: the year rule, a hand-computed district, FM actions, the files."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest

import kentassets as ka
from kentassets.errors import DecisionsError, ValidationError
from kentassets.plan import (
    PlanParams,
    fm_actions,
    implementation_plan,
    plan_trajectory,
    plan_year,
    saving_by_year,
)
from kentassets.rounds.decisions import check_decisions

AS_OF = dt.date(2026, 10, 31)


def test_plan_year_boundaries() -> None:
    assert plan_year(AS_OF, dt.date(2026, 1, 1)) == 0
    assert plan_year(AS_OF, AS_OF) == 0
    assert plan_year(AS_OF, dt.date(2026, 11, 1)) == 1
    assert plan_year(AS_OF, dt.date(2027, 10, 31)) == 1
    assert plan_year(AS_OF, dt.date(2027, 11, 1)) == 2
    assert plan_year(AS_OF, dt.date(2033, 10, 30)) == 7
    leap = dt.date(2028, 2, 29)
    assert plan_year(leap, dt.date(2029, 2, 28)) == 1
    assert plan_year(leap, dt.date(2029, 3, 1)) == 2


def test_saving_counts_after_the_completion_year_only() -> None:
    assert saving_by_year(10.0, 1, 4) == [0.0, 10.0, 10.0, 10.0]
    assert saving_by_year(10.0, 0, 3) == [10.0, 10.0, 10.0]
    assert saving_by_year(10.0, 4, 4) == [0.0, 0.0, 0.0, 0.0]
    assert saving_by_year(10.0, None, 2) == [0.0, 0.0]


def test_plan_params_ranges() -> None:
    with pytest.raises(ValidationError, match="between 1 and 20 years"):
        PlanParams(horizon_years={"short": 0, "medium": 3, "long": 5})
    with pytest.raises(ValidationError, match="between 1 and 50"):
        PlanParams(max_plan_years=0)


def _district() -> pd.DataFrame:
    """Seven co-locations of one district, each a case of the rule."""
    ids = ["ABC-01", "ABC-02", "ABC-03", "ABC-04", "ABC-05", "ABC-06", "ABC-07"]
    return pd.DataFrame({
        "colocation_id": ids,
        "is_colocation": True,
        "district_code": "E07000999",
        "district_name": "Testshire",
        "shortlisted": [True, True, True, True, True, False, False],
        "horizon": ["short", "medium", "short", "short", "unknown", "short", "long"],
        "saving_gbp": [100.0, 200.0, 80.0, 999.0, 70.0, 5.0, 40.0],
        "saving_low_gbp": [50.0, 100.0, 40.0, 500.0, 35.0, 2.0, 20.0],
        "saving_high_gbp": [150.0, 300.0, 120.0, 1500.0, 105.0, 8.0, 60.0],
        "shared_host": ["Kent Police:Station", "", "", "", "", "", ""],
        "agencies": ["Kent Police;Swale Council"] * 7,
        "largest_name": ["Big House"] * 7,
        "largest_address": ["1 High Street, Sittingbourne, ME10 1AA"] * 7,
    })


def _decisions() -> pd.DataFrame:
    rows = pd.DataFrame({
        "colocation_id": ["ABC-02", "ABC-03", "ABC-04", "ABC-07"],
        "status": ["pursue", "done", "rejected", "on_hold"],
        "lead_agency": ["Swale Council", None, None, None],
        "decided_on": [None, "01/05/2026", None, None],
        "saving_realised_gbp": [None, "50", None, None],
        "start": ["2027-01-01", None, None, None],
        "complete_by": ["30/06/2028", None, None, None],
    })
    return check_decisions(rows, current_ids=_district()["colocation_id"]).table


def test_hand_computed_district() -> None:
    plan = implementation_plan(_district(), _decisions(), as_of=AS_OF, target_years=4,
                               savings_target_gbp=1000.0)
    projects = plan[plan["row_type"] == "project"].set_index("colocation_id")
    # ABC-04 rejected and ABC-06 not shortlisted are absent; ABC-07 on hold is listed.
    assert list(projects.index) == ["ABC-01", "ABC-02", "ABC-03", "ABC-05", "ABC-07"]
    years = [f"saving_year_{k}_gbp" for k in range(1, 5)]
    assert "saving_year_5_gbp" not in plan.columns
    assert projects.loc["ABC-01", years].tolist() == [0, 100, 100, 100]  # completes year 1
    assert projects.loc["ABC-02", years].tolist() == [0, 0, 200, 200]  # completes year 2
    assert projects.loc["ABC-03", years].tolist() == [50, 50, 50, 50]  # done, realised 50
    assert projects.loc["ABC-05", years].tolist() == [0, 0, 0, 0]
    assert projects.loc["ABC-05", "scheduled"].startswith("no: horizon unknown")
    assert projects.loc["ABC-07", "scheduled"] == "no: on hold"
    assert projects.loc["ABC-01", "complete_by"] == "2027-10-31"
    assert projects.loc["ABC-02", ["start", "complete_by"]].tolist() == ["2027-01-01",
                                                                          "2028-06-30"]
    assert projects.loc["ABC-01", "lead_agency"] == "Kent Police"  # the shared host's
    assert projects.loc["ABC-02", "lead_agency"] == "Swale Council"  # the decision's
    assert projects.loc["ABC-01", "place"] == "Sittingbourne"
    county = plan[plan["row_type"] == "county total"].iloc[0]
    cumulative = plan[plan["row_type"] == "county cumulative"].iloc[0]
    share = plan[plan["row_type"] == "county share of target"].iloc[0]
    assert county[years].tolist() == [50, 150, 350, 350]
    assert cumulative[years].tolist() == [50, 200, 550, 900]
    assert share[years].tolist() == pytest.approx([0.05, 0.2, 0.55, 0.9])
    assert county["scheduled"] == "3 of 5 projects scheduled"
    trajectory = plan_trajectory(plan)
    assert trajectory.reached_year is None and trajectory.shortfall_gbp == 100.0
    assert "falls £100 short of the £1k target" in trajectory.summary()
    reached = plan_trajectory(implementation_plan(
        _district(), _decisions(), as_of=AS_OF, target_years=4, savings_target_gbp=500.0))
    assert reached.reached_year == 3
    assert "year 3 (by 31 Oct 2029)" in reached.summary()


def test_plan_reads_the_decision_columns_of_applied_opportunities() -> None:
    from kentassets.rounds.decisions import Decisions, apply_decisions

    opps = _district()
    opps["rank"] = range(1, 8)
    applied = apply_decisions(opps, Decisions(_decisions()))
    direct = implementation_plan(_district(), _decisions(), as_of=AS_OF)
    via = implementation_plan(applied, as_of=AS_OF)
    columns = ["colocation_id", "status", "start", "complete_by", "saving_year_3_gbp"]
    pd.testing.assert_frame_equal(direct[columns], via[columns])


def test_decision_dates_are_checked() -> None:
    rows = pd.DataFrame({"colocation_id": ["A-01", "A-02"], "status": ["pursue", "pursue"],
                         "start": ["2027-05-01", "soon"],
                         "complete_by": ["2027-01-01", ""]})
    with pytest.raises(DecisionsError) as err:
        check_decisions(rows, current_ids=["A-01", "A-02"], source="d.csv")
    text = str(err.value)
    assert 'row 2, column "complete_by": 2027-01-01 is before the start 2027-05-01' in text
    assert "row 3, column \"start\": 'soon' is not a date" in text
    assert "2 problems" in text


def test_template_has_empty_date_columns() -> None:
    from kentassets.rounds.decisions import decisions_template

    table = decisions_template(_district())
    assert {"start", "complete_by"} <= set(table.columns)
    assert table[["start", "complete_by"]].isna().all().all()


def test_fm_actions_need_two_providers_and_a_contract_ending_in_the_horizon() -> None:
    assets = pd.DataFrame({
        "colocation_id": ["A-01", "A-01", "A-02", "A-02", "A-03", "A-03", None],
        "fm_provider": ["Mitie", "ISS", "Mitie", "mitie", "Mitie", "ISS", "Sodexo"],
        "fm_contract_end": pd.to_datetime(["2027-03-31", "2031-01-01", "2027-01-01",
                                           "2027-01-01", "2035-01-01", "2026-01-01",
                                           "2027-01-01"]),
    })
    actions = fm_actions(assets, window_years={"A-01": 1, "A-02": 1, "A-03": 5}, as_of=AS_OF)
    assert list(actions.index) == ["A-01"]  # A-02 one provider; A-03 ends outside
    assert actions.loc["A-01"].tolist() == ["align FM contracts", "ISS; Mitie", "2027-03-31"]
    assert fm_actions(assets.drop(columns=["fm_provider"]), window_years={},
                      as_of=AS_OF).empty


def test_fm_action_in_the_plan() -> None:
    assets = pd.DataFrame({
        "colocation_id": ["ABC-01", "ABC-01"], "agency": ["Kent Police", "Swale Council"],
        "gia_m2": [100.0, 500.0], "fm_provider": ["Mitie", "ISS"],
        "fm_contract_end": pd.to_datetime(["2027-06-30", "2029-01-01"]),
    })
    plan = implementation_plan(_district(), as_of=AS_OF, assets=assets)
    row = plan.set_index("colocation_id").loc["ABC-01"]
    assert (row["fm_action"], row["fm_providers"], row["fm_earliest_end"]) == (
        "align FM contracts", "ISS; Mitie", "2027-06-30")


def test_workbook_is_reproducible_and_inert() -> None:
    import openpyxl

    from kentassets.pipeline.plan import plan_workbook

    district = _district()
    district.loc[0, "largest_address"] = "=HYPERLINK(\"http://x\"), @cmd"
    district.loc[0, "shared_host"] = "=1+1:Station"
    plan = implementation_plan(district, as_of=AS_OF, target_years=4)
    one = plan_workbook(plan, title="T", created=AS_OF)
    two = plan_workbook(plan, title="T", created=AS_OF)
    assert one == two
    book = openpyxl.load_workbook(io.BytesIO(one))
    assert book.sheetnames == ["County", "Testshire"]
    sheet = book["Testshire"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == "=1+1"]
    assert cells and all(c.data_type == "s" for c in cells)
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert len(sheet._charts) == 1 and len(book["County"]._charts) == 1
    assert book.properties.created == dt.datetime(2026, 10, 31)


def test_sample_plan_api() -> None:
    estate = ka.sample_estate()
    colocs = ka.find_colocations(estate.assets)
    opps = ka.score_opportunities(colocs, colocs.label_assets(estate.assets))
    plan = ka.implementation_plan(opps, as_of=AS_OF)
    projects = plan[plan["row_type"] == "project"]
    assert len(projects) == int(opps["shortlisted"].sum())
    assert projects["district_code"].is_monotonic_increasing
    trajectory = ka.plan_trajectory(plan)
    county = plan[plan["row_type"] == "county total"].iloc[0]
    assert list(trajectory.annual_gbp) == [county[f"saving_year_{k}_gbp"]
                                           for k in range(1, plan.attrs["n_years"] + 1)]


def test_index_plan_section_escapes_and_links() -> None:
    from kentassets.render.web.plan import plan_anchor, plan_html

    district = _district()
    district.loc[0, "largest_address"] = "1 High St, <script>alert(1)</script>"
    html = plan_html(implementation_plan(district, as_of=AS_OF, savings_target_gbp=1e6))
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert f'id="{plan_anchor("E07000999")}"' in html
    assert "The plan falls" in html and "Year 1 (target period)" in html
    assert plan_anchor("E0<7") == "plan-E0_7"
    assert plan_html(None) == ""


def test_fm_action_from_registers_read_by_meaning(tmp_path: Path) -> None:
    """Two agencies' registers with FM columns under their own headers: the loader
    recognises them and the plan lists the action for their co-location."""
    council = tmp_path / "council.csv"
    council.write_text(
        "Property Ref,Property Name,Easting,Northing,Use,GIA (m2),Annual Cost,"
        "FM Provider,FM Contract End Date\n"
        "C1,Civic Centre,575900,155700,Office,2400,480000,Mitie,31/03/2027\n"
        "C2,Library,575950,155720,Library,600,90000,Mitie,31/03/2027\n", encoding="utf-8")
    police = tmp_path / "police.csv"
    police.write_text(
        "Site ID,Site Name,Easting,Northing,Use,GIA (m2),Annual Cost,"
        "Facilities Management Contractor,FM Contract Expiry\n"
        "P1,Police Office,575920,155690,Office,900,200000,ISS,2029-06-30\n", encoding="utf-8")
    loaded = ka.combine_results([ka.read_register(council, agency="Maidstone Borough Council"),
                                 ka.read_register(police, agency="Kent Police")])
    assert loaded.assets["fm_provider"].notna().all()
    colocs = ka.find_colocations(loaded.assets)
    assets = colocs.label_assets(loaded.assets)
    opps = ka.score_opportunities(colocs, assets)
    opps["shortlisted"] = opps["is_colocation"]
    plan = implementation_plan(opps, as_of=AS_OF, assets=assets)
    row = plan[plan["row_type"] == "project"].iloc[0]
    assert (row["fm_action"], row["fm_providers"]) == ("align FM contracts", "ISS; Mitie")
    assert row["fm_earliest_end"] == "2027-03-31"
