"""Two rounds of the programme: ids that last, workshop decisions, what changed.

The partnership builds the maps every few months from new lists. This example
builds round 1 from the synthetic sample estate, records the decisions of a
workshop, changes the registers as a new round would (an NHS GP surgery opens
in the north of a district, the county council drops two assets, one postcode
is corrected, and the ambulance service sends its list for the first time),
then builds round 2 with the previous round and the decisions:

* every co-location keeps its id (``MAI-03`` stays ``MAI-03``) unless it
  merged, split or ended; new ones get the next free number;
* the decisions are carried onto the maps, the shortlist and the progress
  toward the savings target; decisions on ids that ended are listed for review;
* ``changes.html`` says what changed between the rounds;
* the implementation plan follows the decisions (the business case has a
  ``start`` and a ``complete_by``; the rejected co-location leaves it), and each
  round prints when the savings target is reached.

Run from the repository root::

    python examples/two_rounds.py --out /tmp/two-rounds

It writes ``round-1/`` and ``round-2/`` (two output folders), the registers of
each round under ``registers/``, and ``decisions.csv``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd

import kentassets as ka

KCC = "kcc_property_register_SYNTHETIC.csv"
NHS = "kchft_estate_SYNTHETIC.csv"
AMBULANCE = "secamb_stations_SYNTHETIC.csv"
NHS_AGENCY = "Kent Community Health NHS Foundation Trust"


def colocated(assets: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The assets that are in a co-location."""
    return assets[assets["colocation_id"].notna()]


def gp_surgery_in_the_north(assets: gpd.GeoDataFrame, district: str) -> dict[str, str]:
    """A GP surgery at the postcode of the district's northernmost lone council asset,
    so that a new co-location appears north of every existing one."""
    lone = assets[(assets["district_name"] == district) & assets["colocation_id"].isna()
                  & assets["postcode"].notna() & (assets["agency"] != NHS_AGENCY)]
    top = lone.loc[lone.geometry.y.idxmax()]
    return {"Property Code": "KCHFT-9001", "Property": "Northgate GP Surgery",
            "Address": f"1 Northgate, {district}", "Postcode": str(top["postcode"]),
            "Property Type": "GP Surgery", "Tenure": "Leasehold", "GIA m²": "420",
            "WTE": "12", "Occupancy Status": "Occupied"}


def assets_to_drop(assets: gpd.GeoDataFrame) -> list[str]:
    """Two county council assets: one from a co-location of two (which then ends),
    one from a co-location of three agencies or more (which keeps its id)."""
    members = colocated(assets)
    size = members.groupby("colocation_id")["agency"].agg(["size", "nunique"])
    kcc = members[members["agency"] == "Kent County Council"]
    pair = kcc[kcc["colocation_id"].map(size["size"]) == 2]
    big = kcc[kcc["colocation_id"].map(size["nunique"]) >= 3]
    big = big[big["colocation_id"].map(size["size"]) >= 4]
    return [str(pair["asset_id"].iloc[0]), str(big["asset_id"].iloc[0])]


def corrected_postcode(assets: gpd.GeoDataFrame) -> tuple[str, str]:
    """An NHS asset in a co-location and a corrected postcode 60 to 200 m away."""
    members = colocated(assets)
    nhs = members[members["agency"] == NHS_AGENCY]
    by_postcode = assets[assets["location_method"] == "postcode"].drop_duplicates("postcode")
    for _, row in nhs.sort_values("asset_id").iterrows():
        far = by_postcode.geometry.distance(row.geometry)
        near = by_postcode[(far > 60) & (far < 200) & (by_postcode["postcode"] != row["postcode"])]
        if len(near):
            return str(row["asset_id"]), str(near["postcode"].iloc[0])
    raise SystemExit("no postcode to correct in this sample estate")


def ambulance_stations(assets: gpd.GeoDataFrame) -> pd.DataFrame:
    """A new agency: a station between two nearby co-locations (they merge), and
    stations at three other co-locations (they grow by one)."""
    members = colocated(assets)
    ids = sorted(members["colocation_id"].unique())
    bridge = None
    for i, a in enumerate(ids):
        ga = members[members["colocation_id"] == a].geometry
        for b in ids[i + 1:]:
            gb = members[members["colocation_id"] == b].geometry
            d = ga.apply(lambda p, gb=gb: gb.distance(p).min())
            if 300 < d.min() < 480:
                p = ga.loc[d.idxmin()]
                q = gb.loc[gb.distance(p).idxmin()]
                bridge = ((p.x + q.x) / 2, (p.y + q.y) / 2)
                break
        if bridge:
            break
    if bridge is None:
        raise SystemExit("no pair of co-locations to bridge in this sample estate")
    rows = [("SECAMB-01", "Ambulance Community Response Post", *bridge)]
    for n, cid in enumerate(ids[::15][:3], start=2):
        p = members[members["colocation_id"] == cid].geometry.iloc[0]
        rows.append((f"SECAMB-0{n}", f"Ambulance Station {cid}", p.x + 40, p.y + 30))
    return pd.DataFrame(
        [{"Station ID": sid, "Station": name, "Easting": round(x), "Northing": round(y),
          "Use": "Ambulance station", "Tenure": "Freehold", "GIA": 300, "Staff": 20}
         for sid, name, x, y in rows]
    )


def next_round(registers: Path, round_1: Path, out: Path) -> Path:
    """Copy the registers and change them as the next round's lists would be."""
    shutil.copytree(registers, out)
    assets = gpd.read_file(round_1 / "assets.gpkg")
    nhs = pd.read_csv(out / NHS, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    moved, postcode = corrected_postcode(assets)
    nhs.loc[nhs["Property Code"] == moved, "Postcode"] = postcode
    surgery = gp_surgery_in_the_north(assets, "Maidstone")
    nhs = pd.concat([nhs, pd.DataFrame([surgery])], ignore_index=True).fillna("")
    nhs.to_csv(out / NHS, index=False, encoding="utf-8-sig")
    kcc = pd.read_csv(out / KCC, dtype=str, encoding="cp1252", keep_default_na=False)
    kcc = kcc[~kcc["Asset Code"].isin(assets_to_drop(assets))]
    kcc.to_csv(out / KCC, index=False, encoding="cp1252")
    ambulance_stations(assets).to_csv(out / AMBULANCE, index=False)
    manifest = out / "manifest.toml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8")
        + f'\n[[register]]\npath = "{AMBULANCE}"\nagency = "South East Coast Ambulance '
        'Service"\ncrs = "EPSG:27700"\n\n[register.columns]\nasset_id = "Station ID"\n'
        'name = "Station"\nuse = "Use"\ntenure = "Tenure"\ngia_m2 = "GIA"\n'
        'staff_fte = "Staff"\neasting = "Easting"\nnorthing = "Northing"\n',
        encoding="utf-8",
    )
    return manifest


def workshop(round_1: Path, path: Path) -> pd.DataFrame:
    """Fill in the decisions template as a workshop might; one decision is on the
    co-location that ends in round 2, so that it comes back for review."""
    ka.write_decisions_template(round_1, path)
    decisions = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    opps = pd.read_csv(round_1 / "opportunities.csv", encoding="utf-8-sig")
    ranked = opps.sort_values("rank")["colocation_id"].tolist()
    low = opps[~opps["shortlisted"].astype(bool)].sort_values("rank")["colocation_id"]
    choices = {
        ranked[0]: ("business_case", "Kent County Council", ""),
        ranked[1]: ("done", "Kent Police", "85000"),
        ranked[2]: ("rejected", "", ""),
        low.iloc[-1]: ("pursue", "Medway Council", ""),
    }
    assets = gpd.read_file(round_1 / "assets.gpkg")
    ending = assets.loc[assets["asset_id"] == assets_to_drop(assets)[0], "colocation_id"]
    choices.setdefault(str(ending.iloc[0]), ("on_hold", "Kent County Council", ""))
    for cid, (status, lead, saving) in choices.items():
        row = decisions["colocation_id"] == cid
        decisions.loc[row, ["status", "lead_agency", "decided_on", "saving_realised_gbp"]] = [
            status, lead, "2026-11-20", saving]
    # The business case is dated: the implementation plan takes these dates, not its horizon.
    row = decisions["colocation_id"] == ranked[0]
    decisions.loc[row, ["start", "complete_by"]] = ["2027-01-01", "2028-03-31"]
    decisions.to_csv(path, index=False, encoding="utf-8-sig")
    return decisions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None,
                        help="folder for both rounds (default: a new temporary folder)")
    parser.add_argument("--n-assets", type=int, default=600,
                        help="assets in the sample estate (default 600)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)

    out = args.out or Path(tempfile.mkdtemp(prefix="kentassets-rounds-"))
    out.mkdir(parents=True, exist_ok=True)
    registers = out / "registers"
    try:
        manifest_1 = ka.write_sample_estate(registers / "round-1", n_assets=args.n_assets)
        first = ka.build(manifest_1, out / "round-1", progress=not args.quiet, offline=True)
        print(first)
        decisions = workshop(out / "round-1", out / "decisions.csv")
        print(f"Workshop decisions: {int((decisions['status'] != 'proposed').sum())} recorded "
              f"in {out / 'decisions.csv'}")
        manifest_2 = next_round(registers / "round-1", out / "round-1", registers / "round-2")
        second = ka.build(manifest_2, out / "round-2", previous=out / "round-1",
                          decisions=out / "decisions.csv", progress=not args.quiet,
                          offline=True)
    except ka.KentAssetsError as error:
        print(f"error: {error}")
        return 2
    print(second)
    ids = pd.read_csv(out / "round-2" / "colocation_ids.csv", encoding="utf-8-sig")
    kept = ids[(ids["first_round"] == 1) & (ids["last_round"] == 2)]
    share = len(kept) / int((ids["first_round"] == 1).sum())
    print(f"Ids kept from round 1: {len(kept)} of {int((ids['first_round'] == 1).sum())} "
          f"({share:.0%}); new in round 2: {int((ids['first_round'] == 2).sum())}")
    report = ka.compare_builds(out / "round-1", out / "round-2")
    print(report)
    print(f"What changed: {out / 'round-2' / 'changes.html'}")
    for name in ("round-1", "round-2"):
        plan = json.loads((out / name / "parameters.json").read_text("utf-8"))["totals"]["plan"]
        print(f"Implementation plan, {name}: {plan['summary']} (implementation_plan.csv)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
