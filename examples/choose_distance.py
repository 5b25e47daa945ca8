"""Choosing the co-location distance and the office space standard.

Shows how the two main assumptions move the results, and writes into the
output folder:

* ``eps_sweep.csv`` and ``eps_sweep.png``: co-locations and assets in them
  against the distance (``sweep_eps`` and ``plot_sweep``);
* ``by_distance.csv``: co-locations, largest co-location and estimated savings
  at a few distances;
* ``by_space_standard.csv``: office need, surplus office space and savings at a
  few space standards (m² per FTE), at the chosen distance.

Without ``--manifest`` it runs on the synthetic sample estate. Run from the
repository root::

    python examples/choose_distance.py --out /tmp/distance
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import pandas as pd

import kentassets as ka

SWEEP_EPS_M = (25, 50, 100, 150, 250, 400, 600, 1000)
COMPARE_EPS_M = (100, 250, 500, 1000)
STANDARDS_M2_PER_FTE = (6, 8, 10, 12)


def savings_by_distance(assets, as_of_date) -> pd.DataFrame:
    rows = []
    for eps_m in COMPARE_EPS_M:
        colocs = ka.find_colocations(assets, eps_m=eps_m)
        opps = ka.score_opportunities(colocs, assets, as_of_date=as_of_date)
        scored = opps[opps["is_colocation"]]
        totals = ka.county_totals(opps)
        rows.append({
            "eps_m": eps_m,
            "n_colocations": len(scored),
            "largest_n_assets": int(scored["n_assets"].max()) if len(scored) else 0,
            "saving_gbp": scored["saving_gbp"].sum(),
            "n_shortlisted": totals["n_shortlisted"],
            "shortlisted_saving_gbp": totals["annual_saving_gbp"],
            "pct_of_target": 100 * totals["share_of_target"],
        })
    return pd.DataFrame(rows)


def savings_by_standard(assets, eps_m, as_of_date) -> pd.DataFrame:
    colocs = ka.find_colocations(assets, eps_m=eps_m)
    rows = []
    for standard in STANDARDS_M2_PER_FTE:
        opps = ka.score_opportunities(
            colocs, assets, space_standard_m2_per_fte=standard, as_of_date=as_of_date
        )
        scored = opps[opps["is_colocation"]]
        rows.append({
            "space_standard_m2_per_fte": standard,
            "office_need_m2": scored["office_need_m2"].sum(),
            "surplus_office_m2": scored["surplus_office_m2"].sum(),
            "n_released": int(scored["n_released"].sum()),
            "saving_gbp": scored["saving_gbp"].sum(),
            "n_short_horizon": int((scored["horizon"] == "short").sum()),
        })
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, default=None,
                        help="your manifest.toml (default: the synthetic sample estate)")
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default: a new temporary folder)")
    parser.add_argument("--n-assets", type=int, default=2400,
                        help="assets in the sample estate when no manifest is given")
    parser.add_argument("--eps-m", type=float, default=250.0,
                        help="the distance you intend to use, metres (default 250)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)

    out = args.out or Path(tempfile.mkdtemp(prefix="kentassets-distance-"))
    out.mkdir(parents=True, exist_ok=True)
    manifest = args.manifest or ka.write_sample_estate(
        out / "sample-estate", n_assets=args.n_assets
    )
    result = ka.read_manifest(manifest, progress=not args.quiet)
    assets = result.assets
    as_of_date = result.manifest.data_date

    sweep = ka.sweep_eps(assets, eps_values=SWEEP_EPS_M)
    sweep.to_csv(out / "eps_sweep.csv", index=False)
    ax = ka.plot_sweep(sweep, chosen_eps_m=args.eps_m)
    ax.figure.savefig(out / "eps_sweep.png", dpi=150, bbox_inches="tight")

    by_distance = savings_by_distance(assets, as_of_date)
    by_distance.to_csv(out / "by_distance.csv", index=False)
    by_standard = savings_by_standard(assets, args.eps_m, as_of_date)
    by_standard.to_csv(out / "by_space_standard.csv", index=False)

    with pd.option_context("display.width", 120, "display.float_format", "{:,.0f}".format):
        print("Co-locations by distance:\n" + sweep.to_string(index=False))
        print("\nSavings by distance (£ a year):\n" + by_distance.to_string(index=False))
        print(f"\nBy space standard at {args.eps_m:g} m:\n" + by_standard.to_string(index=False))
    print(f"\nTables and plot in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
