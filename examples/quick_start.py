"""Quick start: from the synthetic sample estate to a shortlist and a district map.

Writes the sample estate (ten agencies' registers and their manifest), reads it,
finds co-located public assets, scores them as opportunities and writes, into
the output folder:

* ``sample-estate/``: the registers and ``manifest.toml`` (a template for yours);
* ``load_summary.csv``: loaded, excluded and rejected rows per agency;
* ``shortlist.csv``: every district's shortlisted opportunities;
* ``<district>.html``: the interactive map of one district (Maidstone by default).

Run from the repository root::

    python examples/quick_start.py --out /tmp/quick-start
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import kentassets as ka

SHORTLIST_COLUMNS = [
    "district_code", "district_name", "district_rank", "colocation_id", "largest_name",
    "agencies", "n_assets", "surplus_office_m2", "saving_gbp", "score", "horizon",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default: a new temporary folder)")
    parser.add_argument("--district", default="E07000110",
                        help="ONS code of the district to map (default: Maidstone)")
    parser.add_argument("--n-assets", type=int, default=2400,
                        help="assets in the sample estate, 300 to 200,000 (default 2400)")
    parser.add_argument("--eps-m", type=float, default=250.0,
                        help="co-location distance in metres (default 250)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)

    out = args.out or Path(tempfile.mkdtemp(prefix="kentassets-quick-start-"))
    out.mkdir(parents=True, exist_ok=True)

    manifest = ka.write_sample_estate(out / "sample-estate", n_assets=args.n_assets)
    result = ka.read_manifest(manifest, progress=not args.quiet)
    result.summary().to_csv(out / "load_summary.csv", index=False)

    districts = ka.load_districts()
    colocs = ka.find_colocations(result.assets, eps_m=args.eps_m)
    opps = ka.score_opportunities(colocs, result.assets, as_of_date=result.manifest.data_date)
    short = ka.shortlist(opps)
    short[SHORTLIST_COLUMNS].to_csv(out / "shortlist.csv", index=False)

    fmap = ka.district_map(
        colocs.label_assets(result.assets),
        districts,
        opps,
        district_code=args.district,
        title=result.manifest.title,
        data_date=result.manifest.data_date,
        synthetic=result.manifest.synthetic,
        sensitive_agencies=result.manifest.sensitive_agencies,
    )
    name = districts.loc[districts["district_code"] == args.district, "district_name"].item()
    map_path = out / f"{name.lower().replace(' ', '-')}.html"
    fmap.save(map_path)

    totals = ka.county_totals(opps)
    print(f"{len(result.assets):,} assets loaded from {len(result.ledger):,} rows")
    print(f"{totals['n_colocations']} co-locations at {args.eps_m:g} m, "
          f"{totals['n_shortlisted']} shortlisted, "
          f"estimated saving £{totals['annual_saving_gbp']:,.0f} a year")
    print(f"Shortlist: {out / 'shortlist.csv'}")
    print(f"Map of {name}: {map_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
