"""A register where every field is given: estimates change nothing, savings keep today's formula.

``reference_savings`` restates the saving formula of kentassets 0.1 (office
consolidation largest-first plus release of vacant and surplus members, times
``saving_share``) independently of the package, so the test pins that formula.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import kentassets as ka
from kentassets import schema

AS_OF = dt.date(2026, 10, 31)
SPACE_NIA_M2, NET_TO_GROSS, HEADROOM, SAVING_SHARE = 8.0, 0.8, 0.1, 0.8


@pytest.fixture(scope="module")
def full_estate() -> gpd.GeoDataFrame:
    """The sample estate with every floor area, staff figure and cost given."""
    assets = ka.sample_estate().assets.copy()
    rng = np.random.default_rng(14)
    n = len(assets)
    for col, low, high in ((schema.GIA_M2, 80, 4000), (schema.STAFF_FTE, 0, 150),
                           (schema.ANNUAL_COST_GBP, 5_000, 600_000)):
        fill = pd.Series(np.round(rng.uniform(low, high, n)), index=assets.index)
        assets[col] = assets[col].fillna(fill)
    return assets


def reference_savings(assets: gpd.GeoDataFrame, labels: pd.Series) -> dict[int, float]:
    """Today's formula, per cluster label, written out member by member."""
    out: dict[int, float] = {}
    frame = assets.assign(_label=labels.reindex(assets.index).to_numpy())
    frame["_x"] = frame.geometry.x
    frame["_y"] = frame.geometry.y
    for label, members in frame[frame["_label"] >= 0].groupby("_label"):
        vacant = members[schema.STATUS].isin(["vacant", "surplus"]).to_numpy()
        office = members[schema.USE].eq("office").to_numpy()
        staff = members[schema.STAFF_FTE].to_numpy(dtype=float)
        staff = np.where(vacant & np.isnan(staff), 0.0, staff)
        gia = members[schema.GIA_M2].to_numpy(dtype=float)
        cost = members[schema.ANNUAL_COST_GBP].to_numpy(dtype=float)
        pool = office & np.isfinite(gia) & np.isfinite(staff)
        need = round(round(staff[pool].sum(), 2) * SPACE_NIA_M2 / NET_TO_GROSS, 2)
        target = need * (1 + HEADROOM)
        released = vacant & ~pool
        if pool.any() and round(gia[pool].sum(), 2) >= target:
            idx = np.flatnonzero(pool)
            order = idx[np.lexsort((members["_y"].to_numpy()[idx], members["_x"].to_numpy()[idx],
                                    cost[idx], -gia[idx]))]
            held = 0.0
            for i in order:
                if held >= target - 1e-9:
                    released[i] = True
                held += gia[i]
        out[int(label)] = round(SAVING_SHARE * round(float(cost[released].sum()), 2), 2)
    return out


def _by_label(opps: pd.DataFrame, col: str) -> dict[int, float]:
    scored = opps[opps[schema.IS_COLOCATION]]
    return dict(zip(scored[schema.CLUSTER_LABEL].astype(int), scored[col].astype(float),
                    strict=True))


def test_savings_equal_todays_formula_when_everything_is_given(full_estate) -> None:
    colocs = ka.find_colocations(full_estate)
    expected = reference_savings(full_estate, colocs.labels)
    # without the shared-service saving (issue 14's addition), saving_gbp is today's formula
    plain = ka.score_opportunities(colocs, full_estate, as_of_date=AS_OF, shared_services=False)
    got = _by_label(plain, "saving_gbp")
    assert len(got) > 20 and sum(got.values()) > 0
    assert got == pytest.approx({k: expected[k] for k in got})
    # with it, the consolidation part is still exactly today's formula, and every
    # saving rests on given figures; only the shared-service share (0.2-0.8) makes a range
    opps = ka.score_opportunities(colocs, full_estate, as_of_date=AS_OF)
    assert _by_label(opps, "saving_consolidation_gbp") == pytest.approx(got)
    scored = opps[opps[schema.IS_COLOCATION]]
    alone = scored[scored["saving_shared_services_gbp"] == 0]
    assert len(alone) and (alone["saving_low_gbp"] == alone["saving_gbp"]).all()
    assert (alone["saving_high_gbp"] == alone["saving_gbp"]).all()
    shared = scored[scored["saving_shared_services_gbp"] > 0]
    assert len(shared) and (shared["saving_low_gbp"] < shared["saving_gbp"]).all()
    assert (scored["given_share"] == 1.0).all()
    paid = scored[scored["saving_gbp"] > 0]
    assert (paid["saving_given_share"] == 1.0).all()
    assert (scored["saving_gbp"] == scored["saving_consolidation_gbp"]
            + scored["saving_shared_services_gbp"]).all()


def test_estimates_never_touch_given_values(full_estate) -> None:
    from kentassets.estimates import estimate_assets

    out = estimate_assets(full_estate)
    for col in (schema.GIA_M2, schema.STAFF_FTE, schema.ANNUAL_COST_GBP):
        pd.testing.assert_series_equal(out[col], full_estate[col].astype("float64"))
        assert (out[f"{col}_source"] == "given").all()
        assert out[f"{col}_low"].equals(out[col]) and out[f"{col}_high"].equals(out[col])
    assert out.index.equals(full_estate.index)
