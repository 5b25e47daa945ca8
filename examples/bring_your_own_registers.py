"""Bring your own registers: a manifest, column mapping and the load ledger.

Reads the registers listed in a manifest and reports, row by row, what did not
load and how to fix it. Writes into the output folder:

* ``load_ledger.csv``: one row per input row (file, sheet, row as seen in Excel,
  status, reason, message, columns, warnings);
* ``load_summary.csv``: loaded, excluded and rejected rows per agency;
* ``column_map.csv``: which source column fed which field, per file;
* ``column_mapping.csv``: every source column of every file: the field it feeds
  (or kept in ``extra``), how it was recognised, the unit conversion and any
  warning (also printed).

Without ``--manifest`` it first writes three small hand-made registers (a CSV
whose columns are recognised, a spreadsheet with title rows above its header and
a CSV that needs an explicit column mapping, with a few defects) and their
manifest into ``OUT/registers``, as a template for your own. Run from the
repository root::

    python examples/bring_your_own_registers.py --out /tmp/byo
    python examples/bring_your_own_registers.py --manifest registers/manifest.toml --out /tmp/byo
"""

from __future__ import annotations

import argparse
import tempfile
import textwrap
from pathlib import Path

import pandas as pd

import kentassets as ka

KCC_CSV = """\
Property Ref,Property Name,Address 1,Town,Postcode,Easting,Northing,Primary Use,GIA (m2),FTE
KCC-001,Sessions House,County Road,Maidstone,ME14 1XQ,576017,156294,Office,12500,610
KCC-002,Maidstone Library,St Faith's Street,Maidstone,ME14 1LH,575880,155950,Library,2400,22
KCC-003,Invicta House,County Road,Maidstone,ME14 1XX,,,Office,6200,180
KCC-005,Old Depot,Unknown Lane,Maidstone,,TBC,,Depot,800,4
KCC-002,Folkestone Gateway,Guildhall Street,Folkestone,CT20 1DY,622700,136100,Office,950,20
"""

POLICE_ROWS = [
    ["Kent Police estate (extract)", None, None, None, None, None],
    ["Exported 31 October 2026", None, None, None, None, None],
    ["Site ID", "Site Name", "Post Code", "Latitude", "Longitude", "Staff (FTE)"],
    ["KP-01", "Maidstone Police Station", "ME15 6JQ", 51.2677, 0.5247, 160],
    ["KP-02", "Folkestone Police Station", "CT20 1QQ", 51.0809, 1.1740, 90],
    ["KP-03", "Met liaison office", "SW1A 2AA", 51.5034, -0.1276, 6],
]

TRUST_CSV = """\
Our ref,Building,Where we are,Size,People
VCS-1,Maidstone Community Hub,ME14 1PL,420,6
VCS-2,Folkestone Youth Centre,CT20 2QY,300,4
VCS-3,Riverside Hall,ME14 0ZX,180,1
"""

MANIFEST = """\
title = "Hand-made example registers"
data_date = 2026-10-31
synthetic = true

[[register]]
path = "kcc_property.csv"
agency = "Kent County Council"

[[register]]
path = "police_sites.xlsx"
agency = "Kent Police"
sheet = "Sites"
header_row = 3          # two title rows above the header
sensitive = true
[register.columns]
asset_id = "Site ID"

[[register]]
path = "community_buildings.csv"
agency = "Community Buildings Trust (fictional)"
[register.columns]      # names no recogniser could guess
asset_id = "Our ref"
name = "Building"
postcode = "Where we are"
gia_m2 = "Size"
staff_fte = "People"
"""


def write_example_registers(folder: Path) -> Path:
    """Write the hand-made registers and their manifest; return the manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kcc_property.csv").write_text(KCC_CSV, encoding="utf-8")
    pd.DataFrame(POLICE_ROWS).to_excel(
        folder / "police_sites.xlsx", sheet_name="Sites", header=False, index=False
    )
    (folder / "community_buildings.csv").write_text(TRUST_CSV, encoding="utf-8")
    manifest = folder / "manifest.toml"
    manifest.write_text(MANIFEST, encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, default=None,
                        help="your manifest.toml (default: write hand-made example registers)")
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default: a new temporary folder)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)

    out = args.out or Path(tempfile.mkdtemp(prefix="kentassets-registers-"))
    out.mkdir(parents=True, exist_ok=True)
    manifest = args.manifest or write_example_registers(out / "registers")

    try:
        result = ka.read_manifest(manifest, progress=not args.quiet)
    except ka.KentAssetsError as error:
        print(f"error: {error}")
        return 2

    ledger = result.ledger
    ledger.to_csv(out / "load_ledger.csv", index=False)
    result.summary().to_csv(out / "load_summary.csv", index=False)
    column_map = pd.DataFrame(result.column_map).rename_axis("field").reset_index()
    column_map.to_csv(out / "column_map.csv", index=False)
    result.column_mapping.to_csv(out / "column_mapping.csv", index=False)

    print(result.summary().drop(columns="top_reasons").to_string(index=False))
    problems = ledger[ledger["status"] != "loaded"]
    if len(problems):
        print(f"\n{len(problems)} row(s) not loaded:")
    for row in problems.itertuples():
        where = f"{row.file}" + (f', sheet "{row.sheet}"' if pd.notna(row.sheet) else "")
        message = textwrap.fill(str(row.message), width=96,
                                initial_indent="    ", subsequent_indent="    ")
        print(f"  {where}, row {row.row}: {row.status} ({row.reason})\n{message}")
    print(f"\nLedger: {out / 'load_ledger.csv'}")
    print("\nColumns read (source header -> field):")
    print("\n".join(ka.describe_mapping(result.column_mapping)))
    print(f"Column map: {out / 'column_map.csv'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
