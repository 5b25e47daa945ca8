"""The benchmark table, how to override it, and how the ranking changes.

Real registers are thin: the Local Government Transparency Code asks councils
for location and tenure, not floor area, staff or running cost. kentassets fills
the gaps from a cited benchmark table, marks every estimate, and gives savings
as ranges. This example writes into the output folder:

* ``benchmarks.csv``: the shipped table (low / central / high, basis, source);
* ``my_benchmarks.toml``: an override of two rows, as a partnership would write it;
* ``estimate_sources.csv``: how many figures were given, taken from a footprint,
  or taken from the benchmark table, per field, on a sample estate thinned like
  a Transparency Code register;
* ``ranking_change.csv``: each co-location's score, saving range and rank with
  the shipped table, with the override, and with score weights that favour
  partnerships across sectors, so you can see which places move and why
  (the ``points_*`` columns explain every score).

Without ``--manifest`` it runs on the synthetic sample estate. Run from the
repository root::

    python examples/benchmarks_and_ranking.py --out /tmp/benchmarks
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import pandas as pd

import kentassets as ka

#: Agencies whose registers are thinned to what the Transparency Code asks for.
THIN_AGENCIES = ("Kent Police", "Kent Fire and Rescue Service", "Medway Council")
OVERRIDE = """\
# Our own figures (example): replace the shipped rows of the same name.
[library.cost_per_m2_gbp]
low = 90
central = 110
high = 140
basis = "published"
source = "Example: the county library service's 2025 property costs over its floor area"

[police.gia_m2]
value = 450
basis = "assumption"
source = "Example: our front-counter stations are small"
"""
SECTOR_WEIGHTS = {"weight_sectors": 0.35, "weight_saving": 0.15}


def thin(assets: pd.DataFrame) -> pd.DataFrame:
    """Drop floor area, staff and cost for some agencies, as a Transparency Code register."""
    out = assets.copy()
    rows = out["agency"].isin(THIN_AGENCIES)
    out.loc[rows, ["gia_m2", "staff_fte", "annual_cost_gbp"]] = float("nan")
    return out


def source_counts(estimated: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for field in ("gia_m2", "staff_fte", "annual_cost_gbp"):
        counts = estimated[f"{field}_source"].fillna("missing").value_counts()
        rows.append({"field": field, **counts.to_dict()})
    return pd.DataFrame(rows).fillna(0)


def ranked(colocs, assets, label: str, **options) -> pd.DataFrame:
    opps = ka.score_opportunities(colocs, assets, **options)
    scored = opps[opps["is_colocation"]].set_index("colocation_id")
    cols = ["score", "saving_low_gbp", "saving_gbp", "saving_high_gbp", "rank"]
    return scored[cols].add_suffix(f"_{label}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, default=None,
                        help="your manifest.toml (default: the synthetic sample estate)")
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default: a new temporary folder)")
    parser.add_argument("--n-assets", type=int, default=2400,
                        help="assets in the sample estate when no manifest is given")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)

    out = args.out or Path(tempfile.mkdtemp(prefix="kentassets-benchmarks-"))
    out.mkdir(parents=True, exist_ok=True)
    shipped = ka.read_benchmarks()
    shipped.to_frame().to_csv(out / "benchmarks.csv", index=False)
    override_path = out / "my_benchmarks.toml"
    override_path.write_text(OVERRIDE, encoding="utf-8")
    mine = ka.read_benchmarks(override_path)

    manifest = args.manifest or ka.write_sample_estate(
        out / "sample-estate", n_assets=args.n_assets
    )
    result = ka.read_manifest(manifest, progress=not args.quiet)
    assets = thin(result.assets) if args.manifest is None else result.assets
    estimated = ka.estimate_assets(assets, benchmarks=shipped)
    source_counts(estimated).to_csv(out / "estimate_sources.csv", index=False)

    colocs = ka.find_colocations(assets)
    as_of = result.manifest.data_date
    table = pd.concat([
        ranked(colocs, assets, "shipped", as_of_date=as_of),
        ranked(colocs, assets, "override", benchmarks=mine, as_of_date=as_of),
        ranked(colocs, assets, "sectors", as_of_date=as_of, **SECTOR_WEIGHTS),
    ], axis=1).sort_values("rank_shipped")
    table["moved_with_override"] = table["rank_override"] - table["rank_shipped"]
    table["moved_with_sector_weights"] = table["rank_sectors"] - table["rank_shipped"]
    table.to_csv(out / "ranking_change.csv")

    row = shipped.get("office", "cost_per_m2_gbp")
    print(f"Office running cost in the shipped table: £{row.low:,.0f} / £{row.central:,.0f} "
          f"/ £{row.high:,.0f} per m² a year ({row.basis}; {row.source[:60]}...)")
    print("Figures by source:\n" + source_counts(estimated).to_string(index=False))
    moved = int((table["moved_with_sector_weights"] != 0).sum())
    print(f"{len(table)} co-locations; {moved} change rank when sectors weigh more; "
          f"{int((table['moved_with_override'] != 0).sum())} with the override")
    print(f"Tables in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
