"""Derive the package's district population table from the ONS Census 2021 figures.

Usage::

    python scripts/derive_population.py ../shared/reference/census2021_lad_population.csv

Reads the ONS table (``lad_code, lad_name, region, population_2021, population_2011``;
districts as of 2021) and writes ``src/kentassets/data/population/district_population.csv``
with one row per English district code of the postcode directory shipped with the
package: ``district_code, population_2021, postcode_letters`` (the first letters of the
district's postcodes in that directory, ``;``-separated: only those letters of the
directory are read for the default demand). Districts merged since 2021 (the four 2023
unitaries) take the sum of their former districts; the two re-coded in 2024 (Barnsley,
Sheffield) take their former code's figure. Only the 2021 figure is kept.

Source: Office for National Statistics, Census 2021 (released 28 June 2022), usual
resident population rounded to the nearest 100. Open Government Licence v3.0.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

#: Districts since 2021: the new code -> the 2021 codes it is made of.
SUCCESSORS = {
    "E06000063": ("E07000026", "E07000028", "E07000029"),  # Cumberland
    "E06000064": ("E07000027", "E07000030", "E07000031"),  # Westmorland and Furness
    "E06000065": ("E07000163", "E07000164", "E07000165", "E07000166", "E07000167",
                  "E07000168", "E07000169"),  # North Yorkshire
    "E06000066": ("E07000187", "E07000188", "E07000189", "E07000246"),  # Somerset
    "E08000038": ("E08000016",),  # Barnsley, re-coded 2024
    "E08000039": ("E08000019",),  # Sheffield, re-coded 2024
}
OUT = Path(__file__).resolve().parents[1] / "src/kentassets/data/population/district_population.csv"


def derive(source: Path) -> pd.DataFrame:
    """The package table from the ONS table at ``source``."""
    ons = pd.read_csv(source, dtype={"lad_code": str})
    ons = ons[ons["lad_code"].str.startswith("E")]
    figures = dict(zip(ons["lad_code"], ons["population_2021"].astype(int), strict=True))
    merged = {code for parts in SUCCESSORS.values() for code in parts}
    rows = {code: pop for code, pop in figures.items() if code not in merged}
    for code, parts in SUCCESSORS.items():
        rows[code] = sum(figures[p] for p in parts)
    table = pd.DataFrame(sorted(rows.items()), columns=["district_code", "population_2021"])
    assert table["population_2021"].sum() == ons["population_2021"].sum()
    table["postcode_letters"] = table["district_code"].map(_letters()).fillna("")
    return table


def _letters() -> dict[str, str]:
    """District code -> the first letters of its postcodes in the packaged directory."""
    from kentassets.io.postcodes import PostcodeDirectory

    directory = PostcodeDirectory(cache=False)
    frame = pd.concat(directory._ensure_letters("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    first = frame.index.str[0]
    pairs = pd.DataFrame({"code": frame["district_code"].to_numpy(), "letter": first})
    pairs = pairs.dropna().drop_duplicates().sort_values(["code", "letter"])
    return pairs.groupby("code")["letter"].agg(";".join).to_dict()


if __name__ == "__main__":
    derive(Path(sys.argv[1])).to_csv(OUT, index=False, lineterminator="\n")
    print(f"wrote {OUT}")
